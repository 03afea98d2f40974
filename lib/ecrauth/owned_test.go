//go:build unix

package ecrauth_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/godax/godax/lib/ecrauth"
)

// TestLogin_CachesInAFolderOfItsOwnInsideASharedCacheFolder names a
// sticky world-writable folder, as ECR_CACHE_DIR=/tmp does: the second
// run must be served from the cache, and the shared folder keep its mode.
func TestLogin_CachesInAFolderOfItsOwnInsideASharedCacheFolder(t *testing.T) {
	t.Parallel()
	shared := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	w := newWorld()
	w.run(t, shared, []ecrauth.Target{target("eu-west-1")})
	second := w.run(t, shared, []ecrauth.Target{target("eu-west-1")})
	if !second[0].FromCache {
		t.Errorf("second run not from the cache; log: %q", w.logs)
	}
	fi, err := os.Stat(shared)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o777 || fi.Mode()&fs.ModeSticky == 0 {
		t.Errorf("the shared folder's mode became %v", fi.Mode())
	}
}
