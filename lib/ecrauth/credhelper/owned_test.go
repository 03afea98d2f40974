//go:build unix

package credhelper_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godax/godax/lib/privdir/privdirtest"
)

// TestGet_NeitherServesNorTouchesACacheInAFolderOfAnotherUser plants, in
// a folder nobody owns and anyone may write, an entry with the attacker's
// token and, for when that entry is stale, a lock file that is a link.
func TestGet_NeitherServesNorTouchesACacheInAFolderOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to hand files to another user")
	}
	f := newFixture(t)
	h := f.helper()
	if _, _, err := h.Get(ecrHost); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(os.Getenv("ECR_CACHE_DIR"), "helper", "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache files %v, want one", entries)
	}
	data, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	planted := strings.Replace(string(data), `"secret": "token-1"`, `"secret": "ATTACKER-PLANTED"`, 1)
	if planted == string(data) {
		t.Fatalf("no secret to replace in %s", data)
	}

	theirs := filepath.Join(t.TempDir(), "theirs")
	helperDir := filepath.Join(theirs, "helper")
	for _, d := range []string{theirs, helperDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(os.Chmod(d, 0o777), os.Chown(d, privdirtest.Nobody, privdirtest.Nobody)); err != nil {
			t.Fatal(err)
		}
	}
	entry := filepath.Join(helperDir, filepath.Base(entries[0]))
	if err := os.WriteFile(entry, []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(entry, privdirtest.Nobody, privdirtest.Nobody); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "created-through-the-link")
	if err := os.Symlink(target, strings.TrimSuffix(entry, ".json")+".lock"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECR_CACHE_DIR", theirs)

	for _, at := range []time.Duration{time.Hour, 7 * time.Hour} { // fresh, then stale
		f.now = t0.Add(at)
		_, secret, err := h.Get(ecrHost)
		if err != nil {
			t.Fatal(err)
		}
		if secret == "ATTACKER-PLANTED" {
			t.Errorf("at +%s: served the planted token", at)
		}
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Error("created the file the planted lock link points to")
	}
	for _, d := range []string{theirs, helperDir} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o777 {
			t.Errorf("%s: mode %v (%v), want it left at 0777", d, fi.Mode().Perm(), err)
		}
	}
}
