//go:build unix

package signals_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/godax/godax/lib/dax/signals"
)

func ExampleContext() {
	ctx, done := signals.Context(context.Background())
	_ = syscall.Kill(os.Getpid(), syscall.SIGTERM) // as timeout or docker stop would
	<-ctx.Done()
	err := done(fmt.Errorf("deploy: %w", ctx.Err()))
	var stopped *signals.Error
	fmt.Println(err)
	fmt.Println(errors.As(err, &stopped), stopped.ExitStatus())
	// Output:
	// stopped by SIGTERM: deploy: context canceled
	// true 143
}
