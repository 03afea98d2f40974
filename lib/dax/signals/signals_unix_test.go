//go:build unix

package signals_test

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax/signals"
)

// These tests signal the test process itself, so none runs in parallel:
// each Context would catch the others' signals.

func kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
}

// exitStatus is what Mage exits with for err.
func exitStatus(err error) int {
	var e interface{ ExitStatus() int }
	if errors.As(err, &e) {
		return e.ExitStatus()
	}
	return 1
}

func waitDone(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the context was not cancelled within 5s of the signal")
	}
}

func TestContext_CancelsOnEachStopSignalWithItsExitStatus(t *testing.T) {
	type result struct {
		Cause  string
		Err    string
		Status int
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		want result
	}{
		{syscall.SIGINT, result{"stopped by SIGINT", "stopped by SIGINT: deploy: context canceled", 130}},
		{syscall.SIGTERM, result{"stopped by SIGTERM", "stopped by SIGTERM: deploy: context canceled", 143}},
		{syscall.SIGHUP, result{"stopped by SIGHUP", "stopped by SIGHUP: deploy: context canceled", 129}},
	} {
		ctx, done := signals.Context(context.Background())
		kill(t, tc.sig)
		waitDone(t, ctx)
		cause := context.Cause(ctx).Error()
		err := done(errors.New("deploy: context canceled"))
		var se *signals.Error
		if !errors.As(err, &se) {
			t.Fatalf("%v: done returned %T %v, want a *signals.Error", tc.sig, err, err)
		}
		got := result{cause, err.Error(), se.ExitStatus()}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%v (-want +got):\n%s", tc.sig, d)
		}
	}
}

func TestContext_ReturnsTheWorkErrorUnchangedWhenNoSignalCame(t *testing.T) {
	ctx, done := signals.Context(context.Background())
	work := errors.New("build: exit status 1")
	if err := done(work); err != work {
		t.Errorf("done returned %v, want the work's error itself", err)
	}
	if ctx.Err() == nil {
		t.Error("done left the context running")
	}
	if err := done(nil); err != nil {
		t.Errorf("a second done returned %v", err)
	}
}

func TestContext_ReportsASignalEvenWhenTheWorkFinished(t *testing.T) {
	ctx, done := signals.Context(context.Background())
	kill(t, syscall.SIGTERM)
	waitDone(t, ctx)
	err := done(nil)
	if got, want := exitStatus(err), 143; got != want {
		t.Errorf("exit status %d, want %d (err %v)", got, want, err)
	}
}

func TestContext_RecordsTheSignalWhenTheParentWasCancelledFirst(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx, done := signals.Context(parent)
	cancel() // as Mage does on SIGINT, before this handler sees it
	kill(t, syscall.SIGINT)
	time.Sleep(100 * time.Millisecond)
	waitDone(t, ctx)
	if got, want := exitStatus(done(ctx.Err())), 130; got != want {
		t.Errorf("exit status %d, want %d", got, want)
	}
}

func TestContext_ASecondSignalDoesNotEndTheProcessBeforeDone(t *testing.T) {
	ctx, done := signals.Context(context.Background())
	kill(t, syscall.SIGTERM)
	waitDone(t, ctx)
	kill(t, syscall.SIGTERM) // the default action would end this test binary
	kill(t, syscall.SIGHUP)
	time.Sleep(100 * time.Millisecond)
	err := done(nil)
	if got, want := err.Error(), "stopped by SIGTERM"; got != want {
		t.Errorf("done returned %q, want %q: the first signal counts", got, want)
	}
}
