//go:build unix

package ecrauth_test

import (
	"context"
	"errors"
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

// TestRouteToHelper_NeverFollowsAPlantedLockLink plants the Docker config's
// lock file as a link to a file of someone else's choosing: routing must
// refuse, leave the link's target uncreated and the config unwritten.
func TestRouteToHelper_NeverFollowsAPlantedLockLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	config := filepath.Join(dir, "config.json")
	target := filepath.Join(t.TempDir(), "created-by-godax")
	if err := os.Symlink(target, config+".lock"); err != nil {
		t.Fatal(err)
	}
	err := ecrauth.RouteToHelper(context.Background(), config, "111122223333.dkr.ecr.eu-west-1.amazonaws.com", ecrauth.HelperName)
	if err == nil {
		t.Fatal("RouteToHelper followed the planted lock link")
	}
	for _, path := range []string{target, config} {
		if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after a refused route: %v", path, err)
		}
	}
}
