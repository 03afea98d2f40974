//go:build unix

package tokencache_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godax/godax/lib/ecrauth/tokencache"

	"github.com/godax/godax/lib/privdir/privdirtest"
)

func TestDefaultDir_KeepsTheCacheInAFolderOfItsOwnInsideASharedFolderAndLeavesThatAlone(t *testing.T) {
	privdirtest.RequireRoot(t)
	shared := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECR_CACHE_DIR", shared)
	dir, err := tokencache.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	c := tokencache.Cache{Dir: dir}
	if err := c.Put(key, entry()); err != nil {
		t.Fatal(err)
	}
	if got := privdirtest.ModeOf(t, shared); got.Perm() != 0o777 || got&fs.ModeSticky == 0 {
		t.Errorf("the shared folder's mode became %v, want it left at 1777", got)
	}
	if files, _ := filepath.Glob(filepath.Join(shared, "*.json")); len(files) != 0 {
		t.Errorf("entries written into the shared folder itself: %v", files)
	}
	if _, ok := c.Get(key); !ok {
		t.Error("miss after Put")
	}
}

func TestPut_RefusesALinkOfAnotherUserAndLeavesItsTargetAlone(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	base := t.TempDir()
	target := filepath.Join(base, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "cache")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(link, privdirtest.Nobody, privdirtest.Nobody); err != nil {
		t.Fatal(err)
	}
	err := tokencache.Cache{Dir: link}.Put(key, entry())
	if err == nil || !strings.Contains(err.Error(), "ECR_CACHE_DIR: refusing "+link) {
		t.Errorf("got %v, want a refusal naming ECR_CACHE_DIR and %s", err, link)
	}
	if got := privdirtest.ModeOf(t, target).Perm(); got != 0o755 {
		t.Errorf("the link's target's mode became %v", got)
	}
	if files, _ := os.ReadDir(target); len(files) != 0 {
		t.Errorf("the link's target received %d files", len(files))
	}
}

func TestPrepare_RefusesAFolderOthersCanWriteNamingItsOwnerAndMode(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	dir := privdirtest.ForeignDir(t, 0o777)
	err := tokencache.Cache{Dir: dir}.Prepare()
	if err == nil || !strings.Contains(err.Error(), "is owned by uid 65534 with mode 0777") {
		t.Errorf("got %v, want a refusal naming the owner and mode", err)
	}
	if got := privdirtest.ModeOf(t, dir).Perm(); got != 0o777 {
		t.Errorf("the folder's mode became %v", got)
	}
}

// plant writes, in dir, an entry for key holding secret, owned by nobody.
func plant(t *testing.T, dir string, e tokencache.Entry) {
	t.Helper()
	own := tokencache.Cache{Dir: t.TempDir()}
	if err := own.Put(key, e); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(own.Dir, key.ID()+".json"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, key.ID()+".json")
	if err := os.WriteFile(path, data, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, privdirtest.Nobody, privdirtest.Nobody); err != nil {
		t.Fatal(err)
	}
}

func TestGet_IgnoresAnEntryPlantedInAFolderOfAnotherUser(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	dir := privdirtest.ForeignDir(t, 0o777)
	e := entry()
	e.Username, e.Secret = "AWS", "ATTACKER-PLANTED"
	plant(t, dir, e)
	c := tokencache.Cache{Dir: dir}
	if got, ok := c.Get(key); ok {
		t.Errorf("Get served the planted entry (secret %q)", got.Secret)
	}
	if got := c.Entries(); len(got) != 0 {
		t.Errorf("Entries listed %d planted entries", len(got))
	}
}

func TestLock_NeverFollowsAPlantedLinkNorChangesTheFolder(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	for name, dir := range map[string]string{"another user's folder": privdirtest.ForeignDir(t, 0o777), "its own folder": t.TempDir()} {
		target := filepath.Join(t.TempDir(), "created-through-the-link")
		if err := os.Symlink(target, filepath.Join(dir, key.ID()+".lock")); err != nil {
			t.Fatal(err)
		}
		before := privdirtest.ModeOf(t, dir)
		unlock, err := tokencache.Cache{Dir: dir}.Lock(context.Background(), key)
		if err == nil {
			_ = unlock()
			t.Errorf("%s: locked through a link", name)
		}
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: the link's target was created", name)
		}
		if got := privdirtest.ModeOf(t, dir); got != before {
			t.Errorf("%s: the folder's mode went from %v to %v", name, before, got)
		}
	}
}

// A planted entry must be one Get would serve from a folder of its own,
// or the tests above would pass for the wrong reason.
func TestPlant_WritesAnEntryGetServesOnceItsOwnerIsTheCurrentUser(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	dir := t.TempDir()
	e := entry()
	e.Secret = "ATTACKER-PLANTED"
	plant(t, dir, e)
	if err := os.Chown(filepath.Join(dir, key.ID()+".json"), 0, 0); err != nil {
		t.Fatal(err)
	}
	got, ok := tokencache.Cache{Dir: dir}.Get(key)
	if !ok || got.Secret != "ATTACKER-PLANTED" {
		t.Errorf("Get = %v, %v; want the entry", got, ok)
	}
}
