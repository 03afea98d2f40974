package daxtest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

// fakeT is a test that keeps its failures and cleanups, to check what
// daxtest reports. What it does not override goes to the real test.
type fakeT struct {
	testing.TB
	mu       sync.Mutex
	failures []string
	cleanups []func()
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}

func (f *fakeT) Fatalf(format string, args ...any) { f.Errorf(format, args...) }

func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

// end runs the cleanups, as the end of a test does, and returns the
// failures.
func (f *fakeT) end() []string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failures
}

func TestShell_AnswersExpectedCommandsWithTheirOutputAndStatus(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("git", "rev-parse", "--short", "HEAD").Stdout("abc1234\n")
	sh.Expect("docker", "push", "reg/app:abc1234").Stderr("denied: no access\n").Exit(1)
	rev, err := sh.Cmd("git rev-parse --short HEAD").Text(t.Context())
	if err != nil || rev != "abc1234" {
		t.Fatalf("Text() = %q, %v; want abc1234", rev, err)
	}
	err = sh.Cmd("docker push %s", "reg/app:"+rev).Quiet().Run(t.Context())
	want := "docker push reg/app:abc1234: exit status 1: denied: no access"
	if err == nil || err.Error() != want {
		t.Errorf("Run() = %v, want %s", err, want)
	}
}

func TestShell_FailsAnUnexpectedCommandNamingTheClosestExpectation(t *testing.T) {
	t.Parallel()
	ft := &fakeT{TB: t}
	sh := daxtest.New(ft)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg.example")
	sh.Expect("docker", "push", "reg.example/app:1")
	sh.Expect("aws", "login", "--username", "AWS", "--password-stdin", "reg.example")
	err := sh.Cmd("docker login --username AWS --password-stdin %s", "reg.example").Quiet().Run(t.Context())
	var ce *dax.CommandError
	if !errors.As(err, &ce) || ce.Code != 127 {
		t.Errorf("Run() = %v, want exit status 127, as for a missing program", err)
	}
	want := []string{
		"daxtest: unexpected command: docker login --username AWS --password-stdin reg.example\n" +
			"\tclosest expectation: docker login -u AWS --password-stdin reg.example\n" +
			"\targument 2 is --username, want -u",
		"daxtest: expected command did not run: docker login -u AWS --password-stdin reg.example (ran 0 of 1 times)",
		"daxtest: expected command did not run: docker push reg.example/app:1 (ran 0 of 1 times)",
		"daxtest: expected command did not run: aws login --username AWS --password-stdin reg.example (ran 0 of 1 times)",
	}
	if diff := cmp.Diff(want, ft.end()); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestShell_SaysWhenACommandRanMoreOftenThanExpectedOrReadOtherInput(t *testing.T) {
	t.Parallel()
	ft := &fakeT{TB: t}
	sh := daxtest.New(ft)
	sh.Expect("make", "build").Times(2)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").WantStdin("right")
	for range 3 {
		_ = sh.Cmd("make build").Run(t.Context())
	}
	_ = sh.Cmd("docker login -u AWS --password-stdin reg").StdinSecret("wrong").Quiet().Run(t.Context())
	want := []string{
		"daxtest: unexpected command: make build\n\texpected 2 time(s), and it ran that often already",
		"daxtest: unexpected command: docker login -u AWS --password-stdin reg\n" +
			"\tclosest expectation: docker login -u AWS --password-stdin reg\n" +
			"\tit wants stdin \"right\", the command read ***",
		"daxtest: expected command did not run: docker login -u AWS --password-stdin reg (ran 0 of 1 times)",
	}
	if diff := cmp.Diff(want, ft.end()); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestShell_FailsAtCleanupForAnExpectationThatDidNotRun(t *testing.T) {
	t.Parallel()
	ft := &fakeT{TB: t}
	sh := daxtest.New(ft)
	sh.Expect("docker", "build", "-t", daxtest.AnyArg, ".")
	sh.Expect("docker", "push", "app:1")
	if err := sh.Cmd("docker build -t %s .", "app:1").Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if f := ft.failures; len(f) != 0 {
		t.Fatalf("failures before the test ended: %q", f)
	}
	want := []string{"daxtest: expected command did not run: docker push app:1 (ran 0 of 1 times)"}
	if diff := cmp.Diff(want, ft.end()); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestShell_AnswersBothStagesOfAPipe(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("aws", "ecr", "get-login-password").Stdout("pw")
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").WantStdin("pw").Stdout("Login Succeeded\n")
	out, err := sh.Cmd("aws ecr get-login-password | docker login -u AWS --password-stdin reg").Text(t.Context())
	if err != nil || out != "Login Succeeded" {
		t.Errorf("Text() = %q, %v; want Login Succeeded", out, err)
	}
}

func TestShell_AnswersStartedCommandsOnceTheirInputEnds(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").WantStdin("pw").Stdout("Login Succeeded\n")
	pr, pw := io.Pipe()
	p, err := sh.Cmd("docker login -u AWS --password-stdin reg").Stdin(pr).Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = io.WriteString(pw, "pw")
		_ = pw.Close()
	}()
	out, err := io.ReadAll(p.Stdout())
	if err != nil || string(out) != "Login Succeeded\n" {
		t.Errorf("Stdout() = %q, %v", out, err)
	}
	if err := p.Wait(); err != nil {
		t.Error(err)
	}
}

func TestShell_StopsACommandWaitingForInputWhenCancelled(t *testing.T) {
	t.Parallel()
	ft := &fakeT{TB: t}
	sh := daxtest.New(ft)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").WantStdin("pw")
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(t.Context())
	p, err := sh.Cmd("docker login -u AWS --password-stdin reg").Stdin(pr).Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	var ce *dax.CommandError
	if err := p.Wait(); !errors.As(err, &ce) || !ce.Cancelled() {
		t.Errorf("Wait() = %v, want a cancelled command", err)
	}
	// Stopped before its input ended, it did not run as expected.
	want := []string{"daxtest: expected command did not run: docker login -u AWS --password-stdin reg (ran 0 of 1 times)"}
	if diff := cmp.Diff(want, ft.end()); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestCall_DoRunsInPlaceOfTheCommand(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t, dax.WithDir(t.TempDir()))
	sh.Expect("podman", "push", "--digestfile", daxtest.AnyArg, "app:1").
		Stdout("pushed\n").
		Do(func(_ context.Context, inv dax.Invocation) error {
			return os.WriteFile(inv.Path(inv.Args[3]), []byte("sha256:abc"), 0o644)
		})
	out, err := sh.Cmd("podman push --digestfile digest app:1 && cat digest").Text(t.Context())
	if err != nil || out != "pushed\nsha256:abc" {
		t.Errorf("Text() = %q, %v; want the output, then the file Do wrote", out, err)
	}
}

func TestShell_LookPathFindsTheProgramsItExpects(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t, dax.WithEnv(map[string]string{"PATH": t.TempDir()}))
	sh.Expect("docker", "version")
	got := map[string]string{}
	for _, name := range []string{"docker", "podman"} {
		path, err := sh.LookPath(name)
		if err != nil {
			path = "error: " + err.Error()
		}
		got[name] = path
	}
	want := map[string]string{
		"docker": "docker",
		"podman": `error: look path podman: "podman": executable file not found in $PATH`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LookPath (-want +got):\n%s", diff)
	}
	if err := sh.Cmd("docker version").Run(t.Context()); err != nil {
		t.Error(err)
	}
}
