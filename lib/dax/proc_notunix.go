//go:build !unix

package dax

import (
	"os"
	"os/exec"
	"time"
)

// setGroup kills cmd on cancellation. Outside Unix there are no process
// groups or signals to send, so processes the program started are not
// stopped.
func setGroup(cmd *exec.Cmd, _ bool, grace time.Duration, _ func() os.Signal) {
	cmd.WaitDelay = grace
}

// signalProgram sends sig to p; outside Unix only os.Kill works.
func signalProgram(p *os.Process, _ bool, sig os.Signal) error { return p.Signal(sig) }

func reapGroup(int, time.Duration) {}

// signaled reports no signal: only Unix ends programs with signals.
func signaled(*exec.ExitError) (int, bool) { return 0, false }

func isTerminal(any) bool { return false }
