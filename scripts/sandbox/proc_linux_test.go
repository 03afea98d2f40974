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

// selfCPU is this process's processor time as getrusage counts it.
func selfCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestProcCPUTime_AgreesWithGetrusageForThisProcess(t *testing.T) {
	// Not parallel: other tests' work would land between the readings.
	p, err := procOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; selfCPU(t) < 200*time.Millisecond; n++ {
		_ = slices.Repeat([]int{n}, 1000)
	}
	before := selfCPU(t)
	got, err := p.CPUTime()
	after := selfCPU(t)
	if err != nil {
		t.Fatal(err)
	}
	// The kernel counts in ticks and rounds: allow two of them.
	if got < before-2*clockTick || got > after+2*clockTick {
		t.Errorf("CPUTime() = %v, want between %v and %v as getrusage says", got, before, after)
	}
	if _, err := (Proc{Pid: p.Pid, Start: p.Start + 1}).CPUTime(); err == nil {
		t.Error("CPUTime() of a reused pid: no error")
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
