package sandboxtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax/envvar"
	"github.com/godax/godax/scripts/sandbox"
)

// Require returns the running sandbox's state after checking that its
// daemons answer. When the sandbox is missing or unhealthy, t fails if the
// CI variable is true (CI must run the integration tests), and is skipped
// otherwise, saying how to start the sandbox.
//
// # Environment
//
// CI: when true, a missing sandbox fails the test. GODAX_STATE_DIR: the
// state folder of the sandbox to use, as for sandbox:up.
func Require(t testing.TB) *sandbox.State {
	t.Helper()
	st, err := sandbox.Load()
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = st.Check(ctx)
		cancel()
	}
	if err == nil {
		return st
	}
	if envvar.CI(os.Getenv("CI")) {
		t.Fatalf("integration test needs the sandbox, and CI is true: %v\n(start it first with: go run mage.go sandbox:up)", err)
	}
	t.Skipf("integration test skipped: %v\n(start the sandbox with: go run mage.go sandbox:up)", err)
	return nil
}
