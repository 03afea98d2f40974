package daxtest_test

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

// credentials stand for an assumed role's keys.
type credentials struct{ keyID, secret string }

// login is a script as a user writes it: assume a role, get a registry
// token, decode "AWS:password" from it and log docker in with the
// password on its standard input. The AWS calls are passed in.
func login(ctx context.Context, sh *dax.Shell, role string,
	assumeRole func(ctx context.Context, role string) (credentials, error),
	getToken func(ctx context.Context, creds credentials) (token, host string, err error),
) error {
	creds, err := assumeRole(ctx, role)
	if err != nil {
		return fmt.Errorf("assume %s: %w", role, err)
	}
	token, host, err := getToken(ctx, creds)
	if err != nil {
		return fmt.Errorf("registry token: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return fmt.Errorf("registry token: %w", err)
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return fmt.Errorf("registry token: not user:password")
	}
	return sh.Cmd("docker login -u %s --password-stdin %s", user, host).
		StdinSecret(dax.Secret(password)).Quiet().Run(ctx)
}

const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

// fakeAWS returns the AWS calls of login, answering as AWS would.
func fakeAWS(password string) (
	func(context.Context, string) (credentials, error),
	func(context.Context, credentials) (string, string, error),
) {
	assume := func(_ context.Context, role string) (credentials, error) {
		return credentials{keyID: "ASIA" + role, secret: "s"}, nil
	}
	token := func(_ context.Context, c credentials) (string, string, error) {
		return base64.StdEncoding.EncodeToString([]byte("AWS:" + password)), host, nil
	}
	return assume, token
}

func TestLogin_GivesDockerThePasswordFromTheTokenOnStdin(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", host).
		WantStdin("p4ss:word").Stdout("Login Succeeded\n")
	sh.Golden("testdata/login.golden")
	assume, token := fakeAWS("p4ss:word")
	if err := login(t.Context(), sh.Shell, "deployer", assume, token); err != nil {
		t.Fatal(err)
	}
}

func TestLogin_FailsWithDockersMessageAndNoPassword(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", host).
		WantStdin("p4ss").Stderr("Error response from daemon: 401 Unauthorized (p4ss)\n").Exit(1)
	assume, token := fakeAWS("p4ss")
	err := login(t.Context(), sh.Shell, "deployer", assume, token)
	want := "docker login -u AWS --password-stdin " + host + ": exit status 1: Error response from daemon: 401 Unauthorized (***)"
	if err == nil || err.Error() != want {
		t.Errorf("login() = %v\nwant %s", err, want)
	}
}

// setUpdate sets the -update flag for the rest of the test.
func setUpdate(t *testing.T, on bool) {
	t.Helper()
	saved := flag.Lookup("update").Value.String()
	if err := flag.Set("update", fmt.Sprint(on)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("update", saved) })
}

// runLogin runs login on a Shell of ft, keeping a transcript in golden,
// with docker answering exit code.
func runLogin(t *testing.T, ft *fakeT, golden string, code int) {
	sh := daxtest.New(ft)
	sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", host).WantStdin("pw").Exit(code)
	sh.Golden(golden)
	assume, token := fakeAWS("pw")
	_ = login(t.Context(), sh.Shell, "deployer", assume, token)
}

func TestGolden_IsWrittenWithUpdateThenComparedAndAMismatchShown(t *testing.T) {
	golden := filepath.Join(t.TempDir(), "testdata", "login.golden")

	ft := &fakeT{TB: t}
	runLogin(t, ft, golden, 0)
	want := []string{"daxtest: golden transcript " + golden + " does not exist; run the test with -update to write it"}
	if diff := cmp.Diff(want, ft.end()); diff != "" {
		t.Fatalf("failures without a golden file (-want +got):\n%s", diff)
	}

	setUpdate(t, true)
	ft = &fakeT{TB: t}
	runLogin(t, ft, golden, 0)
	if f := ft.end(); len(f) != 0 {
		t.Fatalf("failures updating: %q", f)
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("$ docker login -u AWS --password-stdin "+host+"  # exit 0\n", string(b)); diff != "" {
		t.Errorf("golden file (-want +got):\n%s", diff)
	}

	setUpdate(t, false)
	ft = &fakeT{TB: t}
	runLogin(t, ft, golden, 0)
	if f := ft.end(); len(f) != 0 {
		t.Errorf("failures comparing the same commands: %q", f)
	}

	ft = &fakeT{TB: t}
	runLogin(t, ft, golden, 1)
	want = []string{"daxtest: the commands differ from the golden transcript " + golden + " (-golden +ran; -update writes it):\n" +
		"- $ docker login -u AWS --password-stdin " + host + "  # exit 0\n" +
		"+ $ docker login -u AWS --password-stdin " + host + "  # exit 1\n"}
	if diff := cmp.Diff(want, ft.end()); diff != "" {
		t.Errorf("failures with another exit status (-want +got):\n%s", diff)
	}
}

func TestGolden_ListsPipelineStagesInTheirOrderAndSecretsAsStars(t *testing.T) {
	t.Parallel()
	golden := filepath.Join(t.TempDir(), "pipe.golden")
	want := "$ printf %s ***  # exit 0\n" +
		"$ aws ecr get-login-password  # exit 0\n" +
		"$ docker login -u AWS --password-stdin reg  # exit 0\n" +
		"$ docker push reg/app:1  # exit 1\n"
	if err := os.WriteFile(golden, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 20 { // the stages start in any order
		ft := &fakeT{TB: t}
		sh := daxtest.New(ft)
		sh.Expect("aws", "ecr", "get-login-password").Stdout("pw")
		sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").WantStdin("pw")
		sh.Expect("docker", "push", "reg/app:1").Exit(1)
		sh.Golden(golden)
		_ = sh.Cmd("printf %s %s", "%s", dax.Secret("hunter2")).Quiet().Run(t.Context())
		_ = sh.Cmd("aws ecr get-login-password | docker login -u AWS --password-stdin reg").Run(t.Context())
		_ = sh.Cmd("docker push reg/app:1").Quiet().Run(t.Context())
		if f := ft.end(); len(f) != 0 {
			t.Fatalf("failures: %q", f)
		}
	}
}
