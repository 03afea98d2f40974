// Command godax-ecr-token gets one ECR authorization token for
// docker-credential-godax, which runs it on a cache miss: it reads a
// credhelper.Request as JSON on stdin, assumes the role it names, asks
// ECR for a token, and writes a credhelper.Response as JSON on stdout.
// On failure it writes one line to stderr and exits 1. It is a program
// of its own so that the helper's cached path links no AWS SDK.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrauth/credhelper"
)

func main() {
	var req credhelper.Request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(fmt.Errorf("godax-ecr-token: read the request on stdin: %w", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), credhelper.DefaultFetchTimeout)
	defer cancel()
	resp, err := ecrauth.Fetch(ctx, req)
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(resp); err != nil {
		fail(fmt.Errorf("godax-ecr-token: %w", err))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
