package dax_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// inDir returns a Shell working in a fresh directory holding files.
func inDir(t *testing.T, files map[string]string) (*dax.Shell, string, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sh, _, stderr, _ := testShell(t, dax.WithDir(dir))
	return sh, dir, stderr
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// noPath is an environment without PATH, so only builtins can run.
var noPath = map[string]string{"HOME": "/nonexistent"}

func TestBuiltin_CatConcatenatesFilesAndStdin(t *testing.T) {
	t.Parallel()
	sh, _, _ := inDir(t, map[string]string{"a": "A\n", "b": "B\n"})
	got, err := sh.Cmd("cat a - b").ReplaceEnv(noPath).StdinString("-\n").Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("A\n-\nB", got); diff != "" {
		t.Errorf("cat mismatch (-want +got):\n%s", diff)
	}
}

func TestBuiltin_CatReadsNothingWithoutStdin(t *testing.T) {
	t.Parallel()
	sh, _, _ := inDir(t, nil) // a Shell with no stdin
	got, err := sh.Cmd("cat").ReplaceEnv(noPath).Text(context.Background())
	if err != nil || got != "" {
		t.Errorf("cat = %q, %v; want empty output", got, err)
	}
}

func TestBuiltin_CatStopsQuietlyWhenTheReaderGoesAway(t *testing.T) {
	t.Parallel()
	sh, _, stderr := inDir(t, map[string]string{"big": strings.Repeat("x", 4<<20)})
	got, err := sh.Cmd("cat big | head -c 3").Text(context.Background())
	if err != nil || got != "xxx" {
		t.Errorf("Text() = %q, %v; want xxx, nil", got, err)
	}
	if stderr.String() != "" {
		t.Errorf("stderr = %q, want nothing", stderr.String())
	}
}

func TestBuiltin_CatFailsForMissingFileButPrintsTheRest(t *testing.T) {
	t.Parallel()
	sh, _, stderr := inDir(t, map[string]string{"a": "A\n"})
	out, err := sh.Cmd("cat missing a").ReplaceEnv(noPath).Text(context.Background())
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || cerr.Code != 1 {
		t.Fatalf("Text() = %v, want exit status 1", err)
	}
	if out != "A" || !strings.Contains(stderr.String(), "cat: open") {
		t.Errorf("cat printed %q, stderr %q", out, stderr.String())
	}
}

func TestBuiltin_CatRunsTheProgramForOptionsItLacks(t *testing.T) {
	t.Parallel()
	sh, _, _ := inDir(t, map[string]string{"a": "x\n"})
	got, err := sh.Cmd("cat -n a").Env("PATH", os.Getenv("PATH")).Text(context.Background())
	if err != nil {
		t.Skip("no cat program with -n:", err)
	}
	if diff := cmp.Diff("     1\tx", got); diff != "" {
		t.Errorf("cat -n mismatch (-want +got):\n%s", diff)
	}
	code, err := sh.Cmd("cat -n a").ReplaceEnv(noPath).Code(context.Background())
	if err != nil || code != 2 {
		t.Errorf("cat -n without a cat program: Code() = %d, %v; want 2", code, err)
	}
}

func TestBuiltin_CpCopiesFilesAndDirectories(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"a": "A", "d/x": "X", "d/e/y": "Y"})
	if err := sh.Cmd("mkdir into && cp a b && cp a b into && cp -r d d2").ReplaceEnv(noPath).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"b": "A", "into/a": "A", "into/b": "A", "d2/x": "X", "d2/e/y": "Y"} {
		if got := readFile(t, filepath.Join(dir, path)); got != want {
			t.Errorf("%s holds %q, want %q", path, got, want)
		}
	}
	if code, _ := sh.Cmd("cp d d3").ReplaceEnv(noPath).Code(context.Background()); code != 1 {
		t.Errorf("cp of a directory without -r: exit status %d, want 1", code)
	}
}

func TestBuiltin_MvMovesFiles(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"a": "A", "b": "B"})
	if err := sh.Cmd("mkdir d && mv a c && mv c b d").ReplaceEnv(noPath).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "a")) || readFile(t, filepath.Join(dir, "d/c")) != "A" || readFile(t, filepath.Join(dir, "d/b")) != "B" {
		t.Error("mv did not move a to d/c and b to d/b")
	}
	for _, text := range []string{"mv d", "mv d/b d/c missing-dir"} {
		if code, _ := sh.Cmd("%s", dax.Raw(text)).ReplaceEnv(noPath).Code(context.Background()); code != 1 {
			t.Errorf("%s: exit status %d, want 1", text, code)
		}
	}
}

func TestBuiltin_RmRemovesFilesAndTreesWithOptions(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"a": "A", "d/x": "X"})
	ctx := context.Background()
	if code, _ := sh.Cmd("rm d").ReplaceEnv(noPath).Code(ctx); code != 1 || !exists(filepath.Join(dir, "d")) {
		t.Errorf("rm of a directory without -r: exit status %d, want 1 and the directory kept", code)
	}
	if code, _ := sh.Cmd("rm missing").ReplaceEnv(noPath).Code(ctx); code != 1 {
		t.Errorf("rm of a missing file: exit status %d, want 1", code)
	}
	if err := sh.Cmd("rm a && rm -rf d missing").ReplaceEnv(noPath).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "a")) || exists(filepath.Join(dir, "d")) {
		t.Error("rm left a or d behind")
	}
}

func TestBuiltin_MkdirCreatesDirectoriesWithParents(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, nil)
	ctx := context.Background()
	if err := sh.Cmd("mkdir a && mkdir -p b/c/d && mkdir -p b/c").ReplaceEnv(noPath).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(dir, "a")) || !exists(filepath.Join(dir, "b/c/d")) {
		t.Error("mkdir did not create a and b/c/d")
	}
	if code, _ := sh.Cmd("mkdir a").ReplaceEnv(noPath).Code(ctx); code != 1 {
		t.Errorf("mkdir of an existing directory: exit status %d, want 1", code)
	}
}

func TestBuiltin_TouchCreatesFilesAndUpdatesTimes(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"old": "keep"})
	old := filepath.Join(dir, "old")
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if err := sh.Cmd("touch new old && touch -c notcreated").ReplaceEnv(noPath).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(old)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().After(past.Add(time.Minute)) || readFile(t, old) != "keep" {
		t.Errorf("touch left old at %v with %q", fi.ModTime(), readFile(t, old))
	}
	if !exists(filepath.Join(dir, "new")) || exists(filepath.Join(dir, "notcreated")) {
		t.Error("touch did not create new, or touch -c created notcreated")
	}
}

func TestBuiltin_WhichPrintsProgramPathsAndFailsForMissing(t *testing.T) {
	t.Parallel()
	want, err := dax.Which("sh")
	if err != nil {
		t.Skip("no sh program:", err)
	}
	got, err := dax.Cmd("which sh").Text(context.Background())
	if err != nil || got != want {
		t.Errorf("which sh = %q, %v; want %q", got, err, want)
	}
	if code, _ := dax.Cmd("which no-such-program-dax").Code(context.Background()); code != 1 {
		t.Errorf("which of a missing program: exit status %d, want 1", code)
	}
}

func TestBuiltin_SleepWaitsAndRejectsBadDurations(t *testing.T) {
	t.Parallel()
	sh, _, stderr := inDir(t, nil)
	ctx := context.Background()
	start := time.Now()
	if err := sh.Cmd("sleep 0.05 0.05s").ReplaceEnv(noPath).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Errorf("sleep 0.05 0.05s returned after %v, want at least 100ms", elapsed)
	}
	if code, _ := sh.Cmd("sleep soon").ReplaceEnv(noPath).Code(ctx); code != 1 || !strings.Contains(stderr.String(), `invalid time interval "soon"`) {
		t.Errorf("sleep soon: exit status %d, stderr %q", code, stderr.String())
	}
}

func TestBuiltin_PrintenvPrintsExportedVariables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	got, err := dax.Cmd("LOCAL=x; printenv A B").ReplaceEnv(map[string]string{"A": "1", "B": "2"}).Lines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1", "2"}, got); diff != "" {
		t.Errorf("printenv mismatch (-want +got):\n%s", diff)
	}
	if code, _ := dax.Cmd("LOCAL=x; printenv LOCAL").Code(ctx); code != 1 {
		t.Errorf("printenv of an unexported variable: exit status %d, want 1", code)
	}
}

func TestBuiltin_ShellBuiltinsWorkWithoutPrograms(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"f": ""})
	got, err := sh.Cmd("echo hi; pwd; test -f f && echo file; [ -d f ] || echo notdir; true && ! false && echo ok").ReplaceEnv(noPath).Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hi", dir, "file", "notdir", "ok"}, got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestRegister_AddsACommandForEveryShell(t *testing.T) {
	t.Parallel()
	err := dax.Register("dax-test-greet", func(ctx context.Context, inv dax.Invocation) error {
		if len(inv.Args) < 2 {
			return errors.New("whom?")
		}
		_, err := inv.Stdout.Write([]byte("hello " + inv.Args[1] + " from " + inv.Getenv("PLACE") + "\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sh, _, stderr, _ := testShell(t)
	got, err := sh.Cmd("PLACE=there dax-test-greet %s | cat", "you").Text(context.Background())
	if err != nil || got != "hello you from there" {
		t.Errorf("Text() = %q, %v", got, err)
	}
	code, err := sh.Cmd("dax-test-greet").Code(context.Background())
	if err != nil || code != 1 || stderr.String() != "dax-test-greet: whom?\n" {
		t.Errorf("failing builtin: Code() = %d, %v, stderr %q", code, err, stderr.String())
	}
	if !dax.CommandExists("dax-test-greet") {
		t.Error("CommandExists() = false for a registered command")
	}
}

func TestRegister_RejectsBadRegistrations(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, dax.Invocation) error { return nil }
	for name, err := range map[string]error{
		"empty name":    dax.Register("", fn),
		"nil func":      dax.Register("dax-test-nil", nil),
		"path":          dax.Register("/dev/null", fn),
		"glob":          dax.Register("*", fn),
		"space":         dax.Register("a b", fn),
		"assignment":    dax.Register("a=b", fn),
		"keyword":       dax.Register("if", fn),
		"option":        dax.Register("-x", fn),
		"quote":         dax.Register("it's", fn),
		"expansion":     dax.Register("$x", fn),
		"question mark": dax.Register("a?", fn),
	} {
		if err == nil {
			t.Errorf("%s: Register() succeeded, want an error", name)
		}
	}
	for _, name := range []string{"dax-test-ok", "kubectl.sh", "g++", "x:y@z,1"} {
		if err := dax.Register(name, fn); err != nil {
			t.Errorf("Register(%q) = %v, want it accepted", name, err)
		}
	}
}

func TestRegister_OverridesAShellBuiltin(t *testing.T) {
	t.Parallel()
	// dirs is a builtin of the interpreter that no other test runs.
	err := dax.Register("dirs", func(_ context.Context, inv dax.Invocation) error {
		_, err := io.WriteString(inv.Stdout, "registered dirs\n")
		return err
	})
	if err != nil {
		t.Fatalf("Register(dirs) = %v, want a shell builtin to be replaceable", err)
	}
	sh, _, _, _ := testShell(t)
	if got, err := sh.Cmd("dirs").Text(context.Background()); got != "registered dirs" || err != nil {
		t.Errorf("Text() = %q, %v; want the registered command's output", got, err)
	}
}

func TestExitCode_SetsTheBuiltinsExitStatus(t *testing.T) {
	t.Parallel()
	if err := dax.Register("dax-test-exit", func(context.Context, dax.Invocation) error { return dax.ExitCode(9) }); err != nil {
		t.Fatal(err)
	}
	code, err := dax.Cmd("dax-test-exit").Code(context.Background())
	if err != nil || code != 9 {
		t.Errorf("Code() = %d, %v; want 9, nil", code, err)
	}
}
