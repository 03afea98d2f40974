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
	"github.com/godax/godax/lib/privdir"
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
	return identify(pid, st)
}

// identify completes what st says of pid with its owner and program.
func identify(pid int, st procStat) (Proc, error) {
	base := "/proc/" + strconv.Itoa(pid)
	status, err := os.ReadFile(base + "/status")
	if err != nil {
		return Proc{}, err
	}
	uid := -1
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				uid, err = strconv.Atoi(f[0])
			}
			break
		}
	}
	if err != nil || uid < 0 {
		return Proc{}, fmt.Errorf("%s/status: no Uid line", base)
	}
	exe, err := os.Readlink(base + "/exe")
	if err != nil {
		return Proc{}, err
	}
	return Proc{Pid: pid, Start: st.start, Uid: uid, Exe: strings.TrimSuffix(exe, " (deleted)")}, nil
}

// cmdline returns the arguments pid runs with, its program first.
func cmdline(pid int) ([]string, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00"), nil
}

// refresh returns the identity of the process that runs as p's pid now
// when it started when p did, else p. A daemon the current process just
// started may exec another program (a wrapper script does) before it
// answers.
func refresh(p Proc) Proc {
	if p.Pid <= 0 {
		return p
	}
	st, err := readStat(p.Pid)
	if err != nil || st.start != p.Start {
		return p
	}
	if now, err := identify(p.Pid, st); err == nil {
		return now
	}
	return p
}

// bootID returns the kernel's id of the current boot, or "" if unknown.
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// alive reports whether p still runs: its pid exists, is not a zombie,
// and started when p did (so it is not a reused pid), as the same user,
// running the same program (unless the record, written by an older
// godax, names none).
func alive(p Proc) bool {
	if p.Pid <= 0 {
		return false
	}
	st, err := readStat(p.Pid)
	if err != nil || st.start != p.Start || st.state == 'Z' || st.state == 'X' {
		return false
	}
	now, err := identify(p.Pid, st)
	return err == nil && now.Uid == p.Uid && (p.Exe == "" || now.Exe == p.Exe)
}

// verdict is what [examine] makes of a recorded process.
type verdict int

const (
	// gone: no process has the pid any more (a zombie aside), or the
	// kernel gave it to a process that is nothing of the sandbox's.
	gone verdict = iota
	// ours: the recorded process runs, and proves to be the sandbox's.
	ours
	// mismatch: the record and the process that has its pid disagree in
	// a way that leaves open whether it is the sandbox's.
	mismatch
)

// examine compares the process that has p's pid now with the record p.
// proof tells whether a command line is one the sandbox started (a
// daemon's arguments, or a child's naming the sandbox's folders). The
// process is ours only when its start time, owner and program match the
// record (a record without a program, from an older godax, is proved by
// its command line alone) and proof accepts its command line. With another start time it
// is gone, unless proof accepts its command line: then it is a mismatch,
// as is a process whose start time matches but nothing else does. why
// says what differs.
func examine(p Proc, proof func(cmdline []string) bool) (v verdict, why string) {
	if p.Pid <= 0 {
		return gone, ""
	}
	st, err := readStat(p.Pid)
	if err != nil || st.state == 'Z' || st.state == 'X' {
		return gone, ""
	}
	args, err := cmdline(p.Pid)
	if errors.Is(err, os.ErrNotExist) {
		return gone, ""
	}
	if st.start != p.Start {
		if err == nil && proof(args) {
			return mismatch, fmt.Sprintf("it runs with the arguments the sandbox gave it but started at tick %d, not %d as recorded", st.start, p.Start)
		}
		return gone, ""
	}
	now, err := identify(p.Pid, st)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return gone, ""
	case err != nil:
		return mismatch, fmt.Sprintf("its owner and program cannot be read: %v", err)
	case now.Uid != p.Uid:
		return mismatch, fmt.Sprintf("it runs as uid %d, not %d as recorded", now.Uid, p.Uid)
	case p.Exe != "" && now.Exe != p.Exe: // an older godax recorded no program
		return mismatch, fmt.Sprintf("it runs %s, not %q as recorded", now.Exe, p.Exe)
	case !proof(args):
		return mismatch, fmt.Sprintf("its command line (%s) is not one the sandbox started", strings.Join(args, " "))
	}
	return ours, ""
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
	type child struct {
		pid int
		st  procStat
	}
	children := map[int][]child{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(pid)
		if err != nil || st.state == 'Z' {
			continue
		}
		children[st.ppid] = append(children[st.ppid], child{pid, st})
	}
	var out []Proc
	queue := []int{p.Pid}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, c := range children[pid] {
			queue = append(queue, c.pid)
			if id, err := identify(c.pid, c.st); err == nil {
				out = append(out, id)
			}
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
	if err := privdir.Make(stateVariable, stateDir); err != nil {
		return nil, fmt.Errorf("sandbox lock: %w", err)
	}
	path := filepath.Join(stateDir, "sandbox.lock")
	f, err := privdir.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
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
