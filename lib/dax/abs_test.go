package dax_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/godax/godax/lib/dax"
)

func TestShellAbs_ResolvesFromTheShellsDirectoryAfterCd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	sh, err := dax.New(dax.WithDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Cd("sub"); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"a.txt":      filepath.Join(dir, "sub", "a.txt"),
		"../b":       filepath.Join(dir, "b"),
		"/etc/../x/": "/x",
	} {
		if got, err := sh.Abs(path); err != nil || got != want {
			t.Errorf("Abs(%q) = %q, %v, want %q", path, got, err, want)
		}
	}
}
