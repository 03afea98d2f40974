package dax_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/godax/godax/lib/dax"
)

func ExampleRedact() {
	pw := dax.Secret("hunter22")
	auth := base64.StdEncoding.EncodeToString([]byte("AWS:" + string(pw)))
	fmt.Println(dax.Redact("https://AWS:hunter22@registry/v2/ auth="+auth, pw))
	// Output: https://AWS:***@registry/v2/ auth=QVdTOm***
}

func ExampleRedactError() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := fmt.Errorf("login with password hunter22: %w", ctx.Err())
	err = dax.RedactError(err, "hunter22")
	fmt.Println(err, errors.Is(err, context.Canceled))
	// Output: login with password ***: context canceled true
}
