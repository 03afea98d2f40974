package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"mvdan.cc/sh/v3/interp"

	"github.com/godax/godax/lib/dax"
)

// newRepo returns a Shell in a new git work tree, whose origin is a bare
// repository at the returned path, with a first release v1.0.0 and two
// commits after it.
func newRepo(dir string, stdout io.Writer) (*dax.Shell, string, error) {
	origin := filepath.Join(dir, "origin.git")
	work := filepath.Join(dir, "work")
	sh, err := dax.New(dax.WithDir(dir), dax.WithStdout(io.Discard), dax.WithStderr(io.Discard), dax.WithLogger(stdout))
	if err != nil {
		return nil, "", err
	}
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME": "ci", "GIT_AUTHOR_EMAIL": "ci@example.com",
		"GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.com",
		"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1",
	} {
		if err := sh.SetEnv(k, v); err != nil {
			return nil, "", err
		}
	}
	s := sh.NewScript(context.Background())
	s.Run("git init -q --bare -b main %s && git init -q -b main %s", origin, work)
	s.Cd(work)
	s.Run("git remote add origin %s", origin)
	s.WriteText("CHANGELOG.md", "## v1.0.0\n\n- first\n")
	s.WriteText("VERSION", "1.0.0\n")
	s.Run("git add CHANGELOG.md VERSION && git commit -qm first && git tag v1.0.0")
	s.Run("git commit -q --allow-empty -m %s && git commit -q --allow-empty -m %s", "fix the login", "add a backup")
	return sh, origin, s.Err()
}

func Example_release() {
	dir, _ := os.MkdirTemp("", "release")
	defer os.RemoveAll(dir)
	sh, origin, err := newRepo(dir, os.Stdout)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := release(context.Background(), sh, "1.1.0"); err != nil {
		fmt.Println(err)
	}
	changelog, _ := sh.ReadText("CHANGELOG.md")
	fmt.Print(changelog)
	tags, _ := sh.Cmd("git -C %s tag", origin).Text(context.Background())
	fmt.Println(tags)
	// Output:
	// info: released v1.1.0
	// ## v1.1.0
	//
	// - add a backup
	// - fix the login
	//
	// ## v1.0.0
	//
	// - first
	// v1.1.0
}

func TestRelease_StopsAtADirtyTreeAndChangesNothing(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git:", err)
	}
	sh, origin, err := newRepo(t.TempDir(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.WriteText("notes.txt", "not committed\n"); err != nil {
		t.Fatal(err)
	}
	err = release(context.Background(), sh, "1.1.0")
	if diff := cmp.Diff("the work tree has changes", fmt.Sprint(err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	changelog, err := sh.ReadText("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("## v1.0.0\n\n- first\n", changelog); diff != "" {
		t.Errorf("CHANGELOG.md (-want +got):\n%s", diff)
	}
	tags, err := sh.Cmd("git -C %s tag", origin).Text(context.Background())
	if err != nil || tags != "" {
		t.Errorf("origin's tags: %q, %v; want none", tags, err)
	}
}

func TestRelease_RejectsABadVersionBeforeRunningAnything(t *testing.T) {
	t.Parallel()
	var ran [][]string
	record := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			ran = append(ran, args)
			return next(ctx, args)
		}
	}
	sh, err := dax.New(dax.WithExecHandlers(record), dax.WithDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	err = release(context.Background(), sh, "v1.1")
	if diff := cmp.Diff(`usage: release X.Y.Z, not "v1.1"`, fmt.Sprint(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ran != nil {
		t.Errorf("ran %q after the bad version", ran)
	}
}
