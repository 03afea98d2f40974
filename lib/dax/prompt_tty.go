package dax

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

// ErrNoTerminal is the cause of a prompt's error when there is no
// terminal to ask on, or CI is true, and no default was given.
var ErrNoTerminal = errors.New("no terminal to ask on")

// ErrInterrupted is the cause of a prompt's error when it was interrupted
// with Ctrl-C or Ctrl-D. Its ExitStatus is 130, as for a shell's Ctrl-C,
// so Mage exits with it.
var ErrInterrupted error = interruptedError{}

type interruptedError struct{}

func (interruptedError) Error() string { return "interrupted" }

// ExitStatus returns 130, the status of a program stopped by SIGINT.
func (interruptedError) ExitStatus() int { return 130 }

// A question is what a prompt asks, drawn and answered on a terminal.
type question interface {
	// lines returns what to draw, for a terminal width columns wide.
	lines(width int) []string
	// key handles a key, and reports whether the question is answered.
	key(k key) (answered bool)
	// answer returns the answer as shown once given, like "yes".
	answer() string
}

// keyCode is a key that is not a character.
type keyCode int

const (
	keyRune keyCode = iota
	keyEnter
	keyBackspace
	keyUp
	keyDown
	keyInterrupt
)

// key is a key pressed: a character, or a code.
type key struct {
	code keyCode
	r    rune
}

// ask asks q on the Shell's terminal. Without one it returns ok false
// and why, to use the default, or an error naming kind and message when
// there is no default.
func (sh *Shell) ask(ctx context.Context, kind, message string, hasDefault bool, q question) (ok bool, why string, err error) {
	if err := ctx.Err(); err != nil {
		return false, "", fmt.Errorf("%s %q: %w", kind, message, err)
	}
	tty, release, noTTY := sh.openTerminal()
	if noTTY != nil {
		if !hasDefault {
			return false, "", fmt.Errorf("%s %q: %w (%v), and no default was given", kind, message, ErrNoTerminal, noTTY)
		}
		return false, noTTY.Error(), nil
	}
	defer release()
	restore, err := makeRaw(tty)
	if err != nil {
		return false, "", fmt.Errorf("%s %q: %w", kind, message, err)
	}
	defer restore()
	_, _, _, logger := sh.streams()
	view := &liveView{w: tty, logger: logger, raw: true, render: q.lines}
	logMu.Lock()
	_, _ = io.WriteString(tty, "\x1b[?25l") // hide the cursor while drawing
	showLive(view)
	logMu.Unlock()

	keys, stopReading := readKeys(tty)
	answered := false
	for !answered && err == nil {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case k, open := <-keys:
			switch {
			case !open:
				err = errors.New("terminal closed")
			case k.code == keyInterrupt:
				err = ErrInterrupted
			default:
				logMu.Lock()
				answered = q.key(k)
				if !answered {
					redrawLive()
				}
				logMu.Unlock()
			}
		}
	}
	stopReading()

	logMu.Lock()
	clearLive()
	liveViews = slices.DeleteFunc(liveViews, func(v *liveView) bool { return v == view })
	summary := message + " " + q.answer()
	if err != nil {
		summary = message + " (" + err.Error() + ")"
	}
	_, _ = io.WriteString(tty, indentOf(logger)+summary+"\r\n\x1b[?25h")
	drawLive()
	logMu.Unlock()
	if err != nil {
		return false, "", fmt.Errorf("%s %q: %w", kind, message, err)
	}
	return true, "", nil
}

// openTerminal returns the terminal to ask on, read and written, and the
// func to call when done with it; or why there is none. It is the Shell's
// stdin when that was set ([WithStdin]) to a terminal, and otherwise
// /dev/tty, so that prompts work when stdin is piped.
func (sh *Shell) openTerminal() (tty *os.File, release func(), why error) {
	if isCI() {
		return nil, nil, errors.New("CI is true")
	}
	name := "/dev/tty"
	if f, ok := sh.stdin.(*os.File); ok && isTerminal(f) {
		// Reading it must stop when the prompt does: a file that takes no
		// deadlines is opened again.
		if f.SetReadDeadline(time.Time{}) == nil {
			return f, func() {}, nil
		}
		name = f.Name()
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	if !isTerminal(f) {
		_ = f.Close()
		return nil, nil, fmt.Errorf("%s is not a terminal", name)
	}
	return f, func() { _ = f.Close() }, nil
}

// makeRaw puts the terminal tty in raw mode, and returns the func that
// restores it.
func makeRaw(tty *os.File) (restore func(), err error) {
	c, err := tty.SyscallConn()
	if err != nil {
		return nil, err
	}
	var state *term.State
	if cerr := c.Control(func(fd uintptr) { state, err = term.MakeRaw(int(fd)) }); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, fmt.Errorf("raw terminal: %w", err)
	}
	return func() { _ = c.Control(func(fd uintptr) { _ = term.Restore(int(fd), state) }) }, nil
}

// readKeys reads keys from tty until stop is called, or tty fails, when
// keys is closed. stop returns once nothing more will be read, where tty
// takes deadlines.
func readKeys(tty *os.File) (keys <-chan key, stop func()) {
	ch := make(chan key)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(ch)
		var pending []byte
		buf := make([]byte, 256)
		for {
			n, err := tty.Read(buf)
			var ks []key
			ks, pending = decodeKeys(append(pending, buf[:n]...))
			for _, k := range ks {
				select {
				case ch <- k:
				case <-done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			close(done)
			if tty.SetReadDeadline(time.Now()) == nil {
				<-finished
				_ = tty.SetReadDeadline(time.Time{}) // for whoever reads tty next
			}
		})
	}
}

// decodeKeys returns the keys in b, and what is left of b when it ends
// within a character.
func decodeKeys(b []byte) (keys []key, rest []byte) {
	for len(b) > 0 {
		c := b[0]
		switch {
		case c == 3 || c == 4: // Ctrl-C, Ctrl-D
			keys = append(keys, key{code: keyInterrupt})
		case c == '\r' || c == '\n':
			keys = append(keys, key{code: keyEnter})
		case c == 0x7f || c == 8:
			keys = append(keys, key{code: keyBackspace})
		case c == 0x1b:
			n := skipEscape(string(b))
			if n == 3 && (b[1] == '[' || b[1] == 'O') {
				switch b[2] {
				case 'A':
					keys = append(keys, key{code: keyUp})
				case 'B':
					keys = append(keys, key{code: keyDown})
				}
			} else if n == 2 && b[1] == 'O' && len(b) > 2 { // SS3: ESC O A
				n = 3
				switch b[2] {
				case 'A':
					keys = append(keys, key{code: keyUp})
				case 'B':
					keys = append(keys, key{code: keyDown})
				}
			}
			b = b[n:]
			continue
		case c < 0x20:
			// Other control characters mean nothing here.
		default:
			if !utf8.FullRune(b) {
				return keys, b
			}
			r, n := utf8.DecodeRune(b)
			if unicode.IsPrint(r) {
				keys = append(keys, key{code: keyRune, r: r})
			}
			b = b[n:]
			continue
		}
		b = b[1:]
	}
	return keys, nil
}
