package dax_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestScript_StopsAtTheFirstFailureAndNamesTheCommand(t *testing.T) {
	t.Parallel()
	var ran []string
	record := func(ctx context.Context, inv dax.Invocation) error {
		ran = append(ran, inv.Args[1])
		return nil
	}
	var out bytes.Buffer
	sh, err := dax.New(dax.WithCommand("record", record), dax.WithDir(t.TempDir()),
		dax.WithStdout(&out), dax.WithStderr(&out), dax.WithLogger(&out))
	if err != nil {
		t.Fatal(err)
	}
	s := sh.NewScript(context.Background())
	s.Run("record %s", "one")
	s.Run("exit 3")
	s.Run("record %s", "two")
	text := s.Text("echo not run")
	lines := s.Lines("echo not run")
	var v any
	s.JSON(&v, "echo 1")
	s.WriteText("f.txt", "not written")
	s.Mkdir("d")
	s.Info("not logged")
	s.Check(errors.New("not kept"))
	s.Require(false, "not kept")

	var cerr *dax.CommandError
	if !errors.As(s.Err(), &cerr) {
		t.Fatalf("Err() = %v, want a *CommandError", s.Err())
	}
	if diff := cmp.Diff("exit 3: exit status 3", cerr.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"one"}, ran); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
	if text != "" || lines != nil || v != nil || out.Len() != 0 {
		t.Errorf("after the failure: Text %q, Lines %q, JSON %v, output %q; want nothing", text, lines, v, out.String())
	}
	if sh.Exists("f.txt") || sh.Exists("d") {
		t.Error("file helpers ran after the failure")
	}
}

func TestScript_TypedResultsAndModifiedCommandsWork(t *testing.T) {
	t.Parallel()
	sh, dir := newShellIn(t)
	s := sh.NewScript(context.Background())
	s.Mkdir("sub")
	s.Cd("sub")
	s.WriteJSON("v.json", map[string]string{"name": "app"})
	var v struct{ Name string }
	s.JSON(&v, "cat v.json")
	lines := s.Lines("printf '%%s\\n' a b")
	env := s.TextOf(s.Cmd("echo $STAGE").Env("STAGE", "prod"))
	code := s.LinesOf(s.Cmd("exit 4").NoThrow(4))
	s.Do(s.Cmd("cat > out.txt").StdinString("from stdin"))
	got := s.ReadText("out.txt")
	var back map[string]string
	s.ReadJSON("v.json", &back)
	s.Copy("out.txt", "copy.txt")
	s.Move("copy.txt", "moved.txt")
	s.Remove("out.txt")
	files := s.Glob("*")
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	want := []any{"app", []string{"a", "b"}, "prod", []string(nil), "from stdin", map[string]string{"name": "app"}, []string{"moved.txt", "v.json"}}
	if diff := cmp.Diff(want, []any{v.Name, lines, env, code, got, back, files}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub", "moved.txt")); err != nil {
		t.Errorf("Cd was not followed: %v", err)
	}
}

func TestScript_KeepsTheFirstGoError(t *testing.T) {
	t.Parallel()
	s := dax.NewScript(context.Background())
	s.Check(nil)
	s.Require(true, "not an error")
	first := errors.New("first")
	s.Check(first)
	s.Require(false, "second")
	if s.Err() != first {
		t.Errorf("Err() = %v, want %v", s.Err(), first)
	}
	var s2 dax.Script
	s2.Require(1 > 2, "version %s is older than %s", "1.0", "2.0")
	if diff := cmp.Diff("version 1.0 is older than 2.0", s2.Err().Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScript_ZeroValueRunsOnTheDefaultShell(t *testing.T) {
	t.Parallel()
	var s dax.Script
	if got := s.Text("echo zero"); got != "zero" || s.Err() != nil {
		t.Errorf("Text = %q, %v; want zero, nil", got, s.Err())
	}
	if !s.Exists("/") || s.Glob("/") == nil {
		t.Error("the file helpers of a zero Script do not see /")
	}
}
