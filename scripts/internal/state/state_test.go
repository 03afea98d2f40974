package state

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestEnsure_MakesAFolderGitIgnores(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	t.Parallel()
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q")
	dir := filepath.Join(repo, ".godax")
	if err := Ensure(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "last-push.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Ensure(dir); err != nil { // a second call keeps what is there
		t.Fatal(err)
	}
	if out := git("status", "--porcelain", "--untracked-files=all"); out != "" {
		t.Errorf("git status after Ensure = %q, want it clean", out)
	}
}

func TestDir_IsTheRepositoryTopOrTheVariable(t *testing.T) {
	repo := t.TempDir()
	sub := filepath.Join(repo, "svc", "cmd")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	got, err := Dir(func(string) string { return "" })
	if err != nil || got != filepath.Join(repo, ".godax") {
		t.Errorf("Dir() = %q, %v; want %q", got, err, filepath.Join(repo, ".godax"))
	}
	got, err = Dir(func(k string) string { return map[string]string{"GODAX_STATE_DIR": "rel"}[k] })
	if err != nil || got != filepath.Join(sub, "rel") {
		t.Errorf("Dir() with GODAX_STATE_DIR=rel = %q, %v; want %q", got, err, filepath.Join(sub, "rel"))
	}
	plain := t.TempDir()
	t.Chdir(plain)
	if got, err := Dir(func(string) string { return "" }); err != nil || got != filepath.Join(plain, ".godax") {
		t.Errorf("Dir() outside git = %q, %v; want %q", got, err, filepath.Join(plain, ".godax"))
	}
}
