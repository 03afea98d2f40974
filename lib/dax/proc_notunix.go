//go:build !unix

package dax

import (
	"os/exec"
	"time"
)

// setGroup kills cmd on cancellation. Outside Unix there are no process
// groups to signal, so processes the program started are not stopped.
func setGroup(cmd *exec.Cmd, _ bool, grace time.Duration) {
	cmd.WaitDelay = grace
}

func reapGroup(int, time.Duration) {}

// signaled reports no signal: only Unix ends programs with signals.
func signaled(*exec.ExitError) (int, bool) { return 0, false }

func isTerminal(any) bool { return false }
