package dax_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/godax/godax/lib/dax"
)

// openPTY returns the terminal end of a new pseudo-terminal.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	_, tty := openPTYPair(t)
	return tty
}

// openPTYPair returns both ends of a new pseudo-terminal: the controlling
// end, reading what is written to the terminal, and the terminal.
func openPTYPair(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals:", err)
	}
	t.Cleanup(func() { _ = ptmx.Close() })
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Skip("cannot unlock the pseudo-terminal:", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Skip("cannot name the pseudo-terminal:", errno)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skip("cannot open the pseudo-terminal:", err)
	}
	t.Cleanup(func() { _ = tty.Close() })
	return ptmx, tty
}

// programGroup returns the process group a program started by sh runs in.
func programGroup(t *testing.T, sh *dax.Shell) int {
	t.Helper()
	out, err := sh.Cmd(`/bin/sh -c 'cut -d" " -f5 /proc/$$/stat'`).Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	return pgid
}

func TestCommand_ProgramsStayInCallersGroupWhenStdinIsATerminal(t *testing.T) {
	t.Parallel()
	tty := openPTY(t)
	ours := syscall.Getpgrp()

	withTTY, err := dax.New(dax.WithStdin(tty))
	if err != nil {
		t.Fatal(err)
	}
	if got := programGroup(t, withTTY); got != ours {
		t.Errorf("with a terminal on stdin the program ran in group %d, want ours, %d", got, ours)
	}
	withoutTTY, err := dax.New(dax.WithStdin(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := programGroup(t, withoutTTY); got == ours {
		t.Errorf("without a terminal the program ran in our group %d, want its own", got)
	}
	noGroups, err := dax.New(dax.WithStdin(nil), dax.WithoutProcessGroups())
	if err != nil {
		t.Fatal(err)
	}
	if got := programGroup(t, noGroups); got != ours {
		t.Errorf("WithoutProcessGroups: the program ran in group %d, want ours, %d", got, ours)
	}
}

// logToTerminal returns what sh.Warn writes to a terminal.
func logToTerminal(t *testing.T) string {
	t.Helper()
	ptmx, tty := openPTYPair(t)
	sh, err := dax.New(dax.WithLogger(tty))
	if err != nil {
		t.Fatal(err)
	}
	sh.Warn("careful")
	if err := ptmx.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	n, err := ptmx.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

// These tests change the environment, so they do not run in parallel.

func TestShell_LogsInColourOnATerminal(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("NO_COLOR", "") // for its restore: NO_COLOR counts when set at all
	if err := os.Unsetenv("NO_COLOR"); err != nil {
		t.Fatal(err)
	}
	if got := logToTerminal(t); !strings.Contains(got, "\x1b[33mwarn:\x1b[0m careful") {
		t.Errorf("logged %q, want a yellow warn:", got)
	}
}

func TestShell_LogsPlainOnATerminalWithNoColorOrCI(t *testing.T) {
	for name, env := range map[string][2]string{"NO_COLOR": {"NO_COLOR", "1"}, "CI": {"CI", "true"}} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(env[0], env[1])
			if got := logToTerminal(t); strings.Contains(got, "\x1b[") || !strings.Contains(got, "warn: careful") {
				t.Errorf("logged %q, want plain text", got)
			}
		})
	}
}
