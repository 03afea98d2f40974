package sandboxtest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how Require ended the test.
type recorder struct {
	testing.TB
	ended string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.ended = "fatal: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.ended = "skip: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// require runs Require against an empty state folder and says how the
// test ended.
func require(t *testing.T, ci string) string {
	t.Setenv("GODAX_STATE_DIR", t.TempDir())
	t.Setenv("CI", ci)
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Require(r)
		r.ended = "returned"
	}()
	<-done
	return r.ended
}

func TestRequire_FailsInCIWhenTheSandboxIsMissing(t *testing.T) {
	got := require(t, "true")
	if !strings.HasPrefix(got, "fatal: ") || !strings.Contains(got, "go run mage.go sandbox:up") {
		t.Errorf("Require with CI=true and no sandbox: %s; want a failure saying how to start it", got)
	}
}

func TestRequire_SkipsOutsideCIWhenTheSandboxIsMissing(t *testing.T) {
	got := require(t, "")
	if !strings.HasPrefix(got, "skip: ") || !strings.Contains(got, "go run mage.go sandbox:up") {
		t.Errorf("Require without CI and no sandbox: %s; want a skip saying how to start it", got)
	}
}
