package dax_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestWhich_FindsProgramsOnPath(t *testing.T) {
	t.Parallel()
	path, err := dax.Which("sh")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(path) || filepath.Base(path) != "sh" {
		t.Errorf("Which(sh) = %q, want an absolute path to sh", path)
	}
	if _, err := dax.Which("no-such-program-dax"); err == nil || !strings.Contains(err.Error(), "no-such-program-dax") {
		t.Errorf("Which(missing) = %v, want an error naming it", err)
	}
	if _, err := dax.Which(""); err == nil {
		t.Error("Which(\"\") succeeded, want an error")
	}
}

func TestCommandExists_ReportsProgramsAndBuiltins(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{"sh": true, "cat": true, "no-such-program-dax": false} {
		if got := dax.CommandExists(name); got != want {
			t.Errorf("CommandExists(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestShell_LookPathFindsItsCommandsThenProgramsOnItsOwnPath(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	tool := filepath.Join(bin, "godax-look-tool")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fake := func(name string) (string, bool) { return "/fake/" + name, name == "docker" }
	sh, err := dax.New(
		dax.WithEnv(map[string]string{"PATH": bin}),
		dax.WithCommand("deploy-to", func(context.Context, dax.Invocation) error { return nil }),
		dax.WithLookPath(fake),
	)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, name := range []string{"godax-look-tool", "deploy-to", "cat", "docker", "sh", ""} {
		path, err := sh.LookPath(name)
		if err != nil {
			path = "error: " + err.Error()
		}
		got[name] = path
	}
	want := map[string]string{
		"godax-look-tool": tool,           // on the Shell's PATH, not the process's
		"deploy-to":       "deploy-to",    // the Shell's own command
		"cat":             "cat",          // one of lib/dax's builtins
		"docker":          "/fake/docker", // answered by WithLookPath
		"sh":              `error: look path sh: "sh": executable file not found in $PATH`,
		"":                "error: look path: empty command name",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LookPath (-want +got):\n%s", diff)
	}
	if _, err := dax.New(dax.WithLookPath(nil)); err == nil {
		t.Error("New(WithLookPath(nil)) succeeded, want an error")
	}
}

func TestRetry_RetriesUntilSuccessWithGrowingBackoff(t *testing.T) {
	t.Parallel()
	var calls []time.Time
	err := dax.Retry(context.Background(), 5, 10*time.Millisecond, func(context.Context) error {
		calls = append(calls, time.Now())
		if len(calls) < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || len(calls) != 3 {
		t.Fatalf("Retry() = %v after %d calls, want nil after 3", err, len(calls))
	}
	if first, second := calls[1].Sub(calls[0]), calls[2].Sub(calls[1]); first < 10*time.Millisecond || second < 20*time.Millisecond {
		t.Errorf("waits were %v and %v, want at least 10ms and 20ms", first, second)
	}
}

func TestRetry_ReturnsLastErrorAfterAllTries(t *testing.T) {
	t.Parallel()
	sentinel := errors.New("still broken")
	calls := 0
	err := dax.Retry(context.Background(), 3, time.Millisecond, func(context.Context) error {
		calls++
		return sentinel
	})
	if !errors.Is(err, sentinel) || calls != 3 || !strings.Contains(err.Error(), "after 3 tries") {
		t.Errorf("Retry() = %v after %d calls, want the last error after 3", err, calls)
	}
}

func TestRetry_StopsWhenContextIsDone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := dax.Retry(ctx, 100, time.Hour, func(context.Context) error {
		calls++
		cancel()
		return errors.New("fails")
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("Retry() = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

func TestRetry_RejectsZeroTries(t *testing.T) {
	t.Parallel()
	err := dax.Retry(context.Background(), 0, time.Second, func(context.Context) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "tries is 0") {
		t.Errorf("Retry(0 tries) = %v, want an error", err)
	}
}

func TestSleep_ReturnsEarlyWhenContextIsDone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := dax.Sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Sleep() = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Sleep() took %v after the context ended", elapsed)
	}
	if err := dax.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep(1ms) = %v, want nil", err)
	}
}

func TestDedent_RemovesCommonIndentation(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ in, want string }{
		"spaces":        {"\n    a\n      b\n    c\n", "a\n  b\nc\n"},
		"tabs":          {"\t\tx\n\t\ty", "x\ny"},
		"blank lines":   {"\n  a\n\n   \n  b", "a\n\n\nb"},
		"no indent":     {"a\n  b", "a\n  b"},
		"mixed prefix":  {"\t  a\n\t b", " a\nb"},
		"empty":         {"", ""},
		"only newlines": {"\n\n", "\n"},
	}
	for name, tt := range tests {
		if diff := cmp.Diff(tt.want, dax.Dedent(tt.in)); diff != "" {
			t.Errorf("%s: Dedent() mismatch (-want +got):\n%s", name, diff)
		}
	}
}

func TestShell_LogsPlainLinesWhenNotATerminal(t *testing.T) {
	t.Parallel()
	sh, _, _, log := testShell(t)
	sh.Step("Pushing %s", "app:1")
	sh.Info("token for %s", dax.Secret("pw"))
	sh.Warn("slow\n")
	sh.Error("failed: %d", 3)
	want := "==> Pushing app:1\ninfo: token for ***\nwarn: slow\nerror: failed: 3\n"
	if diff := cmp.Diff(want, log.String()); diff != "" {
		t.Errorf("log mismatch (-want +got):\n%s", diff)
	}
}
