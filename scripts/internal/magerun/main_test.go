package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/magefile/mage/mage"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/internal/state"
)

func TestCheckWords_StopsAtTheFirstWordThatIsNotATarget(t *testing.T) {
	t.Parallel()
	targets := map[string]int{"deploy": 0, "push": 0, "sandbox:up": 0, "greet": 1}
	tests := []struct {
		words []string
		bad   string
	}{
		{[]string{"deploy"}, ""},
		{[]string{"Deploy", "SANDBOX:UP"}, ""},
		{[]string{"greet", "prod", "push"}, ""},
		{[]string{"d"}, ""},
		{[]string{"deploy", "prod"}, "prod"},
		{[]string{"prod", "deploy"}, "prod"},
		{[]string{"sandbox"}, "sandbox"},
	}
	for _, tt := range tests {
		bad, ok := checkWords(tt.words, targets, []string{"d"})
		if bad != tt.bad || ok != (tt.bad == "") {
			t.Errorf("checkWords(%q) = %q, %v; want %q", tt.words, bad, ok, tt.bad)
		}
	}
}

func TestUnknownWord_ReadsTheTargetsOfThisModulesMagefile(t *testing.T) {
	t.Parallel()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string]string{
		"deploy prod":      "prod",
		"-v deploy prod":   "prod",
		"sandbox:up stage": "stage",
		"ecrLogin push":    "",
		"-l":               "",
		"-h deploy":        "",
	} {
		word, _, ok := unknownWord(append([]string{"-d", root}, strings.Fields(args)...))
		if word != want || ok != (want == "") {
			t.Errorf("%s: got %q, %v; want %q", args, word, ok, want)
		}
	}
}

func TestUnknownWord_SuggestsTheTargetMeant(t *testing.T) {
	t.Parallel()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]string{
		"sandbox-up": "sandbox:up",
		"ecrlogn":    "ecrLogin",
		"dpeloy":     "deploy",
		"Status":     "",
		"prod":       "",
		"xyzzy":      "",
	} {
		got, suggestion, ok := unknownWord([]string{"-d", root, word})
		if want == "" && word == "Status" {
			if !ok {
				t.Errorf("%s: refused a target in another case", word)
			}
			continue
		}
		if ok || got != word || suggestion != want {
			t.Errorf("%s: got %q, suggestion %q, %v; want the word refused with suggestion %q", word, got, suggestion, ok, want)
		}
	}
}

func TestUsageWriter_SpellsTheUsageLineAsTheUserRunsIt(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	u := &usageWriter{w: &b}
	for _, part := range []string{"Push pushes.\n\nUsage:\n\n\tma", "ge push\n\n", "\tmagenta stays\nend"} {
		if _, err := u.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	u.flush()
	want := "Push pushes.\n\nUsage:\n\n\tgo run mage.go push\n\n\tmagenta stays\nend"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestGoRunMage_StopsAStrayWordBeforeAnyTargetStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run mage.go")
	}
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// DRY_RUN keeps deploy harmless, should the check let it start.
	ctx := context.Background()
	cmd := dax.Cmd("go run mage.go deploy prod").Dir(root).Timeout(5*time.Minute).Env("DRY_RUN", "1")
	var stderr strings.Builder
	code, err := cmd.Stderr(&stderr).NoThrow(1, 2).Code(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := stderr.String()
	if code == 0 || !strings.Contains(out, `Unknown target specified: "prod"`) {
		t.Errorf("exit %d, stderr:\n%s\nwant mage's unknown target message", code, out)
	}
	if strings.Contains(out, "deploy:") || strings.Contains(out, "==>") || strings.Contains(out, "compiling the targets;") {
		t.Errorf("a target started, or the targets were compiled, before the stray word was caught:\n%s", out)
	}
	var ce *dax.CommandError
	if errors.As(err, &ce) {
		t.Fatal(ce)
	}
}

func TestCompiles_OnlyWhenMageHasNoBinaryOfTheseMagefiles(t *testing.T) {
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Setenv("MAGEFILE_CACHE", cache)
	run := []string{"-d", root, "build"}
	if !compiles(run) {
		t.Fatal("with an empty cache, running a target does not say it compiles")
	}
	if compiles([]string{"-d", root, "-l"}) || compiles([]string{"-d", root, "-h", "build"}) {
		t.Error("-l or -h says it compiles, but mage lists and explains without compiling")
	}
	files, err := filepath.Glob(filepath.Join(root, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return !isMagefile(f) })
	if d := cmp.Diff([]string{filepath.Join(root, "magefile.go")}, files); d != "" {
		t.Fatalf("magefiles (-want +got):\n%s", d)
	}
	exe, err := mage.ExeName("go", cache, files)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	if compiles(run) {
		t.Error("with the binary in the cache, running a target says it compiles")
	}
}

func TestGoRunMage_SaysOnceThatItCompilesTheFrontEnd(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("runs go run mage.go twice; the cache folder moves with XDG_CACHE_HOME on Linux")
	}
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// Go's build cache would move with XDG_CACHE_HOME: keep it where it is.
	gocache, err := dax.Cmd("go env GOCACHE").Quiet().Timeout(time.Minute).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	// Front ends of other sources: one unused for two months, which the
	// build removes, and one used yesterday, which it keeps.
	others := filepath.Join(cache, "godax")
	if err := os.MkdirAll(others, 0o755); err != nil {
		t.Fatal(err)
	}
	unused, recent := filepath.Join(others, "magerun-0unused"), filepath.Join(others, "magerun-0recent")
	for p, age := range map[string]time.Duration{unused: 60 * 24 * time.Hour, recent: 24 * time.Hour} {
		if err := os.WriteFile(p, []byte("old front end"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, time.Time{}, time.Now().Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	run := func() (string, string) {
		var stdout, stderr strings.Builder
		err := dax.Cmd("go run mage.go -l").Dir(root).Timeout(5*time.Minute).Env("XDG_CACHE_HOME", cache).Env("GOCACHE", gocache).
			Stdout(&stdout).Stderr(&stderr).Run(context.Background())
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	const notice = "godax: compiling the targets' front end (mage); this happens once"
	out, first := run()
	if !strings.Contains(first, notice) || !strings.Contains(out, "Targets:") {
		t.Errorf("first run: stderr %q, want the notice; stdout %q, want the list", first, out)
	}
	if _, err := os.Stat(unused); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("front end unused for two months: %v, want it removed by the build", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("front end used yesterday: %v, want it kept", err)
	}
	out, second := run()
	if strings.Contains(second, notice) || !strings.Contains(out, "Targets:") {
		t.Errorf("second run: stderr %q, want no notice; stdout %q, want the list", second, out)
	}
}
