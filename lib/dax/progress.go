package dax

import (
	"context"
	"github.com/godax/godax/lib/dax/envvar"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProgressBar shows how far some work has got: a bar when its length is
// known, a spinner when it is not, and a message. Make one with
// [Progress] or [Shell.Progress]; its methods are safe for concurrent use.
type ProgressBar struct {
	sh      *Shell
	view    *liveView // nil when not drawn on a terminal
	every   time.Duration
	delay   time.Duration
	color   bool
	started time.Time
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once

	mu      sync.Mutex
	message string
	pos     int
	length  int
	tick    int
	changed bool // since the last plain line
	dirty   bool // since the last drawing
}

// ProgressOption configures a [ProgressBar].
type ProgressOption func(*ProgressBar)

// ProgressLength sets the length of the work, and makes the progress a
// bar. The default is 0: unknown, shown as a spinner. See
// [ProgressBar.SetLength].
func ProgressLength(n int) ProgressOption {
	return func(p *ProgressBar) { p.length = max(n, 0) }
}

// ProgressEvery sets how often at most a plain progress line is logged
// when there is no terminal to draw on, or CI is true. The default is 5s;
// d must be positive, or the default is kept.
func ProgressEvery(d time.Duration) ProgressOption {
	return func(p *ProgressBar) {
		if d > 0 {
			p.every = d
		}
	}
}

// ProgressDelay makes the progress appear only once d has passed, so
// that work which ends sooner shows none. The default is 0: at once.
func ProgressDelay(d time.Duration) ProgressOption {
	return func(p *ProgressBar) { p.delay = max(d, 0) }
}

// spinner are the frames of the spinner, one per redraw.
var spinner = [...]string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// redrawEvery is how often a progress bar on a terminal is redrawn.
const redrawEvery = 100 * time.Millisecond

// Progress shows progress of some work, with message, on the default
// logger (standard error) until [ProgressBar.Done] is called or ctx is
// done.
//
//	bar := dax.Progress(ctx, "Rolling out "+service, dax.ProgressLength(desired))
//	defer bar.Done()
//	for ... { bar.SetPosition(running) }
//
// On a terminal it is drawn below the log and redrawn in place; log lines
// written meanwhile, from any goroutine, go above it. Elsewhere it logs a
// plain line like [Info] at once, then at most every 5s while the work
// goes on ([ProgressEvery]), so CI logs show it without flooding.
//
// # Environment
//
// With CI=true it logs plain lines even on a terminal.
func Progress(ctx context.Context, message string, opts ...ProgressOption) *ProgressBar {
	return defaultShell.Progress(ctx, message, opts...)
}

// Progress shows progress on the Shell's logger; see the package-level
// [Progress].
func (sh *Shell) Progress(ctx context.Context, message string, opts ...ProgressOption) *ProgressBar {
	_, _, _, logger := sh.streams()
	p := &ProgressBar{
		sh:      sh,
		every:   5 * time.Second,
		started: time.Now(),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		message: message,
	}
	for _, o := range opts {
		o(p)
	}
	if !isCI() && isTerminal(logger) {
		p.color = useColor(logger)
		p.view = &liveView{w: logger, logger: logger, render: p.render}
	}
	if p.delay == 0 {
		p.show()
	}
	go p.run(ctx)
	return p
}

// show makes the progress appear: drawn, or as its first plain line.
func (p *ProgressBar) show() {
	if p.view == nil {
		p.logPlain()
		return
	}
	logMu.Lock()
	showLive(p.view)
	logMu.Unlock()
}

// run shows the progress after its delay, and keeps it up to date until
// it is done.
func (p *ProgressBar) run(ctx context.Context) {
	defer close(p.stopped)
	if p.delay > 0 {
		t := time.NewTimer(p.delay)
		defer t.Stop()
		select {
		case <-t.C:
			p.show()
		case <-ctx.Done():
			return
		case <-p.stop:
			return
		}
	}
	if p.view == nil {
		p.runPlain(ctx)
	} else {
		p.runLive(ctx)
	}
}

// SetMessage changes the message shown to message.
func (p *ProgressBar) SetMessage(message string) { p.update(func() { p.message = message }) }

// SetLength sets the length of the work; 0 means unknown, shown as a
// spinner.
func (p *ProgressBar) SetLength(n int) { p.update(func() { p.length = max(n, 0) }) }

// SetPosition sets how much of the work is done.
func (p *ProgressBar) SetPosition(n int) { p.update(func() { p.pos = max(n, 0) }) }

// Add adds n to how much of the work is done.
func (p *ProgressBar) Add(n int) { p.update(func() { p.pos = max(p.pos+n, 0) }) }

func (p *ProgressBar) update(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
	p.changed, p.dirty = true, true
}

// Done stops showing the progress and erases it from the terminal. It
// returns once nothing more will be drawn or logged for p. Call it when
// the work ends, however it ends (defer bar.Done()); calling it again does
// nothing.
func (p *ProgressBar) Done() {
	p.once.Do(func() { close(p.stop) })
	<-p.stopped
}

// runLive redraws the bar until it is done, then erases it.
func (p *ProgressBar) runLive(ctx context.Context) {
	t := time.NewTicker(redrawEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.mu.Lock()
			p.tick++
			stale := p.dirty || p.length <= 0 // a spinner turns
			p.mu.Unlock()
			if stale {
				logMu.Lock()
				redrawLive()
				logMu.Unlock()
			}
		case <-ctx.Done():
			logMu.Lock()
			hideLive(p.view)
			logMu.Unlock()
			return
		case <-p.stop:
			logMu.Lock()
			hideLive(p.view)
			logMu.Unlock()
			return
		}
	}
}

// runPlain logs a plain line at most every p.every, when something
// changed or six periods went by without a line, until p is done.
func (p *ProgressBar) runPlain(ctx context.Context) {
	t := time.NewTicker(p.every)
	defer t.Stop()
	quiet := 0
	for {
		select {
		case <-t.C:
			p.mu.Lock()
			changed := p.changed
			p.mu.Unlock()
			if quiet++; changed || quiet == 6 {
				p.logPlain()
				quiet = 0
			}
		case <-ctx.Done():
			return
		case <-p.stop:
			return
		}
	}
}

// logPlain logs the progress as a line like "info: Waiting (2/3, 5s)".
func (p *ProgressBar) logPlain() {
	p.mu.Lock()
	msg, pos, length := p.message, p.pos, p.length
	p.changed = false
	p.mu.Unlock()
	var detail []string
	if length > 0 {
		detail = append(detail, strconv.Itoa(pos)+"/"+strconv.Itoa(length))
	} else if pos > 0 {
		detail = append(detail, strconv.Itoa(pos))
	}
	if d := time.Since(p.started); d >= time.Second {
		detail = append(detail, d.Round(time.Second).String())
	}
	if len(detail) > 0 {
		msg += " (" + strings.Join(detail, ", ") + ")"
	}
	p.sh.log(levelInfo, "%s", msg)
}

// render returns the bar's line for a terminal width columns wide:
// "⠋ message (3)" or "message [#####>----] 3/5".
func (p *ProgressBar) render(width int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dirty = false
	green, cyan, reset := "", "", ""
	if p.color {
		green, cyan, reset = "\x1b[32m", "\x1b[36m", "\x1b[0m"
	}
	if p.length <= 0 {
		line := green + spinner[p.tick%len(spinner)] + reset + " " + p.message
		if p.pos > 0 {
			line += " (" + strconv.Itoa(p.pos) + ")"
		}
		return []string{line}
	}
	count := " " + strconv.Itoa(min(p.pos, p.length)) + "/" + strconv.Itoa(p.length)
	bars := min(30, width-len(count)-len(p.message)-8)
	if bars < 5 {
		return []string{p.message + count}
	}
	full := bars * min(p.pos, p.length) / p.length
	bar := strings.Repeat("#", full)
	if full < bars {
		bar = strings.Repeat("#", max(full-1, 0)) + ">"[:min(full, 1)] + strings.Repeat("-", bars-full)
	}
	return []string{p.message + " " + cyan + "[" + bar + "]" + reset + count}
}

// isCI reports whether CI is true, which makes dax behave as if there was
// no terminal.
// isCI reports whether CI says the program runs in continuous integration,
// by envvar's one rule.
func isCI() bool { return envvar.CI(os.Getenv("CI")) }
