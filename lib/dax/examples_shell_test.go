package dax_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"

	"github.com/godax/godax/lib/dax"
)

func ExampleCmd_percent() {
	// %% is a literal %, as in fmt; go vet reports a lone % that is not a hole.
	out, _ := dax.Cmd("date -u -d @0 +%%Y-%%m-%%d").Text(context.Background())
	fmt.Println(out)
	// Output: 1970-01-01
}

func ExampleWithShellOption() {
	dir, _ := os.MkdirTemp("", "dax-example")
	defer os.RemoveAll(dir)
	_ = os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "a", "b", "deep.txt"), nil, 0o644)
	ctx := context.Background()
	// globstar is on by default: ** matches directories recursively.
	sh, _ := dax.New(dax.WithDir(dir))
	out, _ := sh.Cmd("echo **/*.txt").Text(ctx)
	fmt.Println(out)
	// nullglob: a glob matching nothing expands to nothing.
	sh, _ = dax.New(dax.WithDir(dir), dax.WithShellOption("nullglob", true))
	out, _ = sh.Cmd("echo none*.txt end").Text(ctx)
	fmt.Println(out)
	// Output:
	// a/b/deep.txt
	// end
}

func ExampleWithCommand() {
	sh, err := dax.New(
		dax.WithCommand("deploy-to", func(ctx context.Context, inv dax.Invocation) error {
			_, err := fmt.Fprintf(inv.Stdout, "deploying to %s\n", inv.Args[1])
			return err
		}),
		// Any builtin can be replaced, the shell's own included.
		dax.WithCommand("true", func(context.Context, dax.Invocation) error { return dax.ExitCode(3) }),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = sh.Cmd("deploy-to %s", "prod").Run(context.Background())
	code, _ := sh.Cmd("true").Code(context.Background())
	fmt.Println(code)
	// Output:
	// deploying to prod
	// 3
}

func ExampleWithExecHandlers() {
	// A dry run: print every command instead of running it.
	dryRun := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			fmt.Fprintf(interp.HandlerCtx(ctx).Stdout, "would run: %q\n", args)
			return nil
		}
	}
	sh, _ := dax.New(dax.WithExecHandlers(dryRun))
	_ = sh.Cmd("docker push %s && rm -rf %s", "app:1", "build").Run(context.Background())
	// Output:
	// would run: ["docker" "push" "app:1"]
	// would run: ["rm" "-rf" "build"]
}

func ExampleWithLookPath() {
	// A Shell that fakes docker says that it has one.
	fakeDocker := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			if args[0] != "docker" {
				return next(ctx, args)
			}
			_, err := fmt.Fprintln(interp.HandlerCtx(ctx).Stdout, "Docker version 99.0 (fake)")
			return err
		}
	}
	sh, _ := dax.New(
		dax.WithExecHandlers(fakeDocker),
		dax.WithLookPath(func(name string) (string, bool) { return name, name == "docker" }),
	)
	path, err := sh.LookPath("docker")
	fmt.Println(path, err)
	out, _ := sh.Cmd("docker --version").Text(context.Background())
	fmt.Println(out)
	// Output:
	// docker <nil>
	// Docker version 99.0 (fake)
}

func ExampleShell_LookPath() {
	sh, _ := dax.New(
		dax.WithEnv(map[string]string{"PATH": "/bin:/usr/bin"}),
		dax.WithCommand("deploy-to", func(context.Context, dax.Invocation) error { return nil }),
	)
	path, err := sh.LookPath("sh")
	fmt.Println(filepath.IsAbs(path), filepath.Base(path), err)
	fmt.Println(sh.LookPath("deploy-to"))
	fmt.Println(sh.LookPath("no-such-program"))
	// Output:
	// true sh <nil>
	// deploy-to <nil>
	//  look path no-such-program: "no-such-program": executable file not found in $PATH
}

func ExampleShell_Cd() {
	sh, _ := dax.New()
	if err := sh.Cd("/"); err != nil {
		fmt.Println(err)
		return
	}
	out, _ := sh.Cmd("pwd").Text(context.Background())
	fmt.Println(out)
	fmt.Println(sh.Cd("/no/such/dir") != nil)
	// Output:
	// /
	// true
}

func ExampleShell_SetEnv() {
	sh, _ := dax.New()
	_ = sh.SetEnv("STAGE", "prod")
	out, _ := sh.Cmd("echo $STAGE").Text(context.Background())
	fmt.Println(out)
	// Output: prod
}

func ExampleCommand_ExportEnv() {
	sh, _ := dax.New()
	ctx := context.Background()
	_ = sh.Cmd("cd / && export STAGE=prod").ExportEnv().Run(ctx)
	out, _ := sh.Cmd("echo $(pwd) $STAGE").Text(ctx)
	fmt.Println(out)
	// Output: / prod
}

func ExampleCommand_ShellOption() {
	ctx := context.Background()
	code, _ := dax.Cmd("false | true").Code(ctx)
	fmt.Println(code)
	code, _ = dax.Cmd("false | true").ShellOption("pipefail", true).Code(ctx)
	fmt.Println(code)
	// Output:
	// 0
	// 1
}

func ExampleCommand_CancelSignal() {
	ctx, cancel := context.WithCancel(context.Background())
	// The program cleans up on SIGINT, as on Ctrl-C.
	p, _ := dax.Cmd("sh -c %s", `trap 'echo cleaned up; exit 0' INT; echo ready; while :; do sleep 0.01; done`).
		CancelSignal(os.Interrupt).Start(ctx)
	lines := bufio.NewScanner(p.Stdout())
	lines.Scan() // ready: the trap is set
	cancel()
	lines.Scan()
	fmt.Println(lines.Text())
	var cerr *dax.CommandError
	fmt.Println(errors.As(p.Wait(), &cerr) && cerr.Cancelled(), cerr.Code)
	// Output:
	// cleaned up
	// true 124
}

func ExampleCommand_Output() {
	res, err := dax.Cmd("echo out; echo err >&2; exit 3").NoThrow().Output(context.Background())
	fmt.Printf("%q %q %d %v\n", res.Stdout, res.Stderr, res.Code, err)
	// Output: "out\n" "err\n" 3 <nil>
}

func ExampleResult() {
	res, _ := dax.Cmd("echo 1.2.3").Output(context.Background())
	fmt.Println(strings.TrimSpace(res.Stdout), res.Code)
	// Output: 1.2.3 0
}

func ExampleCommand_Start() {
	p, err := dax.Cmd("echo started; sleep 0.01; echo done").Start(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := io.ReadAll(p.Stdout())
	fmt.Print(string(out))
	fmt.Println(p.Wait())
	// Output:
	// started
	// done
	// <nil>
}

func ExampleProcess() {
	p, _ := dax.Cmd("exit 2").Start(context.Background())
	fmt.Println(p.Wait(), p.ExitCode())
	// Output: exit 2: exit status 2 2
}

func ExampleProcess_Stdout() {
	p, _ := dax.Cmd("printf 'a\\nb\\n'").Start(context.Background())
	lines := bufio.NewScanner(p.Stdout())
	for lines.Scan() {
		fmt.Println("line:", lines.Text())
	}
	_ = p.Wait()
	// Output:
	// line: a
	// line: b
}

func ExampleProcess_Wait() {
	p, _ := dax.Cmd("exit 1").Quiet().Start(context.Background())
	err := p.Wait()
	var cerr *dax.CommandError
	fmt.Println(errors.As(err, &cerr), cerr.Code)
	// Output: true 1
}

func ExampleProcess_ExitCode() {
	p, _ := dax.Cmd("exit 4").NoThrow().Start(context.Background())
	fmt.Println(p.ExitCode(), p.Wait())
	// Output: 4 <nil>
}

func ExampleProcess_Pid() {
	p, _ := dax.Cmd("sh -c 'echo $$'").Start(context.Background())
	out, _ := io.ReadAll(p.Stdout())
	fmt.Println(strings.TrimSpace(string(out)) == fmt.Sprint(p.Pid()))
	_ = p.Wait()
	// Output: true
}

func ExampleProcess_Signal() {
	p, _ := dax.Cmd("sh -c %s", `trap 'echo reloading; exit 0' HUP; echo ready; while :; do sleep 0.01; done`).Start(context.Background())
	lines := bufio.NewScanner(p.Stdout())
	lines.Scan()
	fmt.Println(lines.Text())
	_ = p.Signal(syscall.SIGHUP)
	lines.Scan()
	fmt.Println(lines.Text())
	fmt.Println(p.Wait())
	// Output:
	// ready
	// reloading
	// <nil>
}

func ExampleProcess_Kill() {
	p, _ := dax.Cmd("sleep 10").Start(context.Background())
	p.Kill()
	err := p.Wait()
	fmt.Println(errors.Is(err, dax.ErrKilled), p.ExitCode())
	// Output: true 124
}

func ExampleErrKilled() {
	p, _ := dax.Cmd("sleep 10").Start(context.Background())
	p.Kill()
	fmt.Println(p.Wait())
	// Output: sleep 10: killed
}

func ExampleCommandError_TimedOut() {
	err := dax.Cmd("sleep 10").Timeout(10 * time.Millisecond).Run(context.Background())
	var cerr *dax.CommandError
	if errors.As(err, &cerr) {
		fmt.Println(cerr.TimedOut(), cerr.Cancelled(), cerr.Code)
	}
	// Output: true false 124
}

func ExampleCommandError_Cancelled() {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	err := dax.Cmd("sleep 10").Run(ctx)
	var cerr *dax.CommandError
	if errors.As(err, &cerr) {
		fmt.Println(cerr.TimedOut(), cerr.Cancelled(), cerr.ExitStatus())
	}
	// Output: false true 124
}

func ExampleCommand_Dir_relative() {
	sh, _ := dax.New(dax.WithDir("/"))
	cmd := sh.Cmd("pwd").Dir("tmp") // fixed now: /tmp
	_ = sh.Cd("/usr")
	out, _ := cmd.Text(context.Background())
	fmt.Println(out)
	// Output: /tmp
}

func ExampleCommand_Stdin_once() {
	cmd := dax.Cmd("cat").Stdin(strings.NewReader("read once\n"))
	_ = cmd.Run(context.Background())
	fmt.Println(cmd.Run(context.Background()))
	// Output:
	// read once
	// cat: stdin: the reader given to Stdin was read by an earlier run; use StdinString or StdinFile for a command that runs more than once
}

func ExampleCmd_ambiguousRedirect() {
	dir, _ := os.MkdirTemp("", "dax-example")
	defer os.RemoveAll(dir)
	sh, _ := dax.New(dax.WithDir(dir), dax.WithStderr(os.Stdout))
	code, _ := sh.Cmd(`out="a b"; echo x > $out`).Code(context.Background())
	fmt.Println(code)
	// Output:
	// redirect $out: ambiguous redirect
	// 1
}

func ExampleCommandError_stdout() {
	_, err := dax.Cmd("echo checking; echo 'no such tag' ; exit 1").Text(context.Background())
	fmt.Println(err)
	// Output: echo checking; echo 'no such tag' ; exit 1: exit status 1; stdout: no such tag
}
