package daxtest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/godax/godax/lib/dax"
)

// Terminal is a pseudo-terminal for a test of what a script shows on a
// terminal and reads from it: prompts, progress bars, coloured logs. Give
// [Terminal.Tty] to a Shell as its standard input and logger, type with
// [Terminal.Type], and read the screen with [Terminal.Shown] and
// [Terminal.WaitFor]. Build one with [NewTerminal]. It is on Linux only.
type Terminal struct {
	// Tty is the terminal end: what a program on a terminal has as its
	// standard streams.
	Tty *os.File

	ptmx *os.File // the controlling end: reads what is shown, writes keys

	mu  sync.Mutex
	out bytes.Buffer
}

// waitForTimeout bounds [Terminal.WaitFor].
const waitForTimeout = 30 * time.Second

// NewTerminal returns a new pseudo-terminal for the test t, whose output
// it keeps from now on, and which it closes when the test ends. It skips
// t when the system has no pseudo-terminals to give.
func NewTerminal(t testing.TB) *Terminal {
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
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skip("cannot open the pseudo-terminal:", err)
	}
	term := &Terminal{Tty: tty, ptmx: ptmx}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return // the terminal is closed
			}
		}
	}()
	t.Cleanup(func() {
		_ = tty.Close()
		_ = ptmx.Close()
		<-done
	})
	return term
}

// Type writes keys to the terminal, as a user typing them: "y\r" answers
// a question and presses Enter. It fails t with t.Errorf when the terminal
// is closed, so it may be called from any goroutine.
func (term *Terminal) Type(t testing.TB, keys string) {
	t.Helper()
	if _, err := term.ptmx.WriteString(keys); err != nil {
		t.Errorf("daxtest: type %q: %v", keys, err)
	}
}

// Shown returns all that was written to the terminal so far, escape
// sequences included; [dax.StripAnsi] leaves them out.
func (term *Terminal) Shown() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// WaitFor waits until the terminal shows want in its output after byte
// from of [Terminal.Shown], escape sequences left out, and returns the
// byte of Shown just past it: the from of a next WaitFor that wants what
// comes later. It fails t with what the terminal shows when want is not
// there within 30 seconds.
func (term *Terminal) WaitFor(t testing.TB, from int, want string) int {
	t.Helper()
	deadline := time.Now().Add(waitForTimeout)
	for {
		shown := term.Shown()
		start := min(from, len(shown))
		if end, ok := findShown(shown[start:], want); ok {
			return start + end
		}
		if time.Now().After(deadline) {
			t.Fatalf("daxtest: the terminal never showed %q after byte %d; it shows %q", want, from, shown)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// findShown returns the end of the shortest start of out that shows want
// once its escape sequences are left out.
func findShown(out, want string) (int, bool) {
	shows := func(end int) bool { return strings.Contains(dax.StripAnsi(out[:end]), want) }
	switch {
	case want == "":
		return 0, true
	case !shows(len(out)):
		return 0, false
	}
	lo, hi := 0, len(out) // out[:lo] does not show want, out[:hi] does
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if shows(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true
}
