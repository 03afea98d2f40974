//go:build unix

package dax_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
)

// running reports whether process pid exists and has not exited; a zombie
// waiting for its parent to reap it has exited.
func running(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !os.IsNotExist(err) // no /proc: trust kill
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || !strings.HasPrefix(string(stat[i+1:]), " Z")
}

// startedPid waits for a command to write the pid of what it started to path.
func startedPid(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(path)
		if err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatal("the command did not record its background pid")
	return 0
}

func TestCommand_CancellationStopsGrandchildren(t *testing.T) {
	t.Parallel()
	if _, err := dax.Which("bash"); err != nil {
		t.Skip("no bash:", err)
	}
	tests := map[string]string{
		"background sleep": `bash -c 'sleep 60 & echo $! > "$0"; wait' %s`,
		"ignoring SIGTERM": `bash -c 'trap "" TERM; sleep 60 & echo $! > "$0"; wait' %s`,
		"left behind":      `bash -c 'sleep 60 </dev/null >/dev/null 2>&1 & echo $! > "$0"; sleep 60' %s`,
	}
	for name, format := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "pid")
			sh, _, _, _ := testShell(t, dax.WithKillGrace(300*time.Millisecond))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- sh.Cmd(format, pidFile).Run(ctx) }()
			pid := startedPid(t, pidFile)
			if !running(pid) {
				t.Fatalf("background pid %d is not running before the cancel", pid)
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run() = %v, want context.Canceled", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Run() did not return after the cancel")
			}
			if running(pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("background pid %d still runs after Run returned", pid)
			}
		})
	}
}

func TestCommand_TimeoutStopsBackgroundBuiltins(t *testing.T) {
	t.Parallel()
	start := time.Now()
	err := dax.Cmd("sleep 60 & wait").Timeout(100 * time.Millisecond).Run(context.Background())
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || !cerr.TimedOut() {
		t.Errorf("Run() = %v, want a timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Run() returned after %v", elapsed)
	}
}
