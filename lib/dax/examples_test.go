package dax_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

func ExampleCmd() {
	ctx := context.Background()
	name := "it's a $(test)"
	// The format is code; name is data, quoted as one word.
	if err := dax.Cmd("echo hello %s | tr a-z A-Z", name).Run(ctx); err != nil {
		fmt.Println(err)
	}
	// Output: HELLO IT'S A $(TEST)
}

func ExampleCmd_stringSlice() {
	files := []string{"a file.txt", "b.txt"}
	fmt.Println(dax.Cmd("git add -- %s", files))
	// Output: git add -- 'a file.txt' b.txt
}

func ExampleRaw() {
	flags := dax.Raw("-l -a")
	fmt.Println(dax.Cmd("ls %s %s", flags, "my dir"))
	// Output: ls -l -a 'my dir'
}

func ExampleSecret() {
	ctx := context.Background()
	pw := dax.Secret("hunter2")
	cmd := dax.Cmd("printf '%%s\\n' %s", pw)
	fmt.Println(cmd)              // printed: the secret as ***
	_ = cmd.Run(ctx)              // run: the real value
	fmt.Printf("%v %q\n", pw, pw) // fmt never shows it
	// Output:
	// printf '%s\n' ***
	// hunter2
	// *** ***
}

func ExampleSecret_String() {
	fmt.Println(dax.Secret("hunter2").String())
	// Output: ***
}

func ExampleSecret_GoString() {
	fmt.Println(dax.Secret("hunter2").GoString())
	// Output: ***
}

func ExampleSecret_Format() {
	fmt.Printf("%s %x %10d\n", dax.Secret("a"), dax.Secret("b"), dax.Secret("c"))
	// Output: *** *** ***
}

func ExampleNew() {
	sh, err := dax.New(
		dax.WithEnv(map[string]string{"STAGE": "prod", "PATH": os.Getenv("PATH")}),
		dax.WithDir(os.TempDir()),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := sh.Cmd("echo deploying to $STAGE").Text(context.Background())
	fmt.Println(out, err)
	// Output: deploying to prod <nil>
}

func ExampleShell_Cmd() {
	sh, err := dax.New(dax.WithEnv(map[string]string{"GREETING": "hi"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := sh.Cmd("echo $GREETING %s", "there").Text(context.Background())
	fmt.Println(out)
	// Output: hi there
}

func ExampleWithEnv() {
	sh, _ := dax.New(dax.WithEnv(map[string]string{"ONLY": "this"}))
	out, _ := sh.Cmd("printenv").Text(context.Background())
	fmt.Println(out)
	// Output: ONLY=this
}

func ExampleWithDir() {
	sh, err := dax.New(dax.WithDir("/"))
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := sh.Cmd("pwd").Text(context.Background())
	fmt.Println(out)
	_, err = dax.New(dax.WithDir("/no/such/dir"))
	fmt.Println(err != nil)
	// Output:
	// /
	// true
}

func ExampleWithStdin() {
	sh, _ := dax.New(dax.WithStdin(strings.NewReader("from the shell's stdin\n")))
	_ = sh.Cmd("cat").Run(context.Background())
	// Output: from the shell's stdin
}

func ExampleWithStdout() {
	var buf strings.Builder
	sh, _ := dax.New(dax.WithStdout(&buf))
	_ = sh.Cmd("echo captured").Run(context.Background())
	fmt.Printf("%q\n", buf.String())
	// Output: "captured\n"
}

func ExampleWithStderr() {
	sh, _ := dax.New(dax.WithStderr(os.Stdout))
	_ = sh.Cmd("echo to stderr >&2").Run(context.Background())
	// Output: to stderr
}

func ExampleWithLogger() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	_ = sh.Cmd("true %s", "x y").PrintCommand().Run(context.Background())
	// Output: $ true 'x y'
}

func ExampleWithKillGrace() {
	sh, _ := dax.New(dax.WithKillGrace(100 * time.Millisecond))
	err := sh.Cmd("sleep 10").Timeout(10 * time.Millisecond).Run(context.Background())
	fmt.Println(err)
	// Output: sleep 10: timed out after 10ms
}

func ExampleWithoutProcessGroups() {
	sh, _ := dax.New(dax.WithoutProcessGroups())
	out, _ := sh.Cmd("echo same group").Text(context.Background())
	fmt.Println(out)
	// Output: same group
}

func ExampleCommand_String() {
	cmd := dax.Cmd("docker login -u AWS -p %s %s", dax.Secret("token"), "registry:5000")
	fmt.Println(cmd.String())
	// Output: docker login -u AWS -p *** registry:5000
}

func ExampleCommand_Env() {
	out, _ := dax.Cmd("echo $REGION").Env("REGION", "eu-west-1").Text(context.Background())
	fmt.Println(out)
	// Output: eu-west-1
}

func ExampleCommand_ReplaceEnv() {
	out, _ := dax.Cmd("printenv").ReplaceEnv(map[string]string{"A": "1"}).Text(context.Background())
	fmt.Println(out)
	// Output: A=1
}

func ExampleCommand_Dir() {
	out, _ := dax.Cmd("pwd").Dir("/").Text(context.Background())
	fmt.Println(out)
	// Output: /
}

func ExampleCommand_Stdin() {
	_ = dax.Cmd("tr a-z A-Z").Stdin(strings.NewReader("shout\n")).Run(context.Background())
	// Output: SHOUT
}

func ExampleCommand_StdinString() {
	out, _ := dax.Cmd("wc -l").StdinString("a\nb\nc\n").Text(context.Background())
	fmt.Println(strings.TrimSpace(out))
	// Output: 3
}

func ExampleCommand_StdinSecret() {
	// As for `docker login --password-stdin`: the password is never in argv.
	cmd := dax.Cmd("wc -c").StdinSecret(dax.Secret("hunter2"))
	out, _ := cmd.Text(context.Background())
	fmt.Println(cmd, strings.TrimSpace(out))
	// Output: wc -c 7
}

func ExampleCommand_StdinFile() {
	dir, _ := os.MkdirTemp("", "dax-example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "names.txt"), []byte("b\na\n"), 0o600)
	_ = dax.Cmd("sort").Dir(dir).StdinFile("names.txt").Run(context.Background())
	// Output:
	// a
	// b
}

func ExampleCommand_Stdout() {
	var buf strings.Builder
	_ = dax.Cmd("echo into a buffer").Stdout(&buf).Run(context.Background())
	fmt.Printf("%q\n", buf.String())
	// Output: "into a buffer\n"
}

func ExampleCommand_Stderr() {
	_ = dax.Cmd("echo oops >&2").Stderr(os.Stdout).Run(context.Background())
	// Output: oops
}

func ExampleCommand_Quiet() {
	err := dax.Cmd("echo noise; echo 'it broke' >&2; exit 1").Quiet().Run(context.Background())
	fmt.Println(err)
	// Output: echo noise; echo 'it broke' >&2; exit 1: exit status 1: it broke
}

func ExampleCommand_PrintCommand() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	_ = sh.Cmd("echo %s", dax.Secret("token")).PrintCommand().Run(context.Background())
	// Output:
	// $ echo ***
	// token
}

func ExampleCommand_Timeout() {
	err := dax.Cmd("sleep 10").Timeout(20 * time.Millisecond).Run(context.Background())
	var cerr *dax.CommandError
	fmt.Println(errors.As(err, &cerr) && cerr.TimedOut(), cerr.Code, err)
	// Output: true 124 sleep 10: timed out after 20ms
}

func ExampleCommand_NoThrow() {
	ctx := context.Background()
	fmt.Println(dax.Cmd("grep -q needle").StdinString("haystack").NoThrow(1).Run(ctx))
	fmt.Println(dax.Cmd("exit 2").NoThrow(1).Run(ctx))
	// Output:
	// <nil>
	// exit 2: exit status 2
}

func ExampleCommand_Combined() {
	out, _ := dax.Cmd("echo out; echo err >&2").Combined().Text(context.Background())
	fmt.Println(out)
	// Output:
	// out
	// err
}

func ExampleCommand_Run() {
	err := dax.Cmd("echo building %s && false", "app").Run(context.Background())
	fmt.Println(err)
	// Output:
	// building app
	// echo building app && false: exit status 1
}

func ExampleCommand_Text() {
	out, err := dax.Cmd("echo %s", "v1.2.3").Text(context.Background())
	fmt.Printf("%q %v\n", out, err)
	// Output: "v1.2.3" <nil>
}

func ExampleCommand_Lines() {
	lines, _ := dax.Cmd("printf 'a\\nb\\n'").Lines(context.Background())
	fmt.Printf("%q\n", lines)
	// Output: ["a" "b"]
}

func ExampleCommand_Bytes() {
	b, _ := dax.Cmd("printf 'raw\\n\\n'").Bytes(context.Background())
	fmt.Printf("%q\n", b)
	// Output: "raw\n\n"
}

func ExampleCommand_JSON() {
	var image struct {
		Repository string `json:"repository"`
		Tags       []string
	}
	err := dax.Cmd("echo %s", `{"repository":"app","Tags":["1","latest"]}`).JSON(context.Background(), &image)
	fmt.Println(image.Repository, image.Tags, err)
	// Output: app [1 latest] <nil>
}

func ExampleCommand_Code() {
	code, err := dax.Cmd("test -e /no/such/file").Code(context.Background())
	fmt.Println(code, err)
	// Output: 1 <nil>
}

func ExampleCommandError() {
	err := dax.Cmd("echo 'denied: access' >&2; exit 3").Quiet().Run(context.Background())
	var cerr *dax.CommandError
	if errors.As(err, &cerr) {
		fmt.Printf("command: %s\ncode: %d\nstderr: %q\n", cerr.Command, cerr.Code, cerr.Stderr)
	}
	// Output:
	// command: echo 'denied: access' >&2; exit 3
	// code: 3
	// stderr: "denied: access\n"
}

func ExampleCommandError_Error() {
	err := dax.Cmd("echo 'denied: requested access to the resource is denied' >&2; exit 1").Quiet().Run(context.Background())
	fmt.Println(err.Error())
	// Output: echo 'denied: requested access to the resource is denied' >&2; exit 1: exit status 1: denied: requested access to the resource is denied
}

func ExampleCommandError_Unwrap() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := dax.Cmd("sleep 1").Run(ctx)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output: true
}

func ExampleCommandError_ExitStatus() {
	err := dax.Cmd("exit 42").Run(context.Background())
	var withStatus interface{ ExitStatus() int }
	if errors.As(err, &withStatus) {
		fmt.Println(withStatus.ExitStatus())
	}
	// Output: 42
}

func ExampleRegister() {
	err := dax.Register("greet", func(ctx context.Context, inv dax.Invocation) error {
		_, err := fmt.Fprintf(inv.Stdout, "hello, %s\n", strings.Join(inv.Args[1:], " "))
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = dax.Cmd("greet %s | tr a-z A-Z", "world").Run(context.Background())
	// Output: HELLO, WORLD
}

func ExampleExitCode() {
	_ = dax.Register("is-even", func(ctx context.Context, inv dax.Invocation) error {
		if len(inv.Args[1])%2 == 0 {
			return nil
		}
		return dax.ExitCode(1)
	})
	code, _ := dax.Cmd("is-even abc").Code(context.Background())
	fmt.Println(code)
	// Output: 1
}

func ExampleInvocation_Path() {
	inv := dax.Invocation{Dir: "/work"}
	fmt.Println(inv.Path("file.txt"), inv.Path("/etc/hosts"))
	// Output: /work/file.txt /etc/hosts
}

// stderrToStdout shows the package-level log lines as example output;
// scripts leave os.Stderr alone.
func stderrToStdout() (restore func()) {
	saved := os.Stderr
	os.Stderr = os.Stdout
	return func() { os.Stderr = saved }
}

func ExampleStep() {
	defer stderrToStdout()()
	dax.Step("Pushing %s", "app:1")
	// Output: ==> Pushing app:1
}

func ExampleInfo() {
	defer stderrToStdout()()
	dax.Info("logged in to %s as %s, password %s", "registry", "AWS", dax.Secret("pw"))
	// Output: info: logged in to registry as AWS, password ***
}

func ExampleWarn() {
	defer stderrToStdout()()
	dax.Warn("token expires in %d minutes", 5)
	// Output: warn: token expires in 5 minutes
}

func ExampleError() {
	defer stderrToStdout()()
	dax.Error("deploy failed: %v", errors.New("service unstable"))
	// Output: error: deploy failed: service unstable
}

func ExampleShell_Step() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	sh.Step("Building")
	// Output: ==> Building
}

func ExampleShell_Info() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	sh.Info("cache hit")
	// Output: info: cache hit
}

func ExampleShell_Warn() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	sh.Warn("slow registry")
	// Output: warn: slow registry
}

func ExampleShell_Error() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	sh.Error("push failed")
	// Output: error: push failed
}

func ExampleWhich() {
	path, err := dax.Which("sh")
	fmt.Println(filepath.IsAbs(path), err)
	_, err = dax.Which("no-such-program")
	fmt.Println(err != nil)
	// Output:
	// true <nil>
	// true
}

func ExampleCommandExists() {
	fmt.Println(dax.CommandExists("sh"), dax.CommandExists("no-such-program"))
	// Output: true false
}

func ExampleRetry() {
	tries := 0
	err := dax.Retry(context.Background(), 5, time.Millisecond, func(ctx context.Context) error {
		tries++
		return dax.Cmd("test %d -ge 3", tries).Run(ctx)
	})
	fmt.Println(tries, err)
	// Output: 3 <nil>
}

func ExampleSleep() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println(dax.Sleep(ctx, time.Hour))
	// Output: context deadline exceeded
}

func ExampleDedent() {
	script := dax.Dedent(`
		set -e
		if true; then
		  echo indented
		fi
	`)
	fmt.Print(script)
	_ = dax.Cmd("%s", dax.Raw(script)).Run(context.Background())
	// Output:
	// set -e
	// if true; then
	//   echo indented
	// fi
	// indented
}

func ExampleWithPrintCommands() {
	sh, _ := dax.New(dax.WithPrintCommands(), dax.WithLogger(os.Stdout))
	ctx := context.Background()
	_ = sh.Cmd("echo %s", dax.Secret("token")).Run(ctx)
	name, _ := sh.Cmd("echo %s", "app").Text(ctx)
	fmt.Println(name)
	// Output:
	// $ echo ***
	// token
	// $ echo app
	// app
}

func ExampleWithQuiet() {
	sh, _ := dax.New(dax.WithQuiet())
	ctx := context.Background()
	_ = sh.Cmd("echo noise").Run(ctx)
	err := sh.Cmd("echo 'it broke' >&2; exit 1").Run(ctx)
	fmt.Println(err)
	// Output: echo 'it broke' >&2; exit 1: exit status 1: it broke
}

func ExampleBuiltins() {
	fmt.Println(slices.Contains(dax.Builtins(), "echo"), slices.Contains(dax.Builtins(), "docker"))
	// Output: true false
}
