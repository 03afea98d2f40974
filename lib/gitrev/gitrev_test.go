package gitrev_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/gitrev"
)

// git runs git in dir with a fixed author and no user or system config.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=godax", "-c", "user.email=godax@example.com"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// repo makes a repository with one commit of main.go and returns its
// folder and short SHA.
func repo(t *testing.T) (dir, sha string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "main.go")
	git(t, dir, "commit", "-q", "-m", "first")
	return dir, git(t, dir, "rev-parse", "--short", "HEAD")
}

func TestTag_IsTheShortSHAThenDirtyForAChangedOrUntrackedFile(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"", "main.go", "untracked.go"} {
		dir, sha := repo(t)
		want := sha
		if file != "" {
			want += "-dirty"
			if err := os.WriteFile(filepath.Join(dir, file), []byte("package main // changed\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := gitrev.Tag(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after writing %q (-want +got):\n%s", file, diff)
		}
	}
}

// TestTag_RunsNoCommandTheRepositoryConfigures sets, in the repository's
// own config, an fsmonitor hook, a hooks folder with post-index-change,
// and a clean filter for *.go, each a script that leaves a marker file.
// Tag must leave no marker.
func TestTag_RunsNoCommandTheRepositoryConfigures(t *testing.T) {
	t.Parallel()
	dir, sha := repo(t)
	marks := t.TempDir()
	script := func(name string) string {
		path := filepath.Join(marks, name+".sh")
		body := "#!/bin/sh\ntouch " + filepath.Join(marks, name+".ran") + "\ncat\n"
		if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	hooks := filepath.Join(marks, "hooks")
	if err := os.Mkdir(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(script("post-index-change"), filepath.Join(hooks, "post-index-change")); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "config", "core.fsmonitor", script("fsmonitor"))
	git(t, dir, "config", "core.hooksPath", hooks)
	git(t, dir, "config", "filter.evil.clean", script("filter"))
	if err := os.WriteFile(filepath.Join(dir, ".git", "info", "attributes"), []byte("*.go filter=evil\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A new mtime makes git compare main.go's content, through the filter.
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	got, err := gitrev.Tag(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != sha && got != sha+"-dirty" {
		t.Errorf("Tag = %q, want %s or %s-dirty", got, sha, sha)
	}
	ran, _ := filepath.Glob(filepath.Join(marks, "*.ran"))
	if len(ran) != 0 {
		t.Errorf("the repository's commands ran: %v", ran)
	}
}

func TestTag_SaysWhyItCannotNameACommit(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if _, err := gitrev.Tag(context.Background(), outside); !errors.Is(err, gitrev.ErrNotRepository) ||
		err.Error() != outside+" is not in a git work tree" {
		t.Errorf("outside git: %v", err)
	}
	empty := t.TempDir()
	git(t, empty, "init", "-q")
	if _, err := gitrev.Tag(context.Background(), empty); !errors.Is(err, gitrev.ErrNoCommit) ||
		err.Error() != "the git repository at "+empty+" has no commit yet" {
		t.Errorf("no commit: %v", err)
	}
}
