package daxtest_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

// exampleT stands for the *testing.T of a test: it prints its failures,
// and end runs its cleanups as the end of the test would.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (*exampleT) Helper()                           {}
func (*exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
}
func (t *exampleT) Cleanup(fn func()) { t.cleanups = append(t.cleanups, fn) }
func (t *exampleT) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

func ExampleShell_Expect() {
	t := &exampleT{} // in a test: the test's t
	defer t.end()
	sh := daxtest.New(t, dax.WithStdout(os.Stdout))
	sh.Expect("git", "rev-parse", "--short", "HEAD").Stdout("abc1234\n")
	sh.Expect("docker", "push", "reg/app:abc1234").Stderr("denied\n").Exit(1)

	// The code under test gets sh.Shell, a *dax.Shell.
	ctx := context.Background()
	rev, _ := sh.Cmd("git rev-parse --short HEAD").Text(ctx)
	err := sh.Cmd("docker push %s", "reg/app:"+rev).Quiet().Run(ctx)
	fmt.Println(err)
	// Output:
	// docker push reg/app:abc1234: exit status 1: denied
}

func ExampleNew_unexpectedCommand() {
	t := &exampleT{}
	sh := daxtest.New(t)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg")
	_ = sh.Cmd("docker login --username AWS --password-stdin reg").Quiet().Run(context.Background())
	t.end()
	// Output:
	// FAIL: daxtest: unexpected command: docker login --username AWS --password-stdin reg
	// 	closest expectation: docker login -u AWS --password-stdin reg
	// 	argument 2 is --username, want -u
	// FAIL: daxtest: expected command did not run: docker login -u AWS --password-stdin reg (ran 0 of 1 times)
}

func ExampleCall_WantStdin() {
	t := &exampleT{}
	defer t.end()
	sh := daxtest.New(t)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").
		WantStdin("hunter2").Stdout("Login Succeeded\n")
	out, err := sh.Cmd("docker login -u AWS --password-stdin %s", "reg").
		StdinSecret("hunter2").Text(context.Background())
	fmt.Println(out, err)
	// Output:
	// Login Succeeded <nil>
}

func ExampleCall_Do() {
	t := &exampleT{}
	defer t.end()
	sh := daxtest.New(t)
	sh.Expect("tr", "a-z", "A-Z").Do(func(_ context.Context, inv dax.Invocation) error {
		b := make([]byte, 64)
		n, _ := inv.Stdin.Read(b)
		_, err := fmt.Fprintf(inv.Stdout, "%s", b[:n]) // a real tr would upper-case it
		return err
	})
	out, _ := sh.Cmd("echo hello | tr a-z A-Z").Text(context.Background())
	fmt.Println(out)
	// Output:
	// hello
}

func ExampleShell_Golden() {
	t := &exampleT{}
	sh := daxtest.New(t)
	sh.Expect("docker", "push", "reg/app:1")
	sh.Golden("testdata/push.golden")
	_ = sh.Cmd("docker push reg/app:1").Quiet().Run(context.Background())
	t.end() // compares, or with -update writes
	b, _ := os.ReadFile("testdata/push.golden")
	fmt.Print(string(b))
	// Output:
	// $ docker push reg/app:1  # exit 0
}
