package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
)

func TestCmdPackages_InstallsCmdOnlyWhenItExists(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if got := cmdPackages(root); got != "" {
		t.Errorf("without cmd/: got %q, want nothing", got)
	}
	if err := os.Mkdir(filepath.Join(root, "cmd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := cmdPackages(root); got != "./cmd/..." {
		t.Errorf("with cmd/: got %q, want ./cmd/...", got)
	}
}

func TestInstall_PutsTheTargetsBinaryInGOBIN(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the targets")
	}
	gobin := t.TempDir()
	t.Setenv("GOBIN", gobin)
	if err := Install(context.Background()); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(gobin, TargetsBinary)
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	out, err := dax.Cmd("%s -l", exe).Quiet().Timeout(time.Minute).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "ecrLogin") || !strings.Contains(out, "sandbox:up") {
		t.Errorf("%s -l does not list the targets:\n%s", exe, out)
	}
	if strings.Contains(out, "\n  install ") || strings.Contains(out, "\n  demo ") {
		t.Errorf("%s -l lists godax's own targets, which have no use in another repository:\n%s", exe, out)
	}
}
