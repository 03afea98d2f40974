package dax_test

import (
	"os"
	"testing"
)

// TestMain clears the variables that make dax write a CI system's log
// markup: the tests and examples check what a terminal or a file shows,
// also when they run in CI. The tests of the markup set them themselves.
func TestMain(m *testing.M) {
	for _, name := range []string{"GITHUB_ACTIONS", "GITLAB_CI"} {
		if err := os.Unsetenv(name); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
