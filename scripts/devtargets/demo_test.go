package devtargets_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// setColumns gives the terminal tty a size of 40 rows and cols columns.
func setColumns(t *testing.T, tty *os.File, cols uint16) {
	t.Helper()
	ws := struct{ rows, cols, x, y uint16 }{40, cols, 0, 0}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); errno != 0 {
		t.Fatalf("set the terminal's size: %v", errno)
	}
}

func TestDemo_FirstRunOnAFreshSandboxShowsARolloutThatFits120Columns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a sandbox of its own and runs the demo")
	}
	sandboxtest.Require(t) // this machine can run a sandbox
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// A short path: the sandbox's sockets live under it.
	stateDir, err := os.MkdirTemp("", "gdx-")
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); name != "GODAX_STATE_DIR" && name != "GODAX_SANDBOX_DIR" && name != "CI" {
			env = append(env, kv)
		}
	}
	env = append(env, "GODAX_STATE_DIR="+stateDir)
	t.Cleanup(func() {
		down := exec.Command("go", "run", "mage.go", "sandbox:down")
		down.Dir, down.Env = root, env
		if out, err := down.CombinedOutput(); err != nil {
			t.Errorf("sandbox:down: %v\n%s", err, out)
		}
		_ = os.RemoveAll(stateDir)
	})

	term := daxtest.NewTerminal(t)
	setColumns(t, term.Tty, 120)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	demo := exec.CommandContext(ctx, "go", "run", "mage.go", "demo")
	demo.Dir, demo.Env = root, env
	demo.Stdin, demo.Stdout, demo.Stderr = term.Tty, term.Tty, term.Tty
	err = demo.Run()
	// The terminal turns each \n into \r\n.
	shown := strings.ReplaceAll(dax.StripAnsi(term.Shown()), "\r\n", "\n")
	if err != nil {
		t.Fatalf("go run mage.go demo: %v\n%s", err, shown)
	}

	var long []string
	for _, line := range strings.FieldsFunc(shown, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if utf8.RuneCountInString(line) > 120 {
			long = append(long, line)
		}
	}
	if len(long) > 0 {
		t.Errorf("%d lines are over 120 columns on a 120-column terminal:\n%s", len(long), strings.Join(long, "\n"))
	}
	// The deploy table: the ECS service moves to a new revision, and both
	// targets from one digest to another, shown short.
	row := regexp.MustCompile(`(?m)^(ecs service godax-demo/godax-demo|lambda function godax-demo) +godax-demo@sha256:([0-9a-f]{12}) -> ([0-9a-f]{12}) +(\S+(?: -> \S+)?) +ok$`)
	rows := row.FindAllStringSubmatch(shown, -1)
	if len(rows) != 2 {
		t.Fatalf("want two deploy rows, old digest -> new, on the terminal; got %d in:\n%s", len(rows), shown)
	}
	for _, r := range rows {
		if r[2] == r[3] {
			t.Errorf("%s stays on %s, want a rollout from a previous image", r[1], r[2])
		}
	}
	if got := rows[0][4]; !strings.HasPrefix(rows[0][1], "ecs") || got != "godax-demo:1 -> godax-demo:2" {
		t.Errorf("the ECS service's revision is %q, want godax-demo:1 -> godax-demo:2", got)
	}
}
