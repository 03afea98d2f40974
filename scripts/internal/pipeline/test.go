package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox"
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
	// lib/dax and its script bridge are modules of their own, which the
	// root's ./... does not reach.
	for _, module := range []string{".", "lib/dax", "lib/dax/daxscript"} {
		err := dax.Cmd("go test -race -count=1 %s ./...", flags).Dir(filepath.Join(root, module)).PrintCommand().Run(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}
