package atomicfile_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax/atomicfile"
)

func TestWriteFile_ReplacesTheFileWithTheModeAsked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("new", string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestWriteFile_ConcurrentWritersNeverLeaveATornFileOrATemporary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 10 {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte('a' + i)}, 64<<10)
			for range 10 {
				if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
					errs <- err
				}
				got, err := os.ReadFile(path)
				if err != nil || len(got) != len(data) || bytes.Count(got, got[:1]) != len(got) {
					errs <- fmt.Errorf("torn read: %d bytes, %v", len(got), err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteFile_FailsNamingThePathAndLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no-such-folder", "f")
	err := atomicfile.WriteFile(missing, []byte("x"), 0o600)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(missing)) {
		t.Errorf("err = %v, want one naming %s", err, missing)
	}
}

func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "state.json")
	if err := atomicfile.WriteFile(path, []byte(`{"ok":true}`), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Println(string(b))
	// Output:
	// {"ok":true}
}
