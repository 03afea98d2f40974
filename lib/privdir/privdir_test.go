//go:build unix

package privdir_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/privdir"

	"github.com/godax/godax/lib/privdir/privdirtest"
)

func TestMake_CreatesMissingFoldersWithMode0700(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := privdir.Make("X_DIR", dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if got := privdirtest.ModeOf(t, d).Perm(); got != 0o700 {
			t.Errorf("%s: mode %v, want 0700", d, got)
		}
	}
	if err := privdir.Check("X_DIR", dir); err != nil {
		t.Errorf("Check after Make: %v", err)
	}
}

func TestCheck_RefusesAFolderOfAnotherUserNamingTheSettingOwnerAndMode(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "theirs")
	privdirtest.Mkdir(t, dir, 0o777, privdirtest.Nobody)
	err := privdir.Make("X_DIR", dir)
	want := fmt.Sprintf("X_DIR: refusing %s: it is owned by uid %d with mode 0777; want a folder owned by uid 0 that group and others cannot write (no existing folder is changed to fit)", dir, privdirtest.Nobody)
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	var ue *privdir.UnsafeError
	if !errors.As(err, &ue) {
		t.Errorf("%T is not an *UnsafeError", err)
	}
	if got := privdirtest.ModeOf(t, dir).Perm(); got != 0o777 {
		t.Errorf("the folder's mode became %v", got)
	}
}

func TestMake_RefusesAnOwnFolderOthersCanWriteAndLeavesItAsItWas(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "mine")
	privdirtest.Mkdir(t, dir, 0o770, os.Geteuid())
	if err := privdir.Make("X_DIR", dir); err == nil || !strings.Contains(err.Error(), "with mode 0770") {
		t.Errorf("got %v, want a refusal naming mode 0770", err)
	}
	if got := privdirtest.ModeOf(t, dir).Perm(); got != 0o770 {
		t.Errorf("the folder's mode became %v", got)
	}
}

func TestPick_ChoosesAFolderOfItsOwnInsideASharedFolderAndLeavesTheSharedOneAlone(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	shared := filepath.Join(t.TempDir(), "tmp")
	privdirtest.Mkdir(t, shared, 0o777|fs.ModeSticky, privdirtest.Nobody)
	if err := os.Chown(shared, 0, 0); err != nil {
		t.Fatal(err)
	}
	dir := privdir.Pick(shared)
	if diff := cmp.Diff(filepath.Join(shared, "godax-0"), dir); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := privdir.Make("X_DIR", dir); err != nil {
		t.Fatal(err)
	}
	if got := privdirtest.ModeOf(t, dir).Perm(); got != 0o700 {
		t.Errorf("mode %v, want 0700", got)
	}
	if got := privdirtest.ModeOf(t, shared); got.Perm() != 0o777 || got&fs.ModeSticky == 0 {
		t.Errorf("the shared folder's mode became %v", got)
	}
	if got := privdir.Pick(dir); got != dir {
		t.Errorf("Pick(%s) = %s, want it unchanged", dir, got)
	}
}

func TestMake_RefusesAFolderOfItsOwnThatAnotherUserPlantedInASharedFolder(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	shared := filepath.Join(t.TempDir(), "tmp")
	privdirtest.Mkdir(t, shared, 0o777|fs.ModeSticky, 0)
	privdirtest.Mkdir(t, filepath.Join(shared, "godax-0"), 0o700, privdirtest.Nobody)
	if err := privdir.Make("X_DIR", privdir.Pick(shared)); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("got %v, want a refusal naming uid 65534", err)
	}
}

func TestCheck_RefusesAFolderReachedThroughAFolderOthersCanWrite(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	open := filepath.Join(t.TempDir(), "open")
	privdirtest.Mkdir(t, open, 0o777, privdirtest.Nobody)
	dir := filepath.Join(open, "state")
	privdirtest.Mkdir(t, dir, 0o700, 0)
	err := privdir.Check("X_DIR", dir)
	if err == nil || !strings.Contains(err.Error(), open+" on its path is owned by uid 65534 with mode 0777") {
		t.Errorf("got %v, want a refusal naming %s", err, open)
	}
}

func TestCheck_RefusesALinkOfAnotherUserAndFollowsOneOfItsOwn(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	base := t.TempDir()
	target := filepath.Join(base, "target")
	privdirtest.Mkdir(t, target, 0o700, 0)
	link := filepath.Join(base, "link")
	if err := os.Symlink("target", link); err != nil {
		t.Fatal(err)
	}
	if err := privdir.Check("X_DIR", link); err != nil {
		t.Errorf("own link: %v", err)
	}
	if err := os.Lchown(link, privdirtest.Nobody, privdirtest.Nobody); err != nil {
		t.Fatal(err)
	}
	if err := privdir.Check("X_DIR", link); err == nil || !strings.Contains(err.Error(), "the link "+link+" on its path is owned by uid 65534") {
		t.Errorf("got %v, want a refusal naming the link", err)
	}
}

func TestCheck_SaysAMissingFolderIsMissing(t *testing.T) {
	t.Parallel()
	err := privdir.Check("X_DIR", filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want one wrapping fs.ErrNotExist", err)
	}
}

func TestOpenFile_NeverFollowsALinkNorCreatesItsTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	link := filepath.Join(dir, "x.lock")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	f, err := privdir.OpenFile(link, os.O_RDWR|os.O_CREATE, 0o600)
	if err == nil {
		f.Close()
		t.Fatal("opened a link")
	}
	if !strings.Contains(err.Error(), "it is a link") {
		t.Errorf("got %v, want one saying it is a link", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the link's target was created (%v)", err)
	}
}

func TestReadFile_RefusesAFileOfAnotherUser(t *testing.T) {
	t.Parallel()
	privdirtest.RequireRoot(t)
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := privdir.ReadFile(path); err != nil {
		t.Fatalf("own file: %v", err)
	}
	if err := os.Chown(path, privdirtest.Nobody, privdirtest.Nobody); err != nil {
		t.Fatal(err)
	}
	if _, err := privdir.ReadFile(path); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("got %v, want a refusal naming uid 65534", err)
	}
}
