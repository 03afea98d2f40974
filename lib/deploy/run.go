package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/errgroup"
)

// DefaultConcurrency is how many targets [RunAll], [PlanAll] and
// [StatusAll] work on at once unless [Concurrency] says otherwise.
const DefaultConcurrency = 8

// RunOption configures [RunAll], [PlanAll] and [StatusAll].
type RunOption func(*runSettings)

type runSettings struct {
	limit    int
	reporter Reporter
}

// Concurrency sets how many targets are worked on at once; n < 1 means
// [DefaultConcurrency], the default.
func Concurrency(n int) RunOption {
	return func(s *runSettings) {
		if n >= 1 {
			s.limit = n
		}
	}
}

// WithReporter sends each target's progress and outcome to r. The default
// discards them.
func WithReporter(r Reporter) RunOption {
	return func(s *runSettings) {
		if r != nil {
			s.reporter = r
		}
	}
}

// Reporter shows a run's progress. [RunAll] calls it from several
// goroutines at once; an implementation serializes what it needs to.
// [NewLineReporter] prints lines; [NewShellReporter] logs them and draws
// progress bars, as a [WaitReporter].
type Reporter interface {
	// Progress reports one line of target's progress while it works.
	Progress(target, line string)
	// Done reports that a target finished, and how.
	Done(o Outcome)
}

// Outcome is how one target of [RunAll] ended.
type Outcome struct {
	// Target is the target's name, as its String says.
	Target string
	// Result is what its Deploy returned, possibly partial on failure.
	Result Result
	// Err is its error, or nil; it names the target.
	Err error
	// Took is how long its Deploy ran.
	Took time.Duration
}

// Status is "ok", "unchanged", "rolled back", "failed" or "unknown": a
// target whose deploy failed after its change was sent (see
// [Result.Sent]), such as one interrupted while it waited, may run the new
// image or not, and so may one whose rollback was cut off; only a rollout
// that failed or timed out while the target was watched, and was not
// rolled back, is known to have failed.
func (o Outcome) Status() string {
	switch {
	case o.Result.RolledBack:
		return "rolled back"
	case o.Err != nil && o.Result.Sent && (!settled(o.Err) || errors.Is(o.Err, errRollbackUnknown)):
		return "unknown"
	case o.Err != nil:
		return "failed"
	case o.Result.Unchanged:
		return "unchanged"
	}
	return "ok"
}

// statusLine is [Outcome.Status], saying what "unknown" means.
func (o Outcome) statusLine() string {
	if st := o.Status(); st != "unknown" {
		return st
	}
	return "unknown: the change may have been applied"
}

// settled reports whether err says how a rollout ended: it failed, or did
// not finish in time, while the target was watched.
func settled(err error) bool {
	var te *TimeoutError
	return errors.As(err, &te) || errors.Is(err, errRolloutFailed)
}

// RunAll deploys img to every target, at most [Concurrency] at a time, and
// waits for all of them. One target failing does not stop or cancel the
// others. It returns each target's [Outcome], in the order of targets,
// and an error joining every target's error, each naming its target.
func RunAll(ctx context.Context, targets []Target, img Image, opts ...RunOption) ([]Outcome, error) {
	s := newRunSettings(opts)
	outcomes := make([]Outcome, len(targets))
	err := each(ctx, s, targets, func(ctx context.Context, i int, t Target) error {
		start := time.Now()
		ctx = underRun(ctx, s.reporter, t.String())
		res, err := t.Deploy(ctx, img)
		if res.Target == "" {
			res.Target = t.String()
		}
		err = named(t, err)
		outcomes[i] = Outcome{Target: t.String(), Result: res, Err: err, Took: time.Since(start)}
		s.reporter.Done(outcomes[i])
		return err
	})
	return outcomes, err
}

// PlanAll plans img for every target as [RunAll] would deploy it, at most
// [Concurrency] at a time, changing nothing. ECS services of one cluster
// are read together, ten a call; a target's Deploy that follows soon
// after deploys what its plan read, without reading it again. It returns the plans in the
// order of targets (a failed one holds only its target's name) and an
// error joining every target's error, each naming its target.
func PlanAll(ctx context.Context, targets []Target, img Image, opts ...RunOption) ([]Plan, error) {
	s := newRunSettings(opts)
	readBatches(ctx, s, targets)
	plans := make([]Plan, len(targets))
	err := each(ctx, s, targets, func(ctx context.Context, i int, t Target) error {
		p, err := t.Plan(ctx, img)
		p.Target = t.String()
		plans[i] = p
		return named(t, err)
	})
	return plans, err
}

// StatusAll reads every target's [Status], at most [Concurrency] at a
// time, in the order of targets, with an error joining every target's
// error, each naming its target.
func StatusAll(ctx context.Context, targets []Target, opts ...RunOption) ([]Status, error) {
	s := newRunSettings(opts)
	readBatches(ctx, s, targets)
	sts := make([]Status, len(targets))
	err := each(ctx, s, targets, func(ctx context.Context, i int, t Target) error {
		st, err := t.Status(ctx)
		st.Target = t.String()
		sts[i] = st
		return named(t, err)
	})
	return sts, err
}

func newRunSettings(opts []RunOption) runSettings {
	s := runSettings{limit: DefaultConcurrency, reporter: discard{}}
	for _, opt := range opts {
		opt(&s)
	}
	return s
}

// each calls f for every target, at most s.limit at once, and joins the
// errors in the order of targets. It is a plain group, not WithContext:
// one target failing must not cancel another's rollout halfway.
func each(ctx context.Context, s runSettings, targets []Target, f func(context.Context, int, Target) error) error {
	var g errgroup.Group
	g.SetLimit(s.limit)
	errs := make([]error, len(targets))
	for i, t := range targets {
		g.Go(func() error {
			errs[i] = f(ctx, i, t)
			return nil
		})
	}
	_ = g.Wait() // the functions return nil; errs holds the errors
	return errors.Join(errs...)
}

// named returns err naming t, unless it does already.
func named(t Target, err error) error {
	if err == nil || strings.Contains(err.Error(), t.String()) {
		return err
	}
	return fmt.Errorf("%s: %w", t, err)
}

type discard struct{}

func (discard) Progress(string, string) {}
func (discard) Done(Outcome)            {}

// LineReporter is a [Reporter] that prints one line per progress report,
// "TARGET: LINE", and one when a target finishes. Make one with
// [NewLineReporter].
type LineReporter struct {
	mu sync.Mutex
	w  io.Writer
}

// NewLineReporter returns a [LineReporter] writing to w.
func NewLineReporter(w io.Writer) *LineReporter { return &LineReporter{w: w} }

// Progress prints "target: line".
func (r *LineReporter) Progress(target, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "%s: %s\n", printable(target), printable(line))
}

// Done prints the target's outcome and how long it took.
func (r *LineReporter) Done(o Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, doneLine(o))
}

// doneLine says how o ended and how long it took: "TARGET: ok in 1.2s".
func doneLine(o Outcome) string {
	return fmt.Sprintf("%s: %s in %s", printable(o.Target), o.statusLine(), o.Took.Round(time.Millisecond))
}

// orDash returns s, or "-" for "", as [printable] shows it.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return printable(s)
}

// printable returns s as it is when every character of it prints, and
// quoted as Go quotes it otherwise, so that a name or message holding a
// newline, a tab or an escape sequence cannot forge a line or a column of
// a log or table.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	return fmt.Sprintf("%+q", s)
}
