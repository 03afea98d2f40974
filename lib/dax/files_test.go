package dax_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// newShellIn returns a Shell working in a new temporary folder.
func newShellIn(t *testing.T) (*dax.Shell, string) {
	t.Helper()
	dir := t.TempDir()
	sh, err := dax.New(dax.WithDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	return sh, dir
}

func TestShell_FileHelpersFollowCd(t *testing.T) {
	t.Parallel()
	sh, dir := newShellIn(t)
	if err := sh.Mkdir("sub/deeper"); err != nil {
		t.Fatal(err)
	}
	if err := sh.Cd("sub"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(filepath.Join(dir, "sub"), sh.Dir()); diff != "" {
		t.Errorf("Dir after Cd (-want +got):\n%s", diff)
	}
	if err := sh.WriteText("a.txt", "in sub\n"); err != nil {
		t.Fatal(err)
	}
	if err := sh.WriteJSON("deeper/b.json", map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if err := sh.Copy("a.txt", "deeper"); err != nil {
		t.Fatal(err)
	}
	if err := sh.Move("deeper/a.txt", "c.txt"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "sub", "c.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("in sub\n", string(got)); diff != "" {
		t.Errorf("moved copy (-want +got):\n%s", diff)
	}
	text, err := sh.ReadText("a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("in sub\n", text); diff != "" {
		t.Errorf("ReadText (-want +got):\n%s", diff)
	}
	var v map[string]int
	if err := sh.ReadJSON("deeper/b.json", &v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"n": 1}, v); diff != "" {
		t.Errorf("ReadJSON (-want +got):\n%s", diff)
	}
	matches, err := sh.Glob("**/*.*")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.txt", "c.txt", "deeper/b.json"}, matches); diff != "" {
		t.Errorf("Glob (-want +got):\n%s", diff)
	}
	if !sh.Exists("c.txt") || sh.Exists("deeper/a.txt") {
		t.Errorf("Exists: c.txt %v (want true), deeper/a.txt %v (want false)", sh.Exists("c.txt"), sh.Exists("deeper/a.txt"))
	}
	if err := sh.Remove("deeper"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub", "deeper")); !os.IsNotExist(err) {
		t.Errorf("deeper still there after Remove: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.txt")); !os.IsNotExist(err) {
		t.Errorf("a.txt was written in the Shell's first folder, not the one Cd moved to: %v", err)
	}
}

func TestShell_WriteTextFromTwoWritersNeverLeavesATornFileOrATemporary(t *testing.T) {
	t.Parallel()
	sh, dir := newShellIn(t)
	contents := []string{strings.Repeat("a", 1<<20), strings.Repeat("b", 1<<20)}
	var wg sync.WaitGroup
	errs := make(chan error, 2*50)
	for _, text := range contents {
		wg.Go(func() {
			for range 50 {
				if err := sh.WriteText("shared.txt", text); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for range 200 {
			got, err := os.ReadFile(filepath.Join(dir, "shared.txt"))
			if err != nil {
				continue // not written yet
			}
			if !bytes.Equal(got, []byte(contents[0])) && !bytes.Equal(got, []byte(contents[1])) {
				errs <- fmt.Errorf("read a torn file: %d bytes, neither writer's whole content", len(got))
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"shared.txt"}, names); diff != "" {
		t.Errorf("files left (-want +got):\n%s", diff)
	}
}

func TestShell_WriteTextKeepsTheModeOfAnExistingFile(t *testing.T) {
	t.Parallel()
	sh, dir := newShellIn(t)
	path := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(path, []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sh.WriteText("run.sh", "new"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v, want 0755", fi.Mode().Perm())
	}
}

func TestShell_FileHelpersRejectBadPathsWithOneLineErrors(t *testing.T) {
	t.Parallel()
	sh, _ := newShellIn(t)
	if err := sh.Mkdir("d/e"); err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{
		"write empty":      sh.WriteText("", "x"),
		"remove empty":     sh.Remove(""),
		"remove root":      sh.Remove("/"),
		"copy missing":     sh.Copy("nope", "d"),
		"copy into itself": sh.Copy("d", "d/e"),
		"move onto itself": sh.Move("d", "."),
		"write no folder":  sh.WriteText("no/such/folder/f", "x"),
	}
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", name, err)
		}
	}
	want := map[string]string{
		"write empty":      "write: empty path",
		"remove empty":     "remove: empty path",
		"remove root":      "remove /: refusing to remove a file system's root",
		"copy into itself": "copy d to d/e: cannot put a folder inside itself",
		"move onto itself": "move d to .: they are the same file",
	}
	for name, msg := range want {
		if diff := cmp.Diff(msg, fmt.Sprint(errs[name])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if _, err := sh.Glob(""); err == nil {
		t.Error("Glob(\"\"): no error")
	}
	if sh.Exists("") {
		t.Error(`Exists("") is true`)
	}
}

func TestShell_CopyCopiesAFolderWithItsFilesAndLinks(t *testing.T) {
	t.Parallel()
	sh, dir := newShellIn(t)
	ctx := context.Background()
	if err := sh.Cmd("mkdir -p src/inner && echo hi > src/inner/f && ln -s inner/f src/link").Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sh.Copy("src", "dst"); err != nil {
		t.Fatal(err)
	}
	got, err := sh.Cmd("cat dst/inner/f dst/link").Text(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("hi\nhi", got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if link, err := os.Readlink(filepath.Join(dir, "dst", "link")); err != nil || link != "inner/f" {
		t.Errorf("dst/link is %q, %v; want a link to inner/f", link, err)
	}
}

func TestShell_GlobTakesBracesAndLeavesDollarSignsAlone(t *testing.T) {
	t.Parallel()
	sh, _ := newShellIn(t)
	for _, name := range []string{"a.txt", "b.md", "$HOME.txt", ".hidden.txt"} {
		if err := sh.WriteText(name, ""); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sh.Glob("*.{txt,md}")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"$HOME.txt", "a.txt", "b.md"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got, err = sh.Glob("$HOME.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"$HOME.txt"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, pattern := range []string{"none*", "missing.txt", "{a,c}.txt"} {
		got, err = sh.Glob(pattern)
		want := []string(nil)
		if pattern == "{a,c}.txt" {
			want = []string{"a.txt"}
		}
		if err != nil {
			t.Errorf("Glob(%s): %v", pattern, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Glob(%s) (-want +got):\n%s", pattern, diff)
		}
	}
}

func TestShell_WriteTextWritesThroughASymbolicLink(t *testing.T) {
	t.Parallel()
	sh, dir := newShellIn(t)
	if err := os.Symlink("real.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if err := sh.WriteText("link.txt", "through\n"); err != nil {
		t.Fatal(err)
	}
	got, err := sh.ReadText("real.txt")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("through\n", got); diff != "" {
		t.Errorf("real.txt (-want +got):\n%s", diff)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "link.txt")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.txt is no longer a link: %v", err)
	}
}

func TestShell_MoveCopiesAcrossFileSystems(t *testing.T) {
	t.Parallel()
	other, err := os.MkdirTemp("/dev/shm", "dax-move")
	if err != nil {
		t.Skip("no second file system at /dev/shm:", err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	sh, dir := newShellIn(t)
	if err := sh.Mkdir("tree/inner"); err != nil {
		t.Fatal(err)
	}
	if err := sh.WriteText("tree/inner/f", "moved\n"); err != nil {
		t.Fatal(err)
	}
	if err := sh.Move("tree", other); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(other, "tree", "inner", "f"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("moved\n", string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "tree")); !os.IsNotExist(err) {
		t.Errorf("tree still at its source: %v", err)
	}
}
