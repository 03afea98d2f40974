package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// newSite returns a Shell in a new folder holding a folder site to back
// up, and a folder backups with three older backups of it.
func newSite(dir string, log io.Writer) (*dax.Shell, error) {
	sh, err := dax.New(dax.WithDir(dir), dax.WithStdout(io.Discard), dax.WithStderr(io.Discard), dax.WithLogger(log))
	if err != nil {
		return nil, err
	}
	s := sh.NewScript(context.Background())
	s.Mkdir("site/css")
	s.WriteText("site/index.html", "<h1>hi</h1>\n")
	s.WriteText("site/css/main.css", "h1 { color: red }\n")
	s.Mkdir("backups")
	for _, day := range []string{"2026-11-28", "2026-11-29", "2026-11-30"} {
		s.WriteText("backups/site-"+day+".tar.gz", "")
		s.WriteText("backups/site-"+day+".tar.gz.sha256", "")
	}
	return sh, s.Err()
}

func Example_backup() {
	dir, _ := os.MkdirTemp("", "backup")
	defer os.RemoveAll(dir)
	sh, err := newSite(dir, os.Stdout)
	if err != nil {
		fmt.Println(err)
		return
	}
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if err := backup(context.Background(), sh, "site", "backups", 2, today); err != nil {
		fmt.Println(err)
	}
	files, _ := sh.Glob("backups/*")
	for _, f := range files {
		fmt.Println(f)
	}
	fmt.Println(sh.Cmd("cd backups && sha256sum -c --quiet site-2026-12-01.tar.gz.sha256").Run(context.Background()))
	// Output:
	// info: backed up site to backups/site-2026-12-01.tar.gz
	// backups/site-2026-11-30.tar.gz
	// backups/site-2026-11-30.tar.gz.sha256
	// backups/site-2026-12-01.tar.gz
	// backups/site-2026-12-01.tar.gz.sha256
	// <nil>
}

func TestBackup_PrunesNothingWhenTheTarballFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sh, err := newSite(dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = backup(context.Background(), sh, "no-such-folder", "backups", 1, time.Now())
	if err == nil {
		t.Fatal("no error for a missing source folder")
	}
	files, err := filepath.Glob(filepath.Join(dir, "backups", "*.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"site-2026-11-28.tar.gz", "site-2026-11-29.tar.gz", "site-2026-11-30.tar.gz"}
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backups left (-want +got):\n%s", diff)
	}
}
