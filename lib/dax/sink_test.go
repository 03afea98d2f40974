package dax_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestCommand_TextTrimsTrailingNewlinesOnly(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd(`printf '  a\n\nb  \n\n'`).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("  a\n\nb  ", got); diff != "" {
		t.Errorf("Text() mismatch (-want +got):\n%s", diff)
	}
}

func TestCommand_LinesSplitsOutputWithoutLineEndings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	got, err := dax.Cmd(`printf 'a\r\nb\n\nc\n'`).Lines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "", "c"}, got); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
	if got, err := dax.Cmd("true").Lines(ctx); err != nil || got != nil {
		t.Errorf("Lines() of no output = %q, %v; want nil, nil", got, err)
	}
}

func TestCommand_BytesReturnsOutputUnchanged(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd(`printf 'a\0b\n\n'`).Bytes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]byte("a\x00b\n\n"), got); diff != "" {
		t.Errorf("Bytes() mismatch (-want +got):\n%s", diff)
	}
}

func TestCommand_JSONDecodesOutput(t *testing.T) {
	t.Parallel()
	var got struct {
		Name string `json:"name"`
		Tags []string
	}
	err := dax.Cmd("echo %s", `{"name":"app","Tags":["a","b"]}`).JSON(context.Background(), &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "app" || len(got.Tags) != 2 {
		t.Errorf("JSON() decoded %+v", got)
	}
}

func TestCommand_JSONReportsUndecodableOutput(t *testing.T) {
	t.Parallel()
	var v map[string]any
	err := dax.Cmd("echo not json").JSON(context.Background(), &v)
	if err == nil || !strings.Contains(err.Error(), "echo not json: decoding output as JSON") {
		t.Errorf("JSON() = %v, want a decoding error naming the command", err)
	}
}

func TestCommand_CodeReturnsExitStatusWithoutError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for text, want := range map[string]int{"true": 0, "exit 7": 7, "/bin/sh -c 'exit 42'": 42, "no-such-program-dax": 127} {
		sh, _, _, _ := testShell(t)
		got, err := sh.Cmd("%s", dax.Raw(text)).Code(ctx)
		if err != nil || got != want {
			t.Errorf("%s: Code() = %d, %v; want %d, nil", text, got, err, want)
		}
	}
}

func TestCommandError_CarriesCommandCodeAndStderrTail(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	err := sh.Cmd("/bin/sh -c 'echo pushing; echo denied: requested access to the resource is denied >&2; exit 1'").Quiet().Run(context.Background())
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) {
		t.Fatalf("Run() = %v, want a CommandError", err)
	}
	want := &dax.CommandError{
		Command: "/bin/sh -c 'echo pushing; echo denied: requested access to the resource is denied >&2; exit 1'",
		Code:    1,
		Stderr:  "denied: requested access to the resource is denied\n",
	}
	if diff := cmp.Diff(want, cerr, cmpIgnoreErr); diff != "" {
		t.Errorf("CommandError mismatch (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), want.Command+": exit status 1: denied: requested access to the resource is denied"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if cerr.ExitStatus() != 1 {
		t.Errorf("ExitStatus() = %d, want 1", cerr.ExitStatus())
	}
}

func TestCommandError_KeepsOnlyTheTailOfLongStderr(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	err := sh.Cmd(`i=0; while [ $i -lt 2000 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 1`).Quiet().Run(context.Background())
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) {
		t.Fatalf("Run() = %v, want a CommandError", err)
	}
	if len(cerr.Stderr) > 4096 || !strings.HasSuffix(cerr.Stderr, "line 1999\n") {
		t.Errorf("Stderr has %d bytes ending %q, want at most 4096 ending with the last line", len(cerr.Stderr), cerr.Stderr[len(cerr.Stderr)-20:])
	}
	if !strings.HasSuffix(err.Error(), ": exit status 1: line 1999") {
		t.Errorf("Error() = %q, want the last stderr line", err)
	}
}

func TestCommandError_RedactsSecretsFromStderrAndMessage(t *testing.T) {
	t.Parallel()
	sh, _, _, log := testShell(t)
	for name, cmd := range map[string]dax.Command{
		"argument": sh.Cmd("echo bad password %s >&2; exit 1", dax.Secret("s3cr3t")),
		"stdin":    sh.Cmd("echo bad password $(cat) >&2; exit 1").StdinSecret("s3cr3t"),
	} {
		err := cmd.PrintCommand().Quiet().Run(context.Background())
		var cerr *dax.CommandError
		if !errors.As(err, &cerr) {
			t.Fatalf("%s: Run() = %v, want a CommandError", name, err)
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(cerr.Stderr, "s3cr3t") || strings.Contains(cerr.Command, "s3cr3t") {
			t.Errorf("%s: error reveals the secret: %q, stderr %q", name, err, cerr.Stderr)
		}
		if !strings.HasSuffix(err.Error(), "bad password ***") {
			t.Errorf("%s: Error() = %q, want the redacted stderr line", name, err)
		}
	}
	if strings.Contains(log.String(), "s3cr3t") {
		t.Errorf("PrintCommand logged the secret: %q", log.String())
	}
}

func TestCommandError_ExitStatusIsOneWhenCommandDidNotExit(t *testing.T) {
	t.Parallel()
	err := &dax.CommandError{Command: "x", Code: -1, Err: context.Canceled}
	if err.ExitStatus() != 1 {
		t.Errorf("ExitStatus() = %d, want 1", err.ExitStatus())
	}
}

func TestCommand_ZeroValueReportsErrorInsteadOfPanicking(t *testing.T) {
	t.Parallel()
	var cmd dax.Command
	if err := cmd.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "empty Command") {
		t.Errorf("Run() = %v, want an empty Command error", err)
	}
}
