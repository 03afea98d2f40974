package dax_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

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
	tty := daxtest.NewTerminal(t).Tty
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
	term := daxtest.NewTerminal(t)
	sh, err := dax.New(dax.WithLogger(term.Tty))
	if err != nil {
		t.Fatal(err)
	}
	sh.Warn("careful")
	term.WaitFor(t, 0, "careful")
	return term.Shown()
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
