// Package privdirtest holds what tests of private folders share: another
// user to hand files to, and folders owned by that user.
//
//	privdirtest.RequireRoot(t)
//	theirs := privdirtest.ForeignDir(t, 0o777) // nobody's, anyone may write
package privdirtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Nobody is the unprivileged user that plays the other user.
const Nobody = 65534

// RequireRoot skips t unless it runs as root, which may hand files to
// another user.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root, to hand files to another user")
	}
}

// Mkdir makes dir with mode perm (whatever the umask) owned by uid.
func Mkdir(t testing.TB, dir string, perm fs.FileMode, uid int) {
	t.Helper()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, uid); err != nil {
		t.Fatal(err)
	}
}

// ForeignDir makes a new folder owned by [Nobody] with mode perm, and
// returns it.
func ForeignDir(t testing.TB, perm fs.FileMode) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "theirs")
	Mkdir(t, dir, perm, Nobody)
	return dir
}

// ModeOf returns the mode of path itself, a link not followed.
func ModeOf(t testing.TB, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}
