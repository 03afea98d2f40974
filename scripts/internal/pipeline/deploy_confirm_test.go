//go:build linux

package pipeline

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
	"github.com/godax/godax/lib/deploy"
)

// confirmChildEnv makes TestRunDeployConfirmChild run a confirmed deploy
// in a process with no terminal at all.
const confirmChildEnv = "GODAX_TEST_CONFIRM_CHILD"

func confirmImage(t *testing.T) deploy.Image {
	t.Helper()
	img, err := deploy.ParseImage("127.0.0.1:5000/web@sha256:" + strings.Repeat("c", 64))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// runDeploy runs RunDeploy in the background, and returns a func that
// waits for its error.
func runDeploy(sh *dax.Shell, s DeploySettings, targets []deploy.Target, img deploy.Image) func(t *testing.T) error {
	done := make(chan error, 1)
	go func() { done <- RunDeploy(context.Background(), sh, s, targets, img, new(strings.Builder)) }()
	return func(t *testing.T) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("RunDeploy still runs after 30s")
			return nil
		}
	}
}

func TestRunDeploy_ConfirmShowsThePlanAsksOnTheTerminalAndOnlyYesDeploys(t *testing.T) {
	t.Setenv("CI", "")
	img := confirmImage(t)
	for _, answer := range []string{"y", "n"} {
		term := daxtest.NewTerminal(t)
		sh := daxtest.New(t, dax.WithStdin(term.Tty), dax.WithLogger(term.Tty))
		a, b := &countingTarget{name: "a"}, &countingTarget{name: "b"}
		wait := runDeploy(sh.Shell, DeploySettings{Confirm: true, Concurrency: 2, Timeout: time.Minute}, []deploy.Target{a, b}, img)

		term.WaitFor(t, 0, "Deploy to these 2 target(s)? (y/n)")
		shown := dax.StripAnsi(term.Shown())
		wantPlan := "==> plan for 2 target(s):\n  a: old -> " + img.String() + "\n  b: old -> " + img.String() + "\n"
		if plan, _, _ := strings.Cut(strings.ReplaceAll(shown, "\r\n", "\n"), "Deploy to these"); !strings.HasSuffix(plan, wantPlan) {
			t.Errorf("answer %s: before the question the terminal shows %q, want the plan %q", answer, plan, wantPlan)
		}
		a.mu.Lock()
		asked := a.deploys
		a.mu.Unlock()
		if asked != 0 {
			t.Errorf("answer %s: %d deploys before the answer", answer, asked)
		}
		term.Type(t, answer+"\r")
		err := wait(t)

		want := map[string]int{"y": 1, "n": 0}[answer]
		if a.deploys != want || b.deploys != want {
			t.Errorf("answer %s: deploys %d and %d, want %d each", answer, a.deploys, b.deploys, want)
		}
		if answer == "y" && err != nil {
			t.Errorf("answer y: %v", err)
		}
		if answer == "n" && (err == nil || err.Error() != "deploy: not confirmed; nothing changed") {
			t.Errorf("answer n: error %v, want %q", err, "deploy: not confirmed; nothing changed")
		}
		term.WaitFor(t, 0, "Deploy to these 2 target(s)? "+map[string]string{"y": "yes", "n": "no"}[answer]+"\r\n")
	}
}

func TestRunDeploy_ConfirmInCIRefusesAtOnceWithoutAsking(t *testing.T) {
	t.Setenv("CI", "true")
	term := daxtest.NewTerminal(t)
	sh := daxtest.New(t, dax.WithStdin(term.Tty), dax.WithLogger(term.Tty))
	a := &countingTarget{name: "a"}
	err := runDeploy(sh.Shell, DeploySettings{Confirm: true, Concurrency: 1}, []deploy.Target{a}, confirmImage(t))(t)

	want := "deploy: DEPLOY_CONFIRM=1 needs a terminal to ask on, and CI is true: nothing changed (unset DEPLOY_CONFIRM to deploy without asking)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if a.deploys != 0 {
		t.Errorf("%d deploys, want none", a.deploys)
	}
	if s := dax.StripAnsi(term.Shown()); strings.Contains(s, "(y/n)") {
		t.Errorf("in CI the terminal was asked:\n%s", s)
	}
}

// TestRunDeploy_ConfirmWithoutATerminalRefusesAtOnce runs the deploy in a
// new session, which has no controlling terminal, with stdin from
// /dev/null.
func TestRunDeploy_ConfirmWithoutATerminalRefusesAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRunDeployConfirmChild$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, confirmChildEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the deploy without a terminal blocked:\n%s", out)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	want := "deploys=0 error=deploy: DEPLOY_CONFIRM=1 needs a terminal to ask on, and there is none: nothing changed (unset DEPLOY_CONFIRM to deploy without asking)\n"
	if !strings.Contains(string(out), want) {
		t.Errorf("child says:\n%s\nwant the line %q", out, want)
	}
}

func TestRunDeployConfirmChild(t *testing.T) {
	if os.Getenv(confirmChildEnv) != "1" {
		t.Skip("run by TestRunDeploy_ConfirmWithoutATerminalRefusesAtOnce")
	}
	sh, err := dax.New(dax.WithStdin(nil))
	if err != nil {
		t.Fatal(err)
	}
	a := &countingTarget{name: "a"}
	err = RunDeploy(context.Background(), sh, DeploySettings{Confirm: true, Concurrency: 1}, []deploy.Target{a}, confirmImage(t), new(strings.Builder))
	fmt.Printf("deploys=%d error=%v\n", a.deploys, err)
}
