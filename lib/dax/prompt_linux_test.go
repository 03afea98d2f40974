package dax_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

// render returns the lines a terminal would show after receiving out,
// starting on an empty screen; it knows what dax writes: text, \r, \n,
// and the escapes that move up and erase.
func render(out string) []string {
	var lines [][]rune
	row, col := 0, 0
	line := func() []rune {
		for len(lines) <= row {
			lines = append(lines, nil)
		}
		return lines[row]
	}
	for i := 0; i < len(out); {
		switch c := out[i]; {
		case c == '\r':
			col = 0
		case c == '\n':
			row++
		case c == '\x1b' && i+1 < len(out) && out[i+1] == '[':
			j := i + 2
			for j < len(out) && (out[j] < 0x40 || out[j] > 0x7e) {
				j++
			}
			n, err := strconv.Atoi(out[i+2 : j])
			if err != nil {
				n = 1
			}
			switch out[j] {
			case 'A':
				row = max(row-n, 0)
			case 'J':
				l := line()
				lines[row] = l[:min(col, len(l))]
				lines = lines[:row+1]
			case 'K':
				l := line()
				lines[row] = l[:min(col, len(l))]
			}
			i = j + 1
			continue
		default:
			r, n := utf8.DecodeRuneInString(out[i:])
			l := line()
			for len(l) <= col {
				l = append(l, ' ')
			}
			l[col] = r
			lines[row] = l
			col++
			i += n
			continue
		}
		i++
	}
	var got []string
	for _, l := range lines {
		got = append(got, strings.TrimRight(string(l), " "))
	}
	for len(got) > 0 && got[len(got)-1] == "" {
		got = got[:len(got)-1]
	}
	return got
}

// termios returns the settings of the terminal tty.
func termios(t *testing.T, tty *os.File) syscall.Termios {
	t.Helper()
	var tio syscall.Termios
	c, err := tty.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var errno syscall.Errno
	if err := c.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&tio)))
	}); err != nil || errno != 0 {
		t.Fatal("TCGETS:", err, errno)
	}
	return tio
}

// terminal is a Shell whose prompts and log go to a new pseudo-terminal,
// with that terminal's settings from before the test.
type terminal struct {
	*daxtest.Terminal
	sh     *dax.Shell
	before syscall.Termios
}

func newTerminal(t *testing.T) *terminal {
	t.Helper()
	term := daxtest.NewTerminal(t)
	sh, err := dax.New(dax.WithStdin(term.Tty), dax.WithLogger(term.Tty))
	if err != nil {
		t.Fatal(err)
	}
	return &terminal{Terminal: term, sh: sh, before: termios(t, term.Tty)}
}

// typeIn types keys once the screen shows prompt.
func (term *terminal) typeIn(t *testing.T, prompt, keys string) {
	t.Helper()
	term.WaitFor(t, 0, prompt)
	term.Type(t, keys)
}

// checkRestored fails t unless the terminal has its settings from before.
func (term *terminal) checkRestored(t *testing.T) {
	t.Helper()
	after := termios(t, term.Tty)
	if after.Lflag != term.before.Lflag || after.Iflag != term.before.Iflag || after.Oflag != term.before.Oflag {
		t.Errorf("terminal settings not restored: lflag %#x iflag %#x oflag %#x, want %#x %#x %#x",
			after.Lflag, after.Iflag, after.Oflag, term.before.Lflag, term.before.Iflag, term.before.Oflag)
	}
}

// checkShows fails t unless the terminal ends up showing only the line
// want: the prompt erased, its answer left.
func (term *terminal) checkShows(t *testing.T, want string) {
	t.Helper()
	term.WaitFor(t, 0, want)
	if diff := cmp.Diff([]string{want}, render(term.Shown())); diff != "" {
		t.Errorf("screen after answering (-want +got):\n%s", diff)
	}
}

// noCI clears CI, which would keep the prompts from asking, and sets
// NO_COLOR, for screens easier to check.
func noCI(t *testing.T) {
	t.Helper()
	t.Setenv("CI", "")
	t.Setenv("NO_COLOR", "1")
}

// answer runs ask in the background and returns a func that waits for
// its result.
func answer[T any](ask func() (T, error)) func(t *testing.T) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := ask()
		ch <- result{v, err}
	}()
	return func(t *testing.T) (T, error) {
		t.Helper()
		select {
		case r := <-ch:
			return r.v, r.err
		case <-time.After(10 * time.Second):
			t.Fatal("the prompt never returned")
			panic("unreachable")
		}
	}
}

func TestConfirm_ReadsTheAnswerFromTheTerminal(t *testing.T) {
	noCI(t)
	for _, tc := range []struct {
		name, keys string
		opts       []dax.PromptOption[bool]
		want       bool
	}{
		{"y", "y\r", nil, true},
		{"N", "N\r", nil, false},
		{"changed mind", "yn\r", nil, false},
		{"enter takes the default", "\r", []dax.PromptOption[bool]{dax.Default(true)}, true},
		{"enter without a default waits for an answer", "\rq\r\x7fy\r", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := newTerminal(t)
			wait := answer(func() (bool, error) { return term.sh.Confirm(context.Background(), "Deploy?", tc.opts...) })
			term.typeIn(t, "Deploy?", tc.keys)
			got, err := wait(t)
			if err != nil || got != tc.want {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
			term.checkRestored(t)
			term.checkShows(t, "Deploy? "+map[bool]string{true: "yes", false: "no"}[tc.want])
		})
	}
}

func TestConfirm_CtrlCInterruptsAndRestoresTheTerminal(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	wait := answer(func() (bool, error) { return term.sh.Confirm(context.Background(), "Deploy?", dax.Default(true)) })
	term.typeIn(t, "Deploy?", "\x03")
	_, err := wait(t)
	if !errors.Is(err, dax.ErrInterrupted) {
		t.Errorf("got %v, want ErrInterrupted", err)
	}
	term.checkRestored(t)
}

func TestPrompts_StopWhenTheContextIsDoneAndLeaveTheTerminalToTheNext(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	ctx, cancel := context.WithCancel(context.Background())
	wait := answer(func() (string, error) { return term.sh.Prompt(ctx, "Name?") })
	term.WaitFor(t, 0, "Name?")
	cancel()
	if _, err := wait(t); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	term.checkRestored(t)

	// What is typed next goes to the next prompt, not to a reader the
	// cancelled one left behind.
	wait = answer(func() (string, error) { return term.sh.Prompt(context.Background(), "Again?") })
	term.typeIn(t, "Again?", "abc\r")
	if got, err := wait(t); got != "abc" || err != nil {
		t.Errorf("the next prompt got %q, %v; want abc", got, err)
	}
}

func TestPrompts_FailAtOnceWhenTheContextIsDone(t *testing.T) {
	term := newTerminal(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := term.sh.Confirm(ctx, "Deploy?", dax.Default(true)); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestSelect_MovesWithTheArrowsAndPicksWithEnter(t *testing.T) {
	noCI(t)
	options := []string{"dev", "staging", "prod"}
	for _, tc := range []struct {
		name, keys string
		opts       []dax.PromptOption[int]
		want       int
	}{
		{"first by default", "\r", nil, 0},
		{"arrows", "\x1b[B\x1b[B\x1b[A\r", nil, 1},
		{"up wraps around", "\x1b[A\r", nil, 2},
		{"application-mode arrows and j/k", "\x1bOBjk\r", nil, 1},
		{"starts at the default", "\r", []dax.PromptOption[int]{dax.Default(2)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := newTerminal(t)
			wait := answer(func() (int, error) { return term.sh.Select(context.Background(), "Stage?", options, tc.opts...) })
			term.typeIn(t, "prod", tc.keys)
			if got, err := wait(t); got != tc.want || err != nil {
				t.Errorf("got %d, %v; want %d", got, err, tc.want)
			}
			term.checkRestored(t)
			term.checkShows(t, "Stage? "+options[tc.want])
		})
	}
}

func TestMultiSelect_SpaceTogglesAndEnterPicks(t *testing.T) {
	noCI(t)
	options := []string{"api", "worker", "web"}
	for _, tc := range []struct {
		name, keys string
		opts       []dax.PromptOption[[]int]
		want       []int
	}{
		{"none", "\r", nil, nil},
		{"first and last", " \x1b[B\x1b[B \r", nil, []int{0, 2}},
		{"toggled twice", "  \r", nil, nil},
		{"defaults selected at first", " \r", []dax.PromptOption[[]int]{dax.Default([]int{1})}, []int{0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := newTerminal(t)
			wait := answer(func() ([]int, error) {
				return term.sh.MultiSelect(context.Background(), "Roll out?", options, tc.opts...)
			})
			term.typeIn(t, "web", tc.keys)
			got, err := wait(t)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("picked (-want +got):\n%s", diff)
			}
			term.checkRestored(t)
		})
	}
}

func TestPrompt_ReadsALineWithBackspace(t *testing.T) {
	noCI(t)
	for _, tc := range []struct {
		name, keys string
		opts       []dax.PromptOption[string]
		want       string
	}{
		{"typed", "eu-west-1\r", nil, "eu-west-1"},
		{"backspace", "eu-wesz\x7ft-1\r", nil, "eu-west-1"},
		{"not ASCII", "héllo wörld\r", nil, "héllo wörld"},
		{"empty", "\r", nil, ""},
		{"default", "\r", []dax.PromptOption[string]{dax.Default("us-east-1")}, "us-east-1"},
		{"typed over the default", "x\r", []dax.PromptOption[string]{dax.Default("us-east-1")}, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := newTerminal(t)
			wait := answer(func() (string, error) { return term.sh.Prompt(context.Background(), "Region?", tc.opts...) })
			term.typeIn(t, "Region?", tc.keys)
			if got, err := wait(t); got != tc.want || err != nil {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
			term.checkRestored(t)
		})
	}
}

func TestPromptSecret_ReturnsASecretAndNeverShowsIt(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	wait := answer(func() (dax.Secret, error) { return term.sh.PromptSecret(context.Background(), "Token?") })
	term.typeIn(t, "Token?", "s3cr3t")
	term.WaitFor(t, 0, "******")
	term.Type(t, "\r")
	got, err := wait(t)
	if string(got) != "s3cr3t" || err != nil {
		t.Errorf("got %q, %v; want the secret typed", string(got), err)
	}
	if out := term.Shown(); strings.Contains(out, "s3cr3t") {
		t.Errorf("the terminal showed the secret: %q", out)
	}
	term.checkRestored(t)
}

func TestPrompts_ReturnTheirDefaultsInCIWithoutDrawing(t *testing.T) {
	t.Setenv("CI", "true")
	term := newTerminal(t)
	var log bytes.Buffer
	sh, err := dax.New(dax.WithStdin(term.Tty), dax.WithLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ok, err := sh.Confirm(ctx, "Deploy?", dax.Default(true))
	if !ok || err != nil {
		t.Errorf("Confirm: got %v, %v; want the default, true", ok, err)
	}
	if _, err := sh.Select(ctx, "Stage?", []string{"dev"}); !errors.Is(err, dax.ErrNoTerminal) {
		t.Errorf("Select without a default: got %v, want ErrNoTerminal", err)
	}
	if want := "info: Deploy? yes (the default: CI is true)\n"; log.String() != want {
		t.Errorf("logged %q, want %q", log.String(), want)
	}
	time.Sleep(50 * time.Millisecond) // for anything drawn to arrive
	if out := term.Shown(); out != "" {
		t.Errorf("drew %q on the terminal in CI", out)
	}
}

func TestPrompts_RejectDefaultsThatAreNotOptions(t *testing.T) {
	ctx := context.Background()
	if _, err := dax.Select(ctx, "Stage?", []string{"dev"}, dax.Default(1)); err == nil || !strings.Contains(err.Error(), "default 1 is not an option's index (0 to 0)") {
		t.Errorf("Select: got %v", err)
	}
	if _, err := dax.MultiSelect(ctx, "Stage?", []string{"dev"}, dax.Default([]int{-1})); err == nil || !strings.Contains(err.Error(), "default -1") {
		t.Errorf("MultiSelect: got %v", err)
	}
	if _, err := dax.MultiSelect(ctx, "Stage?", nil); err == nil || !strings.Contains(err.Error(), "no options") {
		t.Errorf("MultiSelect without options: got %v", err)
	}
}

func TestPrompts_LinesLoggedMeanwhileGoAboveThePrompt(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	wait := answer(func() (bool, error) { return term.sh.Confirm(context.Background(), "Deploy?") })
	term.WaitFor(t, 0, "Deploy?")
	term.sh.Info("plan: 3 targets")
	term.sh.Info("two lines\nof text")
	at := term.WaitFor(t, 0, "of text")
	term.WaitFor(t, at, "Deploy?") // drawn again below
	want := []string{"info: plan: 3 targets", "info: two lines", "of text", "Deploy? (y/n) █"}
	if diff := cmp.Diff(want, render(term.Shown())); diff != "" {
		t.Errorf("screen while asking (-want +got):\n%s", diff)
	}
	term.typeIn(t, "Deploy?", "y\r")
	if got, err := wait(t); !got || err != nil {
		t.Errorf("got %v, %v", got, err)
	}
}

// These run the test binary again as a process of its own session: with
// no controlling terminal at all, or with a pseudo-terminal as its
// controlling terminal and stdin piped.

func TestPrompts_ReturnDefaultsWithoutAnyTerminalAndNeverBlock(t *testing.T) {
	out := runPromptChild(t, nil, "", "defaults")
	want := "true <nil>\nfalse confirm \"Deploy?\": no terminal to ask on (open /dev/tty: no such device or address), and no default was given\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestPrompts_ReadTheTerminalWhenStdinIsPiped(t *testing.T) {
	term := daxtest.NewTerminal(t)
	go func() {
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(term.Shown(), "Deploy?") && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		term.Type(t, "y\r")
	}()
	out := runPromptChild(t, term.Tty, "n\nn\n", "ask")
	if want := "true <nil>\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// runPromptChild runs TestPromptChild in a new session, to do what, with
// stdin giving stdin, and ctty as its controlling terminal when not nil,
// and returns its standard output.
func runPromptChild(t *testing.T, ctty *os.File, stdin, what string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestPromptChild$")
	cmd.Env = append(os.Environ(), "GODAX_PROMPT_CHILD="+what, "CI=")
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if ctty != nil {
		cmd.ExtraFiles = []*os.File{ctty}
		cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, 3
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	out, _, _ := strings.Cut(stdout.String(), "PASS")
	return out
}

func TestPromptChild(t *testing.T) {
	ctx := context.Background()
	switch os.Getenv("GODAX_PROMPT_CHILD") {
	case "defaults":
		ok, err := dax.Confirm(ctx, "Deploy?", dax.Default(true))
		fmt.Println(ok, err)
		ok, err = dax.Confirm(ctx, "Deploy?")
		fmt.Println(ok, err)
	case "ask":
		ok, err := dax.Confirm(ctx, "Deploy?")
		fmt.Println(ok, err)
	default:
		t.Skip("run by the tests above")
	}
}

func TestPrompts_LeaveTheTerminalReadableByOthers(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	wait := answer(func() (bool, error) { return term.sh.Confirm(context.Background(), "Deploy?") })
	term.typeIn(t, "Deploy?", "y\r")
	if _, err := wait(t); err != nil {
		t.Fatal(err)
	}
	term.Type(t, "next\n")
	buf := make([]byte, 16)
	n, err := term.Tty.Read(buf)
	if got := string(buf[:n]); got != "next\n" || err != nil {
		t.Errorf("reading the terminal after the prompt got %q, %v; want the next line", got, err)
	}
}
