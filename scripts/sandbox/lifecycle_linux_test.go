//go:build linux

package sandbox

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// needDaemons skips (or, in CI, fails) when this machine cannot run a
// sandbox of its own.
func needDaemons(t *testing.T) {
	t.Helper()
	why := ""
	switch {
	case testing.Short():
		t.Skip("starts a whole sandbox: not in -short mode")
	case os.Geteuid() != 0:
		why = "dockerd needs root"
	case len(missingTools(exec.LookPath)) > 0:
		why = missingError(missingTools(exec.LookPath)).Error()
	}
	if why == "" {
		return
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("CI must run this test: %s", why)
	}
	t.Skip(why)
}

// allProcs returns the sandbox's daemons and every process below them.
func allProcs(st *State) []Proc {
	var procs []Proc
	for _, d := range st.daemons() {
		procs = append(procs, d.svc.Proc)
		procs = append(procs, descendants(d.svc.Proc)...)
	}
	return procs
}

// TestUpDown_LifecycleLeavesNoProcessOfItsOwnBehind starts a private
// sandbox in a state folder too long for unix sockets, checks that a second
// Up is warm, that a dead daemon is restarted and that a dead dockerd's
// containerd is not left behind, then checks that Down
// stops every process the sandbox started (containerd included), spares
// an unrelated process, and removes the sandbox's folders.
func TestUpDown_LifecycleLeavesNoProcessOfItsOwnBehind(t *testing.T) {
	needDaemons(t)
	stateDir := filepath.Join(t.TempDir(), strings.Repeat("long-state-folder-", 5))
	t.Setenv("GODAX_STATE_DIR", stateDir)
	ctx := t.Context()

	bystander := exec.Command("sleep", "300")
	if err := bystander.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bystander.Process.Kill(); _ = bystander.Wait() })

	st, err := Up(ctx)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	t.Cleanup(func() {
		if err := Down(context.Background()); err != nil {
			t.Errorf("Down in cleanup: %v", err)
		}
	})
	if strings.HasPrefix(st.RunDir, st.Dir) {
		t.Errorf("run folder %s is inside the long state folder; its sockets pass %d bytes", st.RunDir, maxSocketPath)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatalf("Check after Up: %v", err)
	}
	if len(st.Docker.Children) == 0 {
		t.Errorf("dockerd's containerd was not recorded: %+v", st.Docker)
	}

	warm, err := Up(ctx)
	if err != nil {
		t.Fatalf("second Up: %v", err)
	}
	if diff := cmp.Diff(st, warm); diff != "" {
		t.Errorf("second Up changed the state (-first +second):\n%s", diff)
	}

	if err := syscall.Kill(st.Moto.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if left := waitGone(ctx, []Proc{st.Moto.Proc}, 10*time.Second); len(left) > 0 {
		t.Fatalf("moto survived SIGKILL")
	}
	if _, err := Load(); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Load with moto dead: %v, want ErrNotRunning", err)
	}
	restarted, err := Up(ctx)
	if err != nil {
		t.Fatalf("Up after moto died: %v", err)
	}
	if restarted.Moto.Proc == st.Moto.Proc || restarted.Docker.Proc != st.Docker.Proc {
		t.Errorf("Up after moto died: moto %v -> %v, dockerd %v -> %v; want only moto restarted",
			st.Moto.Proc, restarted.Moto.Proc, st.Docker.Proc, restarted.Docker.Proc)
	}

	orphans := descendants(restarted.Docker.Proc)
	if err := syscall.Kill(restarted.Docker.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if left := waitGone(ctx, []Proc{restarted.Docker.Proc}, 10*time.Second); len(left) > 0 {
		t.Fatalf("dockerd survived SIGKILL")
	}
	if restarted, err = Up(ctx); err != nil {
		t.Fatalf("Up after dockerd died: %v", err)
	}
	for _, p := range orphans {
		if alive(p) {
			t.Errorf("pid %d, left by the dead dockerd, still runs after Up", p.Pid)
		}
	}

	procs := allProcs(restarted)
	if err := Down(ctx); err != nil {
		t.Fatalf("Down: %v", err)
	}
	for _, p := range procs {
		if alive(p) {
			t.Errorf("pid %d still runs after Down", p.Pid)
		}
	}
	if bystander.ProcessState != nil || syscall.Kill(bystander.Process.Pid, 0) != nil {
		t.Errorf("Down stopped an unrelated process (pid %d)", bystander.Process.Pid)
	}
	for _, dir := range []string{restarted.Dir, restarted.RunDir} {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Down (stat: %v)", dir, err)
		}
	}
	if err := Down(ctx); err != nil {
		t.Errorf("Down with nothing running: %v", err)
	}
}
