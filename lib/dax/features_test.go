package dax_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"mvdan.cc/sh/v3/interp"

	"github.com/godax/godax/lib/dax"
)

func TestShell_GlobstarIsOnByDefaultAndOptionsCanBeSet(t *testing.T) {
	t.Parallel()
	files := map[string]string{"x.txt": "", "a/y.txt": "", "a/b/z.txt": ""}
	sh, dir, _ := inDir(t, files)
	ctx := context.Background()
	got, err := sh.Cmd("echo **/*.txt").Text(ctx)
	if err != nil || got != "a/b/z.txt a/y.txt x.txt" {
		t.Errorf("globstar by default: %q, %v", got, err)
	}
	got, _ = sh.Cmd("echo **/*.txt").ShellOption("globstar", false).Text(ctx)
	if got != "a/y.txt" {
		t.Errorf("globstar off for the command: %q, want a/y.txt", got)
	}
	off, _, _, _ := testShell(t, dax.WithDir(dir), dax.WithShellOption("globstar", false), dax.WithShellOption("nullglob", true))
	got, _ = off.Cmd("echo **/*.txt none*").Text(ctx)
	if got != "a/y.txt" {
		t.Errorf("globstar off and nullglob on for the Shell: %q, want a/y.txt", got)
	}
	got, _ = off.Cmd("echo **/*.txt").ShellOption("globstar", true).Text(ctx)
	if got != "a/b/z.txt a/y.txt x.txt" {
		t.Errorf("globstar on for the command: %q", got)
	}
	// Bash's own rules stay: ? is a glob, globs are case-sensitive.
	got, _ = sh.Cmd("echo ?.txt X.TXT").Text(ctx)
	if got != "x.txt X.TXT" {
		t.Errorf("? and case: %q", got)
	}
}

func TestShell_PipefailReportsTheFailingStage(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	ctx := context.Background()
	for _, text := range []string{"false | true", "exit 3 | true | true", "(exit 2) | cat | true"} {
		if code, err := sh.Cmd("%s", dax.Raw(text)).Code(ctx); code != 0 || err != nil {
			t.Errorf("%s without pipefail: %d, %v; want 0", text, code, err)
		}
	}
	for text, want := range map[string]int{"false | true": 1, "exit 3 | true | true": 3, "(exit 2) | cat | true": 2, "true | true": 0} {
		if code, _ := sh.Cmd("%s", dax.Raw(text)).ShellOption("pipefail", true).Code(ctx); code != want {
			t.Errorf("%s with pipefail: %d, want %d", text, code, want)
		}
	}
}

func TestShell_RejectsUnknownAndUnsupportedShellOptions(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"failglob", "no-such-option", ""} {
		if _, err := dax.New(dax.WithShellOption(name, true)); err == nil || !strings.Contains(err.Error(), "option") {
			t.Errorf("New(WithShellOption(%q)) = %v, want an error", name, err)
		}
		if err := dax.Cmd("true").ShellOption(name, true).Run(context.Background()); err == nil {
			t.Errorf("ShellOption(%q): Run() succeeded, want an error", name)
		}
	}
	if _, err := dax.New(dax.WithShellOption("failglob", true)); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("failglob: %v, want it named as not supported", err)
	}
}

func TestCommand_RelativeDirIsFixedWhenBuilt(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"a/sub/f": "", "b/sub/f": ""})
	if err := sh.Cd("a"); err != nil {
		t.Fatal(err)
	}
	cmd := sh.Cmd("pwd").Dir("sub")
	if err := sh.Cd(filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	got, err := cmd.Text(context.Background())
	if want := filepath.Join(dir, "a", "sub"); err != nil || got != want {
		t.Errorf("pwd = %q, %v; want %q, where it was built", got, err, want)
	}
	got, _ = sh.Cmd("pwd").Dir("sub").Text(context.Background())
	if want := filepath.Join(dir, "b", "sub"); got != want {
		t.Errorf("pwd after Cd = %q, want %q", got, want)
	}
}

func TestCommand_StdinReaderCannotBeReadTwice(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	cmd := sh.Cmd("cat").Stdin(strings.NewReader("once"))
	if got, err := cmd.Text(context.Background()); got != "once" || err != nil {
		t.Fatalf("first run: %q, %v", got, err)
	}
	for _, c := range []dax.Command{cmd, cmd.Quiet()} {
		if _, err := c.Text(context.Background()); err == nil || !strings.Contains(err.Error(), "read by an earlier run") {
			t.Errorf("second run: %v, want an error saying the reader was used", err)
		}
	}
	again := cmd.StdinString("twice")
	for range 2 {
		if got, err := again.Text(context.Background()); got != "twice" || err != nil {
			t.Errorf("StdinString after Stdin: %q, %v", got, err)
		}
	}
}

func TestCommand_RedirectToSeveralWordsIsAmbiguous(t *testing.T) {
	t.Parallel()
	sh, dir, stderr := inDir(t, map[string]string{"m1.log": "", "m2.log": ""})
	ctx := context.Background()
	for _, text := range []string{`var="a b"; echo 1 > $var`, `empty=; echo 1 > $empty`, `echo 1 > m*.log`, `cat < $(echo a b)`, `echo 1 >> {x,y}`} {
		code, err := sh.Cmd("%s", dax.Raw(text)).Code(ctx)
		if code != 1 || err != nil {
			t.Errorf("%s: Code() = %d, %v; want 1", text, code, err)
		}
	}
	if got := strings.Count(stderr.String(), "ambiguous redirect"); got != 5 {
		t.Errorf("stderr %q names %d ambiguous redirects, want 5", stderr.String(), got)
	}
	for _, name := range []string{"a b", "a", "b", "x", "y"} {
		if exists(filepath.Join(dir, name)) {
			t.Errorf("file %q was created", name)
		}
	}
	// One word is fine, whatever it holds, as is a quoted one.
	if err := sh.Cmd(`var="a b"; one=out.txt; echo 1 > $one; echo 2 > "$var"; echo 3 >> $one; cat < $one > m?.nomatch`).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "out.txt")); got != "1\n3\n" {
		t.Errorf("out.txt = %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "a b")); got != "2\n" {
		t.Errorf("'a b' = %q", got)
	}
	if !exists(filepath.Join(dir, "m?.nomatch")) {
		t.Error("a glob matching nothing should name the file itself, as in bash")
	}
}

func TestCommandError_DoesNotRepeatStderrStreamedToAFile(t *testing.T) {
	t.Parallel()
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh, _, _, _ := testShell(t, dax.WithStderr(f))
	err = sh.Cmd("echo denied >&2; exit 1").Run(context.Background())
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || err.Error() != "echo denied >&2; exit 1: exit status 1" || cerr.Stderr != "" {
		t.Errorf("Run() = %v (Stderr %q), want no stderr line", err, cerr.Stderr)
	}
	if got := readFile(t, f.Name()); got != "denied\n" {
		t.Errorf("streamed stderr = %q", got)
	}
}

func TestCommandError_EndsWithTheTailOfCapturedStdout(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	out, err := sh.Cmd("echo first; echo 'last words'; echo oops >&2; exit 2").Quiet().Text(context.Background())
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) {
		t.Fatalf("Text() = %q, %v", out, err)
	}
	if want := "echo first; echo 'last words'; echo oops >&2; exit 2: exit status 2: oops; stdout: last words"; err.Error() != want {
		t.Errorf("Error() = %q\nwant %q", err, want)
	}
	if cerr.Stdout != "first\nlast words\n" {
		t.Errorf("Stdout = %q", cerr.Stdout)
	}
}

func TestCommand_OutputCapturesBothStreamsAndTheCode(t *testing.T) {
	t.Parallel()
	sh, stdout, stderr, _ := testShell(t)
	ctx := context.Background()
	res, err := sh.Cmd("echo out; echo err >&2; exit 3").NoThrow().Output(ctx)
	if diff := cmp.Diff(dax.Result{Stdout: "out\n", Stderr: "err\n", Code: 3}, res); diff != "" || err != nil {
		t.Errorf("Output() mismatch (-want +got), err %v:\n%s", err, diff)
	}
	if stdout.String() != "" || stderr.String() != "" {
		t.Errorf("Output streamed %q, %q", stdout.String(), stderr.String())
	}
	res, err = sh.Cmd("echo out; echo err >&2; exit 3").Output(ctx)
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || cerr.Code != 3 || res.Stdout != "out\n" || cerr.Stderr != "err\n" {
		t.Errorf("Output() without NoThrow = %+v, %v", res, err)
	}
	res, _ = sh.Cmd("echo out; echo err >&2").Combined().Output(ctx)
	if res.Stdout != "out\nerr\n" || res.Stderr != "" {
		t.Errorf("Combined().Output() = %+v", res)
	}
}

func TestCommand_StartGivesARunningProcess(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	p, err := sh.Cmd("sh -c 'echo $$; echo ready; exec sleep 10'").Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(p.Stdout())
	lines.Scan()
	pid, _ := strconv.Atoi(lines.Text())
	if got := p.Pid(); got != pid || pid == 0 {
		t.Errorf("Pid() = %d, the program says %d", got, pid)
	}
	lines.Scan()
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	err = p.Wait()
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || cerr.Code != 128+int(syscall.SIGHUP) || p.ExitCode() != cerr.Code {
		t.Errorf("Wait() = %v, ExitCode() = %d; want the signal's status", err, p.ExitCode())
	}
	if err := p.Signal(syscall.SIGTERM); err == nil {
		t.Error("Signal() after the end succeeded, want an error")
	}
}

func TestProcess_KillStopsTheCommandWith124(t *testing.T) {
	t.Parallel()
	// A long grace: only SIGKILL, sent at once, ends the program early.
	sh, _, _, _ := testShell(t, dax.WithKillGrace(30*time.Second))
	// The program ignores SIGTERM: only SIGKILL stops it.
	p, err := sh.Cmd("sh -c 'trap \"\" TERM; echo started; while :; do sleep 0.01; done'").Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(p.Stdout())
	if line, _ := r.ReadString('\n'); line != "started\n" {
		t.Fatalf("read %q", line)
	}
	start := time.Now()
	p.Kill()
	_, _ = r.ReadString(0)
	err = p.Wait()
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || !cerr.Cancelled() || cerr.TimedOut() || cerr.Code != 124 || !errors.Is(err, dax.ErrKilled) {
		t.Errorf("Wait() = %v, want a cancelled CommandError with code 124 wrapping ErrKilled", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Kill took %s: SIGTERM and the grace were used instead of SIGKILL", d)
	}
}

func TestProcess_StdoutIsEmptyForQuietCommandsAndPidZeroForBuiltins(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	p, err := sh.Cmd("echo hidden").Quiet().Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if n, err := p.Stdout().Read(buf); n != 0 || err == nil {
		t.Errorf("Stdout().Read() = %d, %v; want EOF", n, err)
	}
	if err := p.Wait(); err != nil || p.Pid() != 0 {
		t.Errorf("Wait() = %v, Pid() = %d; want nil, 0", err, p.Pid())
	}
	bad := dax.Cmd // not checked by go vet: the format is wrong on purpose
	if _, err := bad("echo %s").Start(context.Background()); err == nil {
		t.Error("Start() of a bad command succeeded")
	}
}

func TestCommand_CancelSignalIsSentOnCancellation(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	script := `trap 'echo got INT; exit 0' INT; trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.01; done`
	for sig, want := range map[os.Signal]string{os.Interrupt: "got INT", nil: "got TERM"} {
		ctx, cancel := context.WithCancel(context.Background())
		p, err := sh.Cmd("sh -c %s", script).CancelSignal(sig).Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(p.Stdout())
		lines.Scan()
		cancel()
		var got []string
		for lines.Scan() {
			got = append(got, lines.Text())
		}
		if len(got) == 0 || got[0] != want {
			t.Errorf("signal %v: the program said %q, want %q", sig, got, want)
		}
		var cerr *dax.CommandError
		if err := p.Wait(); !errors.As(err, &cerr) || !cerr.Cancelled() || cerr.Code != 124 {
			t.Errorf("signal %v: Wait() = %v, want cancelled with 124", sig, err)
		}
	}
}

func TestShell_WithCommandAddsCommandsForThatShellOnly(t *testing.T) {
	t.Parallel()
	greet := func(_ context.Context, inv dax.Invocation) error {
		_, err := inv.Stdout.Write([]byte("hi " + strings.Join(inv.Args[1:], " ") + "\n"))
		return err
	}
	no := func(_ context.Context, inv dax.Invocation) error { return dax.ExitCode(7) }
	sh, _, _, _ := testShell(t, dax.WithCommand("dax-test-hi", greet), dax.WithCommand("true", no), dax.WithCommand("echo", greet))
	ctx := context.Background()
	got, err := sh.Cmd("dax-test-hi there | cat; echo you").Text(ctx)
	if err != nil || got != "hi there\nhi you" {
		t.Errorf("Text() = %q, %v", got, err)
	}
	if code, _ := sh.Cmd("true").Code(ctx); code != 7 {
		t.Errorf("overridden true: %d, want 7", code)
	}
	other, _, _, _ := testShell(t)
	if code, _ := other.Cmd("dax-test-hi").Code(ctx); code != 127 {
		t.Errorf("another Shell ran the command: exit status %d, want 127", code)
	}
	if code, _ := other.Cmd("true").Code(ctx); code != 0 {
		t.Errorf("another Shell's true: %d", code)
	}
	for _, name := range []string{"", "/bin/x", "a b", "*"} {
		if _, err := dax.New(dax.WithCommand(name, greet)); err == nil {
			t.Errorf("WithCommand(%q) accepted", name)
		}
	}
	if _, err := dax.New(dax.WithCommand("x", nil)); err == nil {
		t.Error("WithCommand with a nil func accepted")
	}
}

func TestShell_ExecHandlersSeeEveryCommandInOrder(t *testing.T) {
	t.Parallel()
	var seen syncBuffer
	record := func(tag string) func(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
			return func(ctx context.Context, args []string) error {
				seen.Write([]byte(tag + strings.Join(args, " ") + "\n"))
				return next(ctx, args)
			}
		}
	}
	dryRun := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			if args[0] == "rm" {
				return nil
			}
			return next(ctx, args)
		}
	}
	sh, dir, _ := inDir(t, map[string]string{"keep": ""})
	sh2, err := dax.New(dax.WithDir(dir), dax.WithExecHandlers(record("1:"), record("2:"), dryRun), dax.WithStderr(&seen))
	if err != nil {
		t.Fatal(err)
	}
	_ = sh
	if err := sh2.Cmd("rm keep; sh -c true; echo x > /dev/null; v=\"a b\"; echo > $v").Run(context.Background()); err == nil {
		t.Error("the ambiguous redirect did not fail")
	}
	want := "1:rm keep\n2:rm keep\n1:sh -c true\n2:sh -c true\n1:echo x\n2:echo x\n"
	if got := seen.String(); !strings.HasPrefix(got, want) || strings.Contains(got, "dax-") {
		t.Errorf("middleware saw %q, want %q then the redirect error", got, want)
	}
	if !exists(filepath.Join(dir, "keep")) {
		t.Error("the dry run removed the file")
	}
	if _, err := dax.New(dax.WithExecHandlers(nil)); err == nil {
		t.Error("a nil middleware was accepted")
	}
}

func TestShell_ExportEnvKeepsTheCommandsDirAndVariables(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"sub/f": ""})
	ctx := context.Background()
	if err := sh.SetEnv("GONE", "x"); err != nil {
		t.Fatal(err)
	}
	if err := sh.Cmd("cd sub && export STAGE=prod && unset GONE; LOCAL=1").ExportEnv().Run(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := sh.Cmd("pwd; echo ${STAGE-} ${GONE-unset} ${LOCAL-nolocal}").Lines(ctx)
	if diff := cmp.Diff([]string{filepath.Join(dir, "sub"), "prod unset nolocal"}, got); diff != "" || err != nil {
		t.Errorf("after ExportEnv (-want +got), err %v:\n%s", err, diff)
	}
	// Without ExportEnv, or when the command fails, nothing is kept.
	_ = sh.Cmd("cd / && export STAGE=dev").Run(ctx)
	_ = sh.Cmd("cd / && export STAGE=dev && false").ExportEnv().Run(ctx)
	got, _ = sh.Cmd("pwd; echo $STAGE").Lines(ctx)
	if diff := cmp.Diff([]string{filepath.Join(dir, "sub"), "prod"}, got); diff != "" {
		t.Errorf("state changed (-want +got):\n%s", diff)
	}
}

func TestShell_CdAndSetEnvCheckTheirInput(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"file": "", "d/x": ""})
	for _, bad := range []string{"missing", "file"} {
		if err := sh.Cd(bad); err == nil {
			t.Errorf("Cd(%q) succeeded", bad)
		}
	}
	if err := sh.Cd("d"); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "A=B", "A\x00"} {
		if err := sh.SetEnv(key, "v"); err == nil {
			t.Errorf("SetEnv(%q) succeeded", key)
		}
	}
	if err := sh.SetEnv("REGION", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	got, err := sh.Cmd("echo $(pwd) $REGION").Text(context.Background())
	if want := filepath.Join(dir, "d") + " eu-west-1"; got != want || err != nil {
		t.Errorf("Text() = %q, %v; want %q", got, err, want)
	}
	if _, ok := os.LookupEnv("REGION"); ok {
		t.Error("SetEnv changed the process environment")
	}
}

func TestCmd_DoublePercentIsALiteralPercent(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("printf '%%s|' 100%% %s", "50%").Text(context.Background())
	if err != nil || got != "100%|50%|" {
		t.Errorf("Text() = %q, %v", got, err)
	}
	cmd := dax.Cmd
	if err := cmd("date +%Y").Run(context.Background()); err == nil || !strings.Contains(err.Error(), "write %% for a literal %") {
		t.Errorf("a lone %% gave %v, want a hint to write %%%%", err)
	}
}

func TestShell_ScriptFunctionsTakePrecedenceOverReplacedBuiltins(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	got, err := sh.Cmd(`echo() { printf 'fn:%%s\n' "$1"; }; echo hi`).Text(context.Background())
	if err != nil || got != "fn:hi" {
		t.Errorf("Text() = %q, %v; want the function's output", got, err)
	}
}

func TestCmd_KeepsBashSemanticsWhereDaxDeparts(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	ctx := context.Background()
	// The prefix assignment is for echo's environment, not its arguments.
	if got, _ := sh.Cmd("a=1 echo \"[$a]\"").Text(ctx); got != "[]" {
		t.Errorf("a=1 echo $a printed %q, want []", got)
	}
	// exit without an argument exits with the last command's status.
	if code, _ := sh.Cmd("false; exit").Code(ctx); code != 1 {
		t.Errorf("false; exit: %d, want 1", code)
	}
}

func TestBuiltin_PrintfAndEchoRunConcurrently(t *testing.T) {
	t.Parallel()
	// expand.Format with a nil Config shares one buffer between callers.
	ctx := context.Background()
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			want := strings.Repeat(strconv.Itoa(i), 200)
			for range 20 {
				got, err := dax.Cmd("printf '%%s' %s; echo -e %s", want, "\\t"+want).Text(ctx)
				if err == nil && got != want+"\t"+want {
					err = errors.New("got " + got)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestProcess_WaitWithoutReadingStdoutDoesNotHang(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	p, err := sh.Cmd("echo nobody reads this; exit 3").Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var cerr *dax.CommandError
	if err := p.Wait(); !errors.As(err, &cerr) || cerr.Code != 3 {
		t.Errorf("Wait() = %v, want exit status 3", err)
	}
}

func TestCommandError_WithoutErrDoesNotPanic(t *testing.T) {
	t.Parallel()
	err := &dax.CommandError{Command: "x", Code: -1}
	if got := err.Error(); got != "x: failed to run" {
		t.Errorf("Error() = %q", got)
	}
}
