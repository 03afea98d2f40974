package deploy

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Target is one place an image is deployed to: an ECS service, a Lambda
// function, or a kind of your own. [RunAll] deploys to many at once.
//
// A new kind implements Target in a file of its own: Plan reads and
// changes nothing, Deploy changes and waits, sending its progress lines
// with [Progress], and every error names the target.
type Target interface {
	// String names the target in messages, tables and errors.
	String() string
	// Plan returns the change Deploy would make for img. It changes nothing.
	Plan(ctx context.Context, img Image) (Plan, error)
	// Deploy rolls img out and waits until the target runs it.
	Deploy(ctx context.Context, img Image) (Result, error)
	// Status reads what the target runs now.
	Status(ctx context.Context) (Status, error)
	// Rollback puts the target back on what it ran before res, as its
	// Plan recorded.
	Rollback(ctx context.Context, res Result) error
}

var (
	_ Target = (*ECS)(nil)
	_ Target = (*Lambda)(nil)
)

// Plan is the change a [Target] makes, or would make.
type Plan struct {
	// Target is the target's name, as its String says.
	Target string
	// OldImage and NewImage are the image before and after.
	OldImage string
	NewImage string
	// Revision is what the target runs now: a task definition ARN, or the
	// version a Lambda alias points at ("" when the alias does not exist
	// yet; $LATEST without an alias).
	Revision string
	// Change says on one line what else Deploy does, such as "container
	// app" or "publish a version and point alias live at it".
	Change string
}

// Unchanged reports whether the target already runs the new image.
func (p Plan) Unchanged() bool { return p.OldImage == p.NewImage }

// String describes the plan on one line.
func (p Plan) String() string {
	s := p.Target
	if p.Change != "" {
		s += " (" + p.Change + ")"
	}
	if p.Revision != "" {
		s += ", now " + revisionLabel(p.Revision)
	}
	if p.Unchanged() {
		return s + ": already runs " + p.NewImage + "; nothing to change"
	}
	return s + ": " + p.OldImage + " -> " + p.NewImage
}

// Result is the outcome of [Target.Deploy].
type Result struct {
	Plan
	// NewRevision is what the target runs after the deploy: the task
	// definition registered, or the Lambda version published. It is empty
	// when the deploy failed before making one.
	NewRevision string
	// Unchanged reports that the target already ran the image, so nothing
	// new was registered or updated.
	Unchanged bool
	// RolledBack reports that the target was put back on Plan.Revision
	// after the rollout failed.
	RolledBack bool
	// Sent reports that the change reached the target, or may have: the
	// update call (UpdateService, UpdateFunctionCode, UpdateAlias)
	// succeeded, or was cut off before AWS answered. A deploy that fails
	// after sending may have left the target on the new image.
	Sent bool
}

// String describes the outcome on one line.
func (r Result) String() string {
	if r.RolledBack {
		return fmt.Sprintf("%s is back on %s (%s did not roll out)", r.Target, revisionLabel(r.Revision), orDash(revisionLabel(r.NewRevision)))
	}
	s := r.Target + " runs " + r.NewImage
	if r.NewRevision != "" {
		s += " as " + revisionLabel(r.NewRevision)
	}
	if r.Unchanged {
		s += " (unchanged)"
	}
	return s
}

// Status is what a [Target] runs now.
type Status struct {
	// Target is the target's name, as its String says.
	Target string
	// Image is the image it runs; for an ECS service with several
	// containers and none chosen, NAME=IMAGE for each, comma-separated.
	Image string
	// Revision is the task definition, or the Lambda version the alias
	// points at ($LATEST without an alias).
	Revision string
	// Detail is the rest on one line: task counts and the last event, or
	// the alias and the last update's status.
	Detail string
}

// String describes the status on one line.
func (st Status) String() string {
	return fmt.Sprintf("%s -> %s -> %s (%s)", st.Target, revisionLabel(st.Revision), st.Image, st.Detail)
}

// ShortRevision returns family:revision from a task definition ARN, and
// anything else as it is.
func ShortRevision(rev string) string {
	if _, after, ok := strings.Cut(rev, ":task-definition/"); ok {
		return after
	}
	return rev
}

type runKey struct{}

// runTarget is what a context carries for a target deployed by [RunAll]:
// the run's reporter, and the target's name.
type runTarget struct {
	reporter Reporter
	target   string
}

// underRun returns ctx carrying r, to which [Progress] and [Waiting]
// report for target.
func underRun(ctx context.Context, r Reporter, target string) context.Context {
	return context.WithValue(ctx, runKey{}, runTarget{reporter: r, target: target})
}

// Progress sends one progress line from target, running under ctx: to the
// [Reporter] of [RunAll] when the target runs under it, else to w (the
// writer set with [WithProgress]; nil drops it) as "TARGET: LINE". A kind
// of target of your own calls it while it waits.
func Progress(ctx context.Context, w io.Writer, target, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if rt, ok := ctx.Value(runKey{}).(runTarget); ok {
		rt.reporter.Progress(rt.target, line)
		return
	}
	if w != nil {
		fmt.Fprintf(w, "%s: %s\n", target, line)
	}
}

// Waiting reports that target, running under ctx, starts a wait that may
// be long, such as a rollout; what says for what ("rolling out"). The
// returned [Wait] takes the wait's progress and its end, and hands them
// to the [Reporter] of [RunAll] when that is a [WaitReporter]; otherwise
// it drops them, and only the lines sent with [Progress] show. A kind of
// target of your own calls it before it waits:
//
//	w := deploy.Waiting(ctx, d.String(), "rolling out")
//	defer w.End()
//	... w.Update("", running, desired) after each poll
func Waiting(ctx context.Context, target, what string) Wait {
	if rt, ok := ctx.Value(runKey{}).(runTarget); ok {
		if wr, ok := rt.reporter.(WaitReporter); ok {
			return wr.Wait(ctx, rt.target, what)
		}
	}
	return noWait{}
}

// WaitReporter is a [Reporter] that also shows each wait of a target as
// it goes, as a progress bar does. [RunAll] hands it the waits its
// targets report with [Waiting]. [NewShellReporter] makes one.
type WaitReporter interface {
	Reporter
	// Wait reports that target started waiting, for what; ctx ends when
	// the target's deploy does.
	Wait(ctx context.Context, target, what string) Wait
}

// Wait is one wait of a target, reported with [Waiting].
type Wait interface {
	// Update reports how far the wait has got: status is a short word,
	// such as Lambda's "InProgress", or ""; done is how much of total is
	// done, such as running of desired tasks, and total is 0 when the
	// wait is not counted.
	Update(status string, done, total int)
	// End reports that the wait is over, however it ended. Calling it
	// again does nothing.
	End()
}

type noWait struct{}

func (noWait) Update(string, int, int) {}
func (noWait) End()                    {}

// revisionLabel is [ShortRevision], with "version " before a Lambda
// version number.
func revisionLabel(rev string) string {
	if rev != "" && strings.Trim(rev, "0123456789") == "" {
		return "version " + rev
	}
	return ShortRevision(rev)
}
