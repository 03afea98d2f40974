package dax_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestWithPrintCommands_PrintsEveryCommandWithSecretsRedacted(t *testing.T) {
	t.Parallel()
	sh, stdout, _, log := testShell(t, dax.WithPrintCommands())
	ctx := context.Background()
	if err := sh.Cmd("echo %s", dax.Secret("pw")).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.Cmd("echo %s", "a b").Text(ctx); err != nil {
		t.Fatal(err)
	}
	// PrintCommand on a printing Shell prints once.
	if err := sh.Cmd("true").PrintCommand().Run(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("$ echo ***\n$ echo 'a b'\n$ true\n", log.String()); diff != "" {
		t.Errorf("logged mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("pw\n", stdout.String()); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
}

func TestWithQuiet_StreamsNothingButStillCapturesAndKeepsTheStderrTail(t *testing.T) {
	t.Parallel()
	sh, stdout, stderr, _ := testShell(t, dax.WithQuiet())
	ctx := context.Background()
	if err := sh.Cmd("echo out; echo err >&2").Run(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := sh.Cmd("echo captured; echo err >&2").Text(ctx)
	if err != nil || got != "captured" {
		t.Errorf("Text() = %q, %v, want the output captured", got, err)
	}
	err = sh.Cmd("echo 'it broke' >&2; exit 1").Run(ctx)
	if err == nil || !strings.HasSuffix(err.Error(), ": exit status 1: it broke") {
		t.Errorf("Run() = %v, want the stderr tail in the error", err)
	}
	if stdout.String() != "" || stderr.String() != "" {
		t.Errorf("streamed stdout %q and stderr %q, want nothing", stdout, stderr)
	}
}

func TestWithQuiet_LeavesACommandItsOwnWriters(t *testing.T) {
	t.Parallel()
	sh, stdout, stderr, _ := testShell(t, dax.WithQuiet())
	var out, errOut syncBuffer
	if err := sh.Cmd("echo out; echo err >&2").Stdout(&out).Stderr(&errOut).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.String() != "out\n" || errOut.String() != "err\n" {
		t.Errorf("own writers got %q and %q, want out and err", out.String(), errOut.String())
	}
	if stdout.String() != "" || stderr.String() != "" {
		t.Errorf("the Shell's writers got %q and %q, want nothing", stdout, stderr)
	}
}

// The environment variables are process-wide: these tests are not
// parallel, so that no other test runs while they are set.

func TestDaxPrintCommands_TurnsPrintingOnAndOffForEveryShell(t *testing.T) {
	ctx := context.Background()
	t.Setenv("DAX_PRINT_COMMANDS", "1")
	sh, _, _, log := testShell(t)
	if err := sh.Cmd("true").Run(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("$ true\n", log.String()); diff != "" {
		t.Errorf("DAX_PRINT_COMMANDS=1: logged mismatch (-want +got):\n%s", diff)
	}

	t.Setenv("DAX_PRINT_COMMANDS", "0")
	sh, _, _, log = testShell(t, dax.WithPrintCommands())
	if err := sh.Cmd("true").Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sh.Cmd("false").NoThrow().PrintCommand().Run(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("$ false\n", log.String()); diff != "" {
		t.Errorf("DAX_PRINT_COMMANDS=0 with WithPrintCommands: logged mismatch (-want +got):\n%s", diff)
	}
}

func TestDaxQuiet_TurnsQuietOnAndOffForEveryShell(t *testing.T) {
	ctx := context.Background()
	t.Setenv("DAX_QUIET", "true")
	sh, stdout, _, _ := testShell(t)
	if err := sh.Cmd("echo out").Run(ctx); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "" {
		t.Errorf("DAX_QUIET=true: streamed %q, want nothing", stdout)
	}

	t.Setenv("DAX_QUIET", "off")
	sh, stdout, _, _ = testShell(t, dax.WithQuiet())
	if err := sh.Cmd("echo out").Run(ctx); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "out\n" {
		t.Errorf("DAX_QUIET=off with WithQuiet: streamed %q, want the output", stdout)
	}
}

func TestDaxQuiet_UnknownValueIsAnErrorNamingTheVariable(t *testing.T) {
	t.Setenv("DAX_QUIET", "maybe")
	err := dax.Cmd("true").Run(context.Background())
	want := `dax: DAX_QUIET="maybe": want 1, true, yes or on, or 0, false, no or off`
	if err == nil || err.Error() != want {
		t.Errorf("Run() = %v, want %q", err, want)
	}
}
