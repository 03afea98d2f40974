package dax

import (
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// A liveView is text redrawn in place below the log on a terminal: a
// progress bar or a prompt. Log lines written meanwhile go above it.
type liveView struct {
	w      io.Writer
	logger io.Writer                // whose groups indent it
	raw    bool                     // the terminal is in raw mode: lines end in \r\n
	render func(width int) []string // called with logMu held
	drawn  int                      // lines on screen
}

// liveViews are the views on screen, top to bottom; logMu guards them.
var liveViews []*liveView

// showLive adds v below the others and draws it. logMu must be held.
func showLive(v *liveView) {
	liveViews = append(liveViews, v)
	v.draw()
}

// hideLive erases v and removes it, leaving the others drawn. logMu must
// be held.
func hideLive(v *liveView) {
	clearLive()
	liveViews = slices.DeleteFunc(liveViews, func(o *liveView) bool { return o == v })
	drawLive()
}

// redrawLive draws every view again, as after a change. logMu must be
// held.
func redrawLive() {
	clearLive()
	drawLive()
}

// clearLive erases the views, bottom first. logMu must be held.
func clearLive() {
	for _, v := range slices.Backward(liveViews) {
		if v.drawn > 0 {
			// Up to the view's first line, then erase to the end of the screen.
			_, _ = io.WriteString(v.w, "\r\x1b["+strconv.Itoa(v.drawn)+"A\x1b[J")
			v.drawn = 0
		}
	}
}

// drawLive draws the views, top first. logMu must be held.
func drawLive() {
	for _, v := range liveViews {
		v.draw()
	}
}

// rawLive reports whether a view put its terminal in raw mode. logMu must
// be held.
func rawLive() bool {
	return slices.ContainsFunc(liveViews, func(v *liveView) bool { return v.raw })
}

// draw writes v's lines, leaving the cursor at the start of the line
// below them, so that the next log line or view starts there.
func (v *liveView) draw() {
	width := termWidth(v.w)
	lines := v.render(width)
	var b strings.Builder
	indent := indentOf(v.logger)
	for _, l := range lines {
		b.WriteString(fitWidth(indent+l, width-1)) // a full line would wrap on some terminals
		b.WriteString("\x1b[K\r\n")
	}
	_, _ = io.WriteString(v.w, b.String()) // a terminal that cannot be written to shows nothing
	v.drawn = len(lines)
}

// termWidth returns the width of the terminal w, or 80 when it cannot
// tell.
func termWidth(w io.Writer) int {
	width := 0
	if f, ok := w.(*os.File); ok {
		// Through the raw connection, so that the file stays non-blocking.
		if c, err := f.SyscallConn(); err == nil {
			_ = c.Control(func(fd uintptr) { width, _, _ = term.GetSize(int(fd)) })
		}
	}
	if width <= 0 {
		return 80
	}
	return width
}

// fitWidth cuts s to at most width visible characters, not counting
// escape sequences, and resets the colour when it cuts.
func fitWidth(s string, width int) string {
	seen := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			i += skipEscape(s[i:])
			continue
		}
		if seen == width {
			return s[:i] + "\x1b[0m"
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
		seen++
	}
	return s
}
