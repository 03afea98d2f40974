//go:build linux

package pipeline

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
	"github.com/godax/godax/lib/deploy"
)

// waitingTarget is a deploy.Target whose rollout reports a wait, one of
// two tasks running, until release is closed.
type waitingTarget struct {
	countingTarget
	release chan struct{}
}

func (w *waitingTarget) Deploy(ctx context.Context, img deploy.Image) (deploy.Result, error) {
	deploy.Progress(ctx, nil, w.name, "registered rev:2")
	shown := deploy.Waiting(ctx, w.name, "rolling out")
	defer shown.End()
	shown.Update("", 1, 2)
	select {
	case <-w.release:
	case <-ctx.Done():
		return deploy.Result{}, ctx.Err()
	}
	shown.Update("", 2, 2)
	return w.countingTarget.Deploy(ctx, img)
}

func TestRunDeploy_OnATerminalDrawsBarsForWaitsLongerThanShowAfter(t *testing.T) {
	t.Setenv("CI", "")
	term := daxtest.NewTerminal(t)
	sh := daxtest.New(t, dax.WithStdin(term.Tty), dax.WithLogger(term.Tty))
	release := make(chan struct{})
	slow := &waitingTarget{countingTarget: countingTarget{name: "ecs service prod/web"}, release: release}
	quick := &countingTarget{name: "lambda function api"}
	wait := runDeploy(sh.Shell, DeploySettings{Concurrency: 2, Timeout: time.Minute}, []deploy.Target{slow, quick}, confirmImage(t))

	term.WaitFor(t, 0, "ecs service prod/web: rolling out [")
	term.WaitFor(t, 0, "deploying [")
	lines := map[string]bool{}
	for _, l := range strings.Split(dax.StripAnsi(term.Shown()), "\n") {
		l = strings.Trim(l, "\r")
		if prefix, _, ok := strings.Cut(l, " ["); ok && strings.HasSuffix(l, "] 1/2") {
			l = prefix + " [...] 1/2" // the bar itself depends on the width
		}
		if strings.HasPrefix(l, "info: lambda function api: ok in ") {
			l = "info: lambda function api: ok in ..."
		}
		lines[l] = true
	}
	for _, want := range []string{
		"info: ecs service prod/web: registered rev:2",
		"info: lambda function api: ok in ...",
		"ecs service prod/web: rolling out [...] 1/2", // its running/desired tasks
		"deploying [...] 1/2",                         // targets finished: the quick one
	} {
		if !lines[want] {
			t.Errorf("the terminal shows no line %q:\n%s", want, dax.StripAnsi(term.Shown()))
		}
	}
	close(release)
	if err := wait(t); err != nil {
		t.Fatal(err)
	}
	if slow.deploys != 1 || quick.deploys != 1 {
		t.Errorf("deploys %d and %d, want 1 each", slow.deploys, quick.deploys)
	}
}
