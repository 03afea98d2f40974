package container_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

const password = "s3cr3t-p4ss:word"

// fakeDocker returns a docker CLI whose commands a new daxtest Shell
// answers, and that Shell, to set what the commands expect.
func fakeDocker(t *testing.T) (container.CLI, *daxtest.Shell) {
	t.Helper()
	sh := daxtest.New(t)
	return container.CLI{Name: "docker", Shell: sh.Shell}, sh
}

// expectLogin expects the one login command Login runs: the password is
// not among its arguments.
func expectLogin(sh *daxtest.Shell) *daxtest.Call {
	return sh.Expect("docker", "login", "--username", "AWS", "--password-stdin", host)
}

func TestLogin_PassesThePasswordOnStandardInputOnly(t *testing.T) {
	t.Parallel()
	cli, sh := fakeDocker(t)
	expectLogin(sh).WantStdin(password).Stdout("Login Succeeded\n").
		Do(func(_ context.Context, inv dax.Invocation) error {
			if strings.Contains(strings.Join(inv.Environ(), "\n"), password) {
				t.Error("the password is in the CLI's environment")
			}
			return nil
		})
	if err := cli.Login(t.Context(), host, "AWS", dax.Secret(password)); err != nil {
		t.Fatal(err)
	}
}

func TestLogin_RedactsThePasswordWhenTheRegistryRefusesIt(t *testing.T) {
	t.Parallel()
	cli, sh := fakeDocker(t)
	// A CLI that echoes what it read: the worst case for leaking.
	expectLogin(sh).WantStdin(password).
		Stderr("Error response from daemon: login attempt to http://" + host + "/v2/ failed with status: 401 Unauthorized (password " + password + ")\n").
		Exit(1)
	err := cli.Login(t.Context(), host, "AWS", dax.Secret(password))
	var le *container.LoginError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LoginError", err)
	}
	if !le.Refused || le.Code != 1 {
		t.Errorf("Refused = %v, Code = %d; want true, 1", le.Refused, le.Code)
	}
	msg := err.Error()
	if strings.Contains(msg, password) || strings.Contains(le.Output, password) {
		t.Errorf("error shows the password: %q", msg)
	}
	for _, want := range []string{"login " + host, "refused the password", "401 Unauthorized", "***"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestLogin_SaysWhenTheCLIIsMissing(t *testing.T) {
	t.Parallel()
	// The Shell runs nothing: it expects no command, and its PATH is empty.
	sh := daxtest.New(t, dax.WithEnv(map[string]string{"PATH": t.TempDir()}))
	for _, cli := range []container.CLI{
		{Name: filepath.Join(t.TempDir(), "nerdctl")},
		{Name: "docker", Shell: sh.Shell}, // docker may be on the process's PATH, not on the Shell's
	} {
		err := cli.Login(t.Context(), host, "AWS", dax.Secret(password))
		if err == nil || !strings.Contains(err.Error(), "not found on PATH") {
			t.Errorf("%s (Shell %v): err = %v, want one saying the CLI is not on PATH", cli.Name, cli.Shell != nil, err)
		}
	}
}

func TestStartLogin_AbortStopsTheToolWithoutAPassword(t *testing.T) {
	t.Parallel()
	cli, sh := fakeDocker(t)
	started := make(chan struct{})
	read := make(chan string, 1)
	expectLogin(sh).Stdout("Login Succeeded\n").Do(func(_ context.Context, inv dax.Invocation) error {
		close(started)
		b, _ := io.ReadAll(inv.Stdin) // ends when the login stops
		read <- string(b)
		return nil
	})
	p, err := cli.StartLogin(t.Context(), host, "AWS")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	p.Abort()
	select {
	case got := <-read:
		if got != "" {
			t.Errorf("the aborted tool read %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the aborted tool still waits for its input")
	}
}

func TestFinish_ReturnsWhenTheToolExitsWithoutReadingThePassword(t *testing.T) {
	t.Parallel()
	cli, sh := fakeDocker(t)
	expectLogin(sh).Stderr("cannot connect\n").Exit(3)
	p, err := cli.StartLogin(t.Context(), host, "AWS")
	if err != nil {
		t.Fatal(err)
	}
	err = p.Finish(dax.Secret(strings.Repeat("x", 1<<20))) // more than a pipe buffer
	var le *container.LoginError
	if !errors.As(err, &le) || le.Code != 3 || le.Output != "cannot connect" {
		t.Errorf("err = %#v, want exit 3 with the tool's message", err)
	}
}

func TestStartLogin_TimesOutWithCode124(t *testing.T) {
	t.Parallel()
	cli, sh := fakeDocker(t)
	// A tool that hangs until it is stopped.
	expectLogin(sh).Do(func(ctx context.Context, _ dax.Invocation) error {
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	p, err := cli.StartLogin(ctx, host, "AWS")
	if err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	err = p.Finish(dax.Secret(password))
	var le *container.LoginError
	if !errors.As(err, &le) || le.Code != 124 || strings.Contains(err.Error(), password) {
		t.Errorf("Finish() = %v, want a LoginError with code 124", err)
	}
	if le == nil || !le.TimedOut || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Finish() = %v, want it to say the login timed out: the context's deadline is the login's", err)
	}
}
