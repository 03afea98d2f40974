package deploy

import (
	"context"
	"time"

	"github.com/godax/godax/lib/dax"
)

// ShowAfter is how long a wait, or a whole run, goes on before a
// [ShellReporter] shows its progress, so that work which ends sooner adds
// nothing to the log.
const ShowAfter = 2 * time.Second

// ShellReporter is a [WaitReporter] that logs through a [dax.Shell]: each
// progress line and each finished target as an info line, a bar counting
// the targets finished, and a bar of running/desired tasks (ECS) or a
// spinner with the last update status (Lambda) for each wait. Bars appear
// only for work that lasts longer than [ShowAfter]. Make one with
// [NewShellReporter], and Close it when the run ends.
//
// On a terminal the bars are drawn below the log, and lines logged
// meanwhile go above them whole. Without one, or with CI=true, dax logs
// the bars as plain lines at most every few seconds, so CI logs stay
// readable.
type ShellReporter struct {
	sh    *dax.Shell
	fleet *dax.ProgressBar
}

var _ WaitReporter = (*ShellReporter)(nil)

// NewShellReporter returns a [ShellReporter] logging through sh for a run
// of total targets. Its bars stop when ctx is done, or on Close.
func NewShellReporter(ctx context.Context, sh *dax.Shell, total int) *ShellReporter {
	return &ShellReporter{
		sh:    sh,
		fleet: sh.Progress(ctx, "deploying", dax.ProgressLength(total), dax.ProgressDelay(ShowAfter)),
	}
}

// Progress logs "target: line" as an info line.
func (r *ShellReporter) Progress(target, line string) {
	r.sh.Info("%s: %s", printable(target), printable(line))
}

// Done logs how the target ended and how long it took, and advances the
// bar of targets finished.
func (r *ShellReporter) Done(o Outcome) {
	r.sh.Info("%s", doneLine(o))
	r.fleet.Add(1)
}

// Wait shows target's wait for what, once it has lasted [ShowAfter].
func (r *ShellReporter) Wait(ctx context.Context, target, what string) Wait {
	message := printable(target) + ": " + what
	return &shellWait{bar: r.sh.Progress(ctx, message, dax.ProgressDelay(ShowAfter)), message: message}
}

// Close stops showing the bar of targets finished, and erases it from the
// terminal. Calling it again does nothing.
func (r *ShellReporter) Close() { r.fleet.Done() }

// shellWait is a [Wait] shown as a dax progress bar.
type shellWait struct {
	bar     *dax.ProgressBar
	message string
}

func (w *shellWait) Update(status string, done, total int) {
	if status != "" {
		w.bar.SetMessage(w.message + " (" + status + ")")
	}
	if total > 0 {
		w.bar.SetLength(total)
		w.bar.SetPosition(done)
	}
}

func (w *shellWait) End() { w.bar.Done() }
