package dax_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// started starts c and returns its output.
func started(t *testing.T, ctx context.Context, c dax.Command) io.Reader {
	t.Helper()
	p, err := c.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return p.Stdout()
}

func TestCommand_FailingProducerGivesItsExitStatusToTheCommandItFeeds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sh, _, _, _ := testShell(t)
	producer := started(t, ctx, sh.Cmd("echo 1 && echo 2 && exit 3"))
	res, err := sh.Cmd("cat").Stdin(producer).NoThrow().Output(ctx)
	if err != nil {
		t.Errorf("Output() error = %v, want none with NoThrow", err)
	}
	want := dax.Result{Stdout: "1\n2\n", Stderr: "stdin pipe broken: echo 1 && echo 2 && exit 3: exit status 3\n", Code: 3}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Output() (-want +got):\n%s", diff)
	}
}

func TestCommand_FailingProducerErrorHasItsStatusAndStderrTail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sh, _, _, _ := testShell(t)
	producer := started(t, ctx, sh.Cmd("echo 1; echo 'no space left' >&2; exit 3").Stderr(io.Discard))
	out, err := sh.Cmd("cat").Stdin(producer).Text(ctx)
	if out != "1" {
		t.Errorf("Text() = %q, want the output read before the failure", out)
	}
	var ce *dax.CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("Text() error = %v, want a *CommandError", err)
	}
	if ce.Code != 3 || ce.ExitStatus() != 3 {
		t.Errorf("Code = %d, ExitStatus() = %d; want the producer's 3", ce.Code, ce.ExitStatus())
	}
	want := "cat: stdin pipe broken: echo 1; echo 'no space left' >&2; exit 3: exit status 3: no space left"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("Error() (-want +got):\n%s", diff)
	}
	if !strings.Contains(ce.Stderr, "no space left") {
		t.Errorf("Stderr = %q, want the producer's stderr tail", ce.Stderr)
	}
}

func TestCommand_BrokenReaderIsAnErrorEvenWithNoThrow(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	broken := errors.New("connection reset")
	res, err := sh.Cmd("cat").Stdin(&failingReader{data: "partial", err: broken}).NoThrow().Output(context.Background())
	if !errors.Is(err, broken) {
		t.Errorf("Output() error = %v, want one wrapping the reader's error", err)
	}
	want := dax.Result{Stdout: "partial", Stderr: "stdin pipe broken: connection reset\n", Code: -1}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Output() (-want +got):\n%s", diff)
	}
}
