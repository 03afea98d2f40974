//go:build unix

package dax

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"
)

// setGroup makes cmd start in a new process group when group is true, and
// makes cancellation signal the whole group (or the program alone): sig()
// first (SIGTERM when it is nil), SIGKILL once grace has passed.
func setGroup(cmd *exec.Cmd, group bool, grace time.Duration, sig func() os.Signal) {
	if group {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	cmd.Cancel = func() error {
		s := sig()
		if s == nil {
			s = syscall.SIGTERM
		}
		return signalProgram(cmd.Process, group, s)
	}
	cmd.WaitDelay = grace
}

// signalProgram sends sig to p, or to its whole process group when group
// is true.
func signalProgram(p *os.Process, group bool, sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !group || !ok {
		return p.Signal(sig)
	}
	return syscall.Kill(-p.Pid, s)
}

// reapGroup waits up to grace for the members of process group pgid that
// outlived its leader to exit after SIGTERM, then kills the rest.
func reapGroup(pgid int, grace time.Duration) {
	// The group's processes are not our children (they are reparented when
	// the leader exits), so there is nothing to wait on: poll, briefly.
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !groupAlive(pgid) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // ESRCH: already gone
	// SIGKILL is delivered asynchronously; return once it has taken effect,
	// so that nothing runs on when the sink returns.
	for deadline = time.Now().Add(time.Second); groupAlive(pgid) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}

// groupAlive reports whether process group pgid has a member that has not
// exited. An exited member stays a zombie until its new parent reaps it,
// which some init processes do late, so on Linux /proc tells zombies
// apart; elsewhere a zombie counts as alive.
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	if runtime.GOOS != "linux" {
		return true
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		if state, group, ok := parseStat(string(stat)); ok && group == pgid && state != "Z" {
			return true
		}
	}
	return false
}

// parseStat reads the state and process group from /proc/PID/stat:
// "PID (COMM) STATE PPID PGRP ...", where COMM may hold spaces and parens.
func parseStat(stat string) (state string, pgrp int, ok bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return "", 0, false
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 3 {
		return "", 0, false
	}
	pgrp, err := strconv.Atoi(f[2])
	return f[0], pgrp, err == nil
}

// signaled returns the signal that ended the program, if one did.
func signaled(err *exec.ExitError) (int, bool) {
	ws, ok := err.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return int(ws.Signal()), true
}

// isTerminal reports whether stream, a reader or writer, is a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	// Through the raw connection: Fd would make the file blocking, and a
	// prompt reading it could then not be stopped.
	c, err := f.SyscallConn()
	if err != nil {
		return false
	}
	is := false
	_ = c.Control(func(fd uintptr) { is = term.IsTerminal(int(fd)) })
	return is
}
