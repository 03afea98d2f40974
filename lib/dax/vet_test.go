package dax_test

import (
	"os/exec"
	"strings"
	"testing"
)

func TestCmd_GoVetReportsWrongHoleCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "vet", "./testdata/vetbad").CombinedOutput()
	if err == nil {
		t.Fatalf("go vet found nothing wrong in testdata/vetbad:\n%s", out)
	}
	for _, want := range []string{
		"bad.go:8:", "dax.Cmd format %s reads arg #2, but call has 1 arg",
		"bad.go:9:", "Shell).Cmd call needs 1 arg but has 2 args",
		"bad.go:10:", "dax.Cmd format %d has arg src of wrong type string",
		"bad.go:11:", "dax.Cmd format %Y has unknown verb Y",
		"bad.go:12:", "dax.Info format %s reads arg #2, but call has 1 arg",
		"bad.go:13:", "Shell).Warn format %d has arg src of wrong type string",
		"bad.go:17:", "Script).Run format %s reads arg #2, but call has 1 arg",
		"bad.go:18:", "Script).Text format %d has arg src of wrong type string",
		"bad.go:19:", "Script).JSON format %s reads arg #2, but call has 1 arg",
		"bad.go:20:", "Script).Require format %d has arg src of wrong type string",
		"bad.go:21:", "Script).Info format %s reads arg #1, but call has 0 args",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
}
