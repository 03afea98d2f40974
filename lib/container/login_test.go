package container_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
)

const password = "s3cr3t-p4ss:word"

// fakeCLI writes a program that records its arguments, environment and
// standard input in dir, then runs body (shell code).
func fakeCLI(t *testing.T, body string) (container.CLI, string) {
	t.Helper()
	dir := t.TempDir()
	prog := filepath.Join(dir, "docker")
	script := "#!/bin/sh\n" +
		"printf '%s\\n' \"$@\" > " + dir + "/args\n" +
		"env > " + dir + "/env\n" +
		"cat > " + dir + "/stdin\n" +
		body + "\n"
	if err := os.WriteFile(prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return container.CLI{Name: prog}, dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLogin_PassesThePasswordOnStandardInputOnly(t *testing.T) {
	t.Parallel()
	cli, dir := fakeCLI(t, `echo "Login Succeeded"`)
	if err := cli.Login(context.Background(), host, "AWS", dax.Secret(password)); err != nil {
		t.Fatal(err)
	}
	wantArgs := "login\n--username\nAWS\n--password-stdin\n" + host + "\n"
	if diff := cmp.Diff(wantArgs, read(t, dir+"/args")); diff != "" {
		t.Errorf("argv (-want +got):\n%s", diff)
	}
	if got := read(t, dir+"/stdin"); got != password {
		t.Errorf("stdin = %q, want the password alone", got)
	}
	if strings.Contains(read(t, dir+"/env"), password) {
		t.Error("the password is in the CLI's environment")
	}
}

func TestLogin_RedactsThePasswordWhenTheRegistryRefusesIt(t *testing.T) {
	t.Parallel()
	// A CLI that echoes what it read: the worst case for leaking.
	cli, _ := fakeCLI(t, `echo "Error response from daemon: login attempt to http://`+host+`/v2/ failed with status: 401 Unauthorized (password $(cat `+"`dirname $0`"+`/stdin))" >&2; exit 1`)
	err := cli.Login(context.Background(), host, "AWS", dax.Secret(password))
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
	cli := container.CLI{Name: filepath.Join(t.TempDir(), "nerdctl")}
	err := cli.Login(context.Background(), host, "AWS", dax.Secret(password))
	if err == nil || !strings.Contains(err.Error(), "not found on PATH") {
		t.Errorf("err = %v, want one saying the CLI is not on PATH", err)
	}
}

func TestStartLogin_AbortStopsTheToolWithoutAPassword(t *testing.T) {
	t.Parallel()
	cli, dir := fakeCLI(t, `echo "Login Succeeded"`)
	p, err := cli.StartLogin(context.Background(), host, "AWS")
	if err != nil {
		t.Fatal(err)
	}
	p.Abort()
	if b, err := os.ReadFile(dir + "/stdin"); err == nil && len(b) != 0 {
		t.Errorf("the aborted tool read %q", b)
	}
}

func TestFinish_ReturnsWhenTheToolExitsWithoutReadingThePassword(t *testing.T) {
	t.Parallel()
	prog := filepath.Join(t.TempDir(), "docker")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\necho 'cannot connect' >&2\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	p, err := container.CLI{Name: prog}.StartLogin(context.Background(), host, "AWS")
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
	cli, _ := fakeCLI(t, `echo never`)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	// The fake reads stdin to its end first: without a password it hangs
	// until the context is done.
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
