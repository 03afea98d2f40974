package scripts

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// helperEnv makes the test binary run one EcrLogin and exit, so that tests
// can run logins as separate processes, as `mage ecrLogin` would.
const helperEnv = "GODAX_TEST_ECRLOGIN_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		if err := EcrLogin(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
