package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/godax/godax/scripts/internal/state"
)

// helperEnv makes the test binary run one EcrLogin and exit, so that tests
// can run logins as separate processes, as `mage ecrLogin` would.
const helperEnv = "GODAX_TEST_ECRLOGIN_HELPER"

// exampleContext is godax's example service, which the tests build where
// a real run would build the repository's top folder.
var exampleContext string

func TestMain(m *testing.M) {
	root, err := state.ModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	exampleContext = filepath.Join(root, exampleService)
	if os.Getenv("BUILD_CONTEXT") == "" {
		os.Setenv("BUILD_CONTEXT", exampleContext)
	}
	if os.Getenv(helperEnv) == "1" {
		if err := EcrLogin(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
