//go:build linux

package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/godax/godax/lib/dax"
)

// procStat is what the sandbox reads from /proc/PID/stat.
type procStat struct {
	state byte
	ppid  int
	start uint64
	cpu   uint64 // user and system time of every thread, in clock ticks
}

// readStat reads /proc/PID/stat. The command name, in parentheses, may
// hold spaces and parentheses itself, so fields are counted after the last
// ')'.
func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[11] and f[12] fields
	// 14 and 15 (utime, stime), f[19] field 22 (starttime).
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procStat{}, fmt.Errorf("/proc/%d/stat ppid: %w", pid, err)
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("/proc/%d/stat starttime: %w", pid, err)
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return procStat{}, fmt.Errorf("/proc/%d/stat utime, stime: %w", pid, err)
	}
	return procStat{state: f[0][0], ppid: ppid, start: start, cpu: utime + stime}, nil
}

// clockTick is the unit of the times in /proc/PID/stat: USER_HZ, 100 on
// every architecture Go's linux ports run on.
const clockTick = 10 * time.Millisecond

// CPUTime returns the processor time p has used so far, user and system,
// all its threads together, to a hundredth of a second. It fails when p
// no longer runs, or its pid now belongs to another process.
func (p Proc) CPUTime() (time.Duration, error) {
	st, err := readStat(p.Pid)
	if err == nil && st.start != p.Start {
		err = fmt.Errorf("process %d is not the one recorded: it started at tick %d, not %d", p.Pid, st.start, p.Start)
	}
	if err != nil {
		return 0, fmt.Errorf("cpu time: %w", err)
	}
	return time.Duration(st.cpu) * clockTick, nil
}

// procOf returns the identity of the running process pid.
func procOf(pid int) (Proc, error) {
	st, err := readStat(pid)
	if err != nil {
		return Proc{}, err
	}
	return Proc{Pid: pid, Start: st.start}, nil
}

// alive reports whether p still runs: its pid exists, is not a zombie,
// and started when p did (so it is not a reused pid).
func alive(p Proc) bool {
	if p.Pid <= 0 {
		return false
	}
	st, err := readStat(p.Pid)
	return err == nil && st.start == p.Start && st.state != 'Z' && st.state != 'X'
}

// descendants returns every live process below p in the process tree.
func descendants(p Proc) []Proc {
	if !alive(p) {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]Proc{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(pid)
		if err != nil || st.state == 'Z' {
			continue
		}
		children[st.ppid] = append(children[st.ppid], Proc{Pid: pid, Start: st.start})
	}
	var out []Proc
	queue := []int{p.Pid}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, c := range children[pid] {
			out = append(out, c)
			queue = append(queue, c.Pid)
		}
	}
	return out
}

// signal sends sig to p if p is still the process recorded.
func signal(p Proc, sig syscall.Signal) error {
	if !alive(p) {
		return nil
	}
	err := syscall.Kill(p.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// started is a daemon the current process started.
type started struct {
	proc Proc
	// exited receives the daemon's exit once it ends while this process
	// still runs; it also reaps it.
	exited <-chan error
}

// startDaemon starts argv in its own session (so it outlives this
// process and its terminal), in dir, with extraEnv added to the
// environment, stdin from /dev/null and output appended to logPath.
func startDaemon(dir, logPath string, argv, extraEnv []string) (started, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return started{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	log, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return started{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	_, err = fmt.Fprintf(log, "--- %s: %s\n", time.Now().UTC().Format(time.RFC3339), strings.Join(argv, " "))
	cmd := exec.Command(path, argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extraEnv...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err == nil {
		err = cmd.Start()
	}
	if cerr := log.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		return started{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	exited := make(chan error, 1)
	p, err := procOf(cmd.Process.Pid)
	go func() { exited <- cmd.Wait() }()
	if err != nil {
		// It is gone already; the wait above says how it ended.
		p = Proc{Pid: cmd.Process.Pid}
	}
	return started{proc: p, exited: exited}, nil
}

// stopAll stops the processes in procs: SIGTERM to the leaders, a wait of
// up to grace for every process in procs to end, then SIGKILL to those
// left and a short wait. It returns an error naming any that survive.
// Processes that are no longer the ones recorded are never signalled.
func stopAll(ctx context.Context, leaders, procs []Proc, grace time.Duration) error {
	for _, p := range leaders {
		if err := signal(p, syscall.SIGTERM); err != nil {
			return fmt.Errorf("stop pid %d: %w", p.Pid, err)
		}
	}
	left := waitGone(ctx, procs, grace)
	if len(left) == 0 {
		return nil
	}
	dax.Warn("sandbox: %s still running after %s: killing", pidList(left), grace)
	for _, p := range left {
		if err := signal(p, syscall.SIGKILL); err != nil {
			return fmt.Errorf("kill pid %d: %w", p.Pid, err)
		}
	}
	if left = waitGone(ctx, left, 5*time.Second); len(left) > 0 {
		return fmt.Errorf("sandbox: %s survived SIGKILL", pidList(left))
	}
	return nil
}

// waitGone waits up to d for every process in procs to end, and returns
// those still alive.
func waitGone(ctx context.Context, procs []Proc, d time.Duration) []Proc {
	deadline := time.Now().Add(d)
	nextNote := time.Now().Add(3 * time.Second)
	for {
		left := slices.DeleteFunc(slices.Clone(procs), func(p Proc) bool { return !alive(p) })
		if len(left) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return left
		}
		if time.Now().After(nextNote) {
			dax.Info("sandbox: waiting for %s to exit", pidList(left))
			nextNote = time.Now().Add(3 * time.Second)
		}
		_ = dax.Sleep(ctx, 50*time.Millisecond)
	}
}

func pidList(procs []Proc) string {
	s := make([]string, len(procs))
	for i, p := range procs {
		s[i] = strconv.Itoa(p.Pid)
	}
	return "pid " + strings.Join(s, ", ")
}

// lockState takes an exclusive lock on <stateDir>/sandbox.lock, so two
// sandbox:up or sandbox:down runs on one state folder take turns. The lock
// file stays: removing it would let a third run lock a new file while the
// second still holds the old one.
func lockState(ctx context.Context, stateDir string) (unlock func(), err error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox lock: %w", err)
	}
	path := filepath.Join(stateDir, "sandbox.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox lock: %w", err)
	}
	said := false
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			_ = f.Close()
			return nil, fmt.Errorf("sandbox lock %s: %w", path, err)
		}
		if !said {
			dax.Info("sandbox: waiting for another sandbox:up or sandbox:down on %s", stateDir)
			said = true
		}
		if err := dax.Sleep(ctx, 100*time.Millisecond); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("sandbox lock %s: %w", path, err)
		}
	}
}

// mountsUnder returns the mount points at or below any of dirs, deepest
// first, from /proc/self/mountinfo.
func mountsUnder(dirs ...string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		for _, d := range dirs {
			if mp == d || strings.HasPrefix(mp, d+"/") {
				out = append(out, mp)
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out, nil
}

// unescapeMountinfo undoes the octal escapes (\040 for a space) the
// kernel writes in mountinfo paths.
func unescapeMountinfo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// makePrivateDir creates dir with mode 0700, or checks that the existing
// one is a real folder (not a link) owned by this user and closed to
// others, since it may sit in a shared temp folder.
func makePrivateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err == nil || !errors.Is(err, os.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	sys, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(sys.Uid) != os.Geteuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s exists but is not a private folder of this user: remove it", dir)
	}
	return nil
}
