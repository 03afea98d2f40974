package scripts

import (
	"context"
	"os"
	"strings"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/state"
)

// Test brings the sandbox up, then runs every test in the module with the
// race detector. Results are never taken from Go's test cache, since the
// integration tests depend on the sandbox rather than only on the code.
//
// # Environment
//
// TEST_FLAGS adds flags to go test, for example TEST_FLAGS='-run Login -v'.
func Test(ctx context.Context) error {
	if _, err := sandbox.Up(ctx); err != nil {
		return err
	}
	root, err := state.ModuleRoot()
	if err != nil {
		return err
	}
	flags := strings.Fields(os.Getenv("TEST_FLAGS"))
	return dax.Cmd("go test -race -count=1 %s ./...", flags).Dir(root).PrintCommand().Run(ctx)
}
