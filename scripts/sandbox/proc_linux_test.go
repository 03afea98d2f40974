//go:build linux

package sandbox

import (
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// startSleep starts `sleep 300` as a child of the test and returns it.
func startSleep(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

func TestReadStat_ReadsThisProcess(t *testing.T) {
	t.Parallel()
	st, err := readStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.ppid != os.Getppid() || st.start == 0 || st.state == 'Z' {
		t.Errorf("readStat(self) = %+v, want ppid %d, a start time and a live state", st, os.Getppid())
	}
}

func TestAlive_IsFalseForAReusedPid(t *testing.T) {
	t.Parallel()
	cmd := startSleep(t)
	p, err := procOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if !alive(p) {
		t.Fatalf("alive(%+v) = false for a running process", p)
	}
	other := Proc{Pid: p.Pid, Start: p.Start + 1}
	if alive(other) {
		t.Errorf("alive(%+v) = true though the process started at %d", other, p.Start)
	}
}

// TestStopAll_SparesAProcessWhosePidWasReused gives stopAll a live pid
// with another start time, as after the kernel reused a recorded pid: it
// must not signal it.
func TestStopAll_SparesAProcessWhosePidWasReused(t *testing.T) {
	t.Parallel()
	cmd := startSleep(t)
	p, err := procOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	recorded := Proc{Pid: p.Pid, Start: p.Start - 1}
	if err := stopAll(t.Context(), []Proc{recorded}, []Proc{recorded}, time.Second); err != nil {
		t.Fatalf("stopAll: %v", err)
	}
	if !alive(p) {
		t.Errorf("stopAll signalled pid %d, whose start time differs from the recorded one", p.Pid)
	}
}

func TestStopAll_StopsALeaderAndWaitsForIt(t *testing.T) {
	t.Parallel()
	cmd := startSleep(t)
	p, err := procOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := stopAll(t.Context(), []Proc{p}, []Proc{p}, 10*time.Second); err != nil {
		t.Fatalf("stopAll: %v", err)
	}
	if alive(p) {
		t.Errorf("pid %d still alive after stopAll", p.Pid)
	}
}

func TestDescendants_FindsGrandchildren(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sh", "-c", "sleep 300 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	self, err := procOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	sh, err := procOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	var below []Proc
	for range 100 {
		if below = descendants(sh); len(below) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(below) != 1 {
		t.Fatalf("descendants(sh) = %v, want the one sleep", below)
	}
	t.Cleanup(func() { _ = signal(below[0], syscall.SIGKILL) })
	all := descendants(self)
	if !slices.Contains(all, sh) || !slices.Contains(all, below[0]) {
		t.Errorf("descendants(test) = %v, want it to hold %v and %v", all, sh, below[0])
	}
}

func TestUnescapeMountinfo_DecodesOctalEscapes(t *testing.T) {
	t.Parallel()
	got := unescapeMountinfo(`/tmp/a\040b\011c\134d\`)
	if diff := cmp.Diff("/tmp/a b\tc\\d\\", got); diff != "" {
		t.Errorf("unescapeMountinfo (-want +got):\n%s", diff)
	}
}
