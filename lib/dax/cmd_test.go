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

func TestCmd_QuotesEachArgumentAsOneWordWithItsValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format string
		arg    any
		want   string
	}{
		{"spaces", "%s", "a b  c", "[a b  c]"},
		{"command substitution", "%s", "$(echo no) `echo no`", "[$(echo no) `echo no`]"},
		{"separators", "%s", "a; b && c || d | e", "[a; b && c || d | e]"},
		{"glob", "%s", "*", "[*]"},
		{"quotes", "%s", `it's "quoted"`, `[it's "quoted"]`},
		{"newline", "%s", "a\nb", "[a\nb]"},
		{"leading dash", "%s", "-n", "[-n]"},
		{"unicode", "%s", "héllo ✓", "[héllo ✓]"},
		{"empty", "%s", "", "[]"},
		{"int with %d", "%d", 42, "[42]"},
		{"value with %v", "%v", []int{1, 2}, "[[1 2]]"},
		{"go-quoted with %q", "%q", "a b", `["a b"]`},
		{"padded", "%5s", "ab", "[   ab]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := dax.Cmd("printf '[%%s]' "+tt.format, tt.arg).Text(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCmd_ExpandsStringSliceToOneWordPerElement(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("printf '[%%s]' %s", []string{"a b", "", "c*"}).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("[a b][][c*]", got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestCmd_ExpandsEmptySliceToNoWords(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("echo start %s end", []string{}).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("start end", got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestCmd_InsertsRawTextAsShellCode(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("echo %s", dax.Raw("a; echo b")).Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestCmd_KeepsDoublePercentAsPercent(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("echo 100%% %s", "done").Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("100% done", got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestCmd_RunsSecretWithItsValueButPrintsStars(t *testing.T) {
	t.Parallel()
	cmd := dax.Cmd("printf %%s %s", dax.Secret("hunter 2"))
	got, err := cmd.Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("hunter 2", got); diff != "" {
		t.Errorf("executed value mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("printf %s ***", cmd.String()); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
}

func TestCmd_RunsSecretSliceWithValuesButPrintsStars(t *testing.T) {
	t.Parallel()
	cmd := dax.Cmd("printf '[%%s]' %s", []dax.Secret{"a", "b c"})
	got, err := cmd.Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("[a][b c]", got); diff != "" {
		t.Errorf("executed value mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("printf '[%s]' *** ***", cmd.String()); diff != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", diff)
	}
}

func TestSecret_PrintsStarsWithEveryFmtVerb(t *testing.T) {
	t.Parallel()
	s := dax.Secret("hunter2")
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x", "%d"} {
		if got := fmtSprintf(verb, s); got != "***" {
			t.Errorf("Sprintf(%q, secret) = %q, want ***", verb, got)
		}
	}
}

func TestCmd_SinksReturnErrorForArgumentWithNULByte(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cmd := dax.Cmd("echo %s", "a\x00b")
	sinks := map[string]func() error{
		"Run":  func() error { return cmd.Run(ctx) },
		"Text": func() error { _, err := cmd.Text(ctx); return err },
		"Code": func() error { _, err := cmd.Code(ctx); return err },
		"JSON": func() error { var v any; return cmd.JSON(ctx, &v) },
	}
	for name, sink := range sinks {
		err := sink()
		if err == nil || !strings.Contains(err.Error(), "NUL byte") && !strings.Contains(err.Error(), "null bytes") {
			t.Errorf("%s: err = %v, want an error about the NUL byte", name, err)
		}
	}
}

func TestCmd_KeepsSecretWithNULByteOutOfError(t *testing.T) {
	t.Parallel()
	err := dax.Cmd("echo %s", dax.Secret("top\x00secret")).Run(context.Background())
	if err == nil {
		t.Fatal("Run() succeeded, want an error for the NUL byte")
	}
	if strings.Contains(err.Error(), "secret") && !strings.Contains(err.Error(), "(a secret)") || strings.Contains(err.Error(), "top") {
		t.Errorf("error %q reveals the secret", err)
	}
}

func TestCmd_ReportsMissingAndExtraArguments(t *testing.T) {
	t.Parallel()
	// Called through a variable, which go vet does not check: these
	// formats are wrong on purpose.
	cmd := dax.Cmd
	tests := map[string]dax.Command{
		"missing":    cmd("echo %s %s", "a"),
		"extra":      cmd("echo %s", "a", "b"),
		"incomplete": cmd("echo %"),
	}
	for name, cmd := range tests {
		if err := cmd.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "format") {
			t.Errorf("%s: Run() = %v, want a format error", name, err)
		}
	}
}

func TestCmd_ReportsShellSyntaxErrorFromSink(t *testing.T) {
	t.Parallel()
	err := dax.Cmd("echo 'unclosed").Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "parse") {
		t.Errorf("Run() = %v, want a parse error", err)
	}
}

func TestCmd_KeepsSecretOutOfParseError(t *testing.T) {
	t.Parallel()
	// The parser names the unclosed here-document's delimiter: the secret.
	err := dax.Cmd("cat <<%s\nbody", dax.Secret("s3cr3t")).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "here-document") {
		t.Fatalf("Run() = %v, want a here-document parse error", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error %q shows the secret", err)
	}
}

func TestCmd_RunsPipesAndListsAndRedirects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	got, err := dax.Cmd(`echo b > x.txt && echo a >> x.txt; cat x.txt | sort | tr a-z A-Z || echo never; V=1 printenv V; (false) || echo sub`).Dir(dir).Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"A", "B", "1", "sub"}, got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestCmd_PipelineExitStatusIsLastStages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if code, err := dax.Cmd("false | true").Code(ctx); err != nil || code != 0 {
		t.Errorf("false | true: Code() = %d, %v; want 0, nil", code, err)
	}
	if code, err := dax.Cmd("true | false").Code(ctx); err != nil || code != 1 {
		t.Errorf("true | false: Code() = %d, %v; want 1, nil", code, err)
	}
}

func TestCommand_ModifiersLeaveTheReceiverUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := dax.Cmd("printenv A").Env("A", "base")
	derived := base.Env("A", "derived")
	replaced := base.ReplaceEnv(map[string]string{"A": "replaced"})
	for _, tt := range []struct {
		cmd  dax.Command
		want string
	}{{base, "base"}, {derived, "derived"}, {replaced, "replaced"}, {base, "base"}} {
		got, err := tt.cmd.Text(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("Text() = %q, want %q", got, tt.want)
		}
	}
}

func TestCommand_ReplaceEnvCopiesTheMap(t *testing.T) {
	t.Parallel()
	env := map[string]string{"A": "1"}
	cmd := dax.Cmd("printenv A").ReplaceEnv(env)
	env["A"] = "2"
	got, err := cmd.Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != "1" {
		t.Errorf("Text() = %q after changing the map, want 1", got)
	}
}

func TestCommand_NoThrowCopiesItsCodes(t *testing.T) {
	t.Parallel()
	codes := []int{3}
	cmd := dax.Cmd("exit 3").NoThrow(codes...)
	codes[0] = 4
	if err := cmd.Run(context.Background()); err != nil {
		t.Errorf("Run() = %v after changing the codes slice, want nil", err)
	}
}

func TestCommand_ReplaceEnvDropsTheProcessEnvironment(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("printenv").ReplaceEnv(map[string]string{"ONLY": "me"}).Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ONLY=me"}, got); diff != "" {
		t.Errorf("printenv mismatch (-want +got):\n%s", diff)
	}
}

func TestCommand_EnvAddsToTheShellEnvironment(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t, dax.WithEnv(map[string]string{"BASE": "b", "PATH": os.Getenv("PATH")}))
	got, err := sh.Cmd("printenv BASE EXTRA").Env("EXTRA", "e").Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b", "e"}, got); diff != "" {
		t.Errorf("printenv mismatch (-want +got):\n%s", diff)
	}
}

func TestCommand_DirRunsInTheDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	sh, _, _, _ := testShell(t, dax.WithDir(dir))
	for _, tt := range []struct {
		cmd  dax.Command
		want string
	}{
		{sh.Cmd("pwd"), dir},
		{sh.Cmd("pwd").Dir("sub"), filepath.Join(dir, "sub")},
		{dax.Cmd("pwd").Dir(dir), dir},
		{sh.Cmd("/bin/pwd").Dir("sub"), filepath.Join(dir, "sub")},
	} {
		got, err := tt.cmd.Text(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: Text() = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

func TestNew_RejectsMissingDirectory(t *testing.T) {
	t.Parallel()
	_, err := dax.New(dax.WithDir(filepath.Join(t.TempDir(), "missing")))
	if err == nil || !strings.Contains(err.Error(), "working directory") {
		t.Errorf("New() = %v, want a working directory error", err)
	}
}

func TestNew_RejectsNilWritersAndNegativeGrace(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]dax.Option{
		"stdout": dax.WithStdout(nil),
		"stderr": dax.WithStderr(nil),
		"logger": dax.WithLogger(nil),
		"grace":  dax.WithKillGrace(-time.Second),
	} {
		if _, err := dax.New(opt); err == nil {
			t.Errorf("New(%s) succeeded, want an error", name)
		}
	}
}

func TestCommand_StdinVariantsFeedTheCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(file, []byte("from file"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := dax.Cmd("cat")
	for name, tt := range map[string]struct {
		cmd  dax.Command
		want string
	}{
		"reader":        {base.Stdin(strings.NewReader("from reader")), "from reader"},
		"string":        {base.StdinString("from string"), "from string"},
		"secret":        {base.StdinSecret("from secret"), "from secret"},
		"file":          {base.StdinFile(file), "from file"},
		"relative file": {base.Dir(dir).StdinFile("in.txt"), "from file"},
		"program":       {dax.Cmd("/bin/cat").StdinString("to program"), "to program"},
		"pipeline":      {dax.Cmd("cat | /bin/cat | cat").StdinString("through"), "through"},
		"last wins":     {base.StdinString("first").StdinString("second"), "second"},
	} {
		got, err := tt.cmd.Text(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != tt.want {
			t.Errorf("%s: Text() = %q, want %q", name, got, tt.want)
		}
	}
}

func TestCommand_StdinStringCanRunTwice(t *testing.T) {
	t.Parallel()
	cmd := dax.Cmd("cat").StdinString("again")
	for range 2 {
		got, err := cmd.Text(context.Background())
		if err != nil || got != "again" {
			t.Errorf("Text() = %q, %v; want again, nil", got, err)
		}
	}
}

func TestCommand_StdinFileReportsMissingFile(t *testing.T) {
	t.Parallel()
	err := dax.Cmd("cat").StdinFile(filepath.Join(t.TempDir(), "missing")).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("Run() = %v, want a stdin error", err)
	}
}

func TestCommand_RunStreamsToShellWritersOrToStdoutAndStderr(t *testing.T) {
	t.Parallel()
	sh, stdout, stderr, _ := testShell(t)
	cmd := sh.Cmd("echo out; echo err >&2; /bin/sh -c 'echo out2; echo err2 >&2'")
	if err := cmd.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("out\nout2\n", stdout.String()); diff != "" {
		t.Errorf("shell stdout mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("err\nerr2\n", stderr.String()); diff != "" {
		t.Errorf("shell stderr mismatch (-want +got):\n%s", diff)
	}
	var out, errs syncBuffer
	if err := cmd.Stdout(&out).Stderr(&errs).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.String() != "out\nout2\n" || errs.String() != "err\nerr2\n" {
		t.Errorf("Stdout/Stderr got %q and %q", out.String(), errs.String())
	}
}

func TestCommand_QuietStreamsNothingButKeepsStderrForError(t *testing.T) {
	t.Parallel()
	sh, stdout, stderr, _ := testShell(t)
	err := sh.Cmd("echo out; echo 'bad thing' >&2; exit 2").Quiet().Run(context.Background())
	if stdout.String() != "" || stderr.String() != "" {
		t.Errorf("Quiet command wrote %q and %q", stdout.String(), stderr.String())
	}
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || cerr.Stderr != "bad thing\n" {
		t.Errorf("Run() = %#v, want a CommandError with the stderr", err)
	}
}

func TestCommand_CapturingSinksStreamStderrButCaptureStdout(t *testing.T) {
	t.Parallel()
	sh, stdout, stderr, _ := testShell(t)
	got, err := sh.Cmd("echo out; echo err >&2").Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != "out" || stdout.String() != "" || stderr.String() != "err\n" {
		t.Errorf("Text() = %q, streamed %q and %q", got, stdout.String(), stderr.String())
	}
}

func TestCommand_CombinedCapturesStdoutAndStderr(t *testing.T) {
	t.Parallel()
	sh, _, stderr, _ := testShell(t)
	got, err := sh.Cmd("echo out; echo err >&2; /bin/sh -c 'echo err2 >&2'").Combined().Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"out", "err", "err2"}, got); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
	if stderr.String() != "" {
		t.Errorf("Combined streamed %q to stderr, want nothing", stderr.String())
	}
}

func TestCommand_PrintCommandLogsTheCommandWithSecretsRedacted(t *testing.T) {
	t.Parallel()
	sh, _, _, log := testShell(t)
	if err := sh.Cmd("true %s %s", "a b", dax.Secret("pw")).PrintCommand().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("$ true 'a b' ***\n", log.String()); diff != "" {
		t.Errorf("logged mismatch (-want +got):\n%s", diff)
	}
}

func TestCommand_TimeoutStopsTheCommandWithTimedOutError(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"sleep 10", "/bin/sleep 10", "sleep 10 | cat"} {
		err := dax.Cmd("%s", dax.Raw(text)).Timeout(50 * time.Millisecond).Run(context.Background())
		var cerr *dax.CommandError
		if !errors.As(err, &cerr) {
			t.Fatalf("%s: Run() = %v, want a CommandError", text, err)
		}
		if !cerr.TimedOut() || cerr.Cancelled() || cerr.Code != 124 || cerr.ExitStatus() != 124 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: error %+v, want TimedOut, code 124, DeadlineExceeded", text, cerr)
		}
		if want := text + ": timed out after 50ms"; err.Error() != want {
			t.Errorf("%s: Error() = %q, want %q", text, err.Error(), want)
		}
	}
}

func TestCommand_CancelledContextIsReported(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := dax.Cmd("echo working >&2; /bin/sleep 10").Quiet().Run(ctx)
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || cerr.TimedOut() || !cerr.Cancelled() || cerr.Code != 124 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() = %v, want a CommandError with code 124 wrapping context.Canceled", err)
	}
	// The stderr tail stays in the field, but is not offered as the reason.
	if want := "echo working >&2; /bin/sleep 10: context canceled"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if cerr.Stderr != "working\n" {
		t.Errorf("Stderr = %q, want %q", cerr.Stderr, "working\n")
	}
}

func TestCommand_NoThrowAcceptsNonZeroExit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if err := dax.Cmd("exit 3").NoThrow().Run(ctx); err != nil {
		t.Errorf("NoThrow(): Run() = %v, want nil", err)
	}
	if err := dax.Cmd("exit 1").NoThrow(1, 2).Run(ctx); err != nil {
		t.Errorf("NoThrow(1, 2) with exit 1: Run() = %v, want nil", err)
	}
	var cerr *dax.CommandError
	if err := dax.Cmd("exit 3").NoThrow(1, 2).Run(ctx); !errors.As(err, &cerr) || cerr.Code != 3 {
		t.Errorf("NoThrow(1, 2) with exit 3: Run() = %v, want a CommandError with code 3", err)
	}
	if code, err := dax.Cmd("/bin/sleep 5").NoThrow().Timeout(20 * time.Millisecond).Code(ctx); code != 124 || err != nil {
		t.Errorf("NoThrow() with timeout: Code() = %d, %v, want 124 and no error", code, err)
	}
	if err := dax.Cmd("/bin/sleep 5").NoThrow(1).Timeout(20 * time.Millisecond).Run(ctx); !errors.As(err, &cerr) || !cerr.TimedOut() {
		t.Errorf("NoThrow(1) with timeout: Run() = %v, want a timeout error", err)
	}
	if err := dax.Cmd("/bin/sleep 5").NoThrow(124).Timeout(20 * time.Millisecond).Run(ctx); err != nil {
		t.Errorf("NoThrow(124) with timeout: Run() = %v, want nil", err)
	}
}
