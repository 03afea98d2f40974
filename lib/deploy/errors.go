package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go"
)

// ErrNoContainer reports that a task definition has no container to update:
// none with the given name, none using the image's repository, or more than
// one using it.
var ErrNoContainer = errors.New("no container to update")

// NotFoundError reports that the cluster, service or function to deploy to
// does not exist.
type NotFoundError struct {
	// Kind is what is missing: "ecs cluster", "ecs service" or "lambda function".
	Kind string
	// Name is the missing thing's name, with its cluster for a service.
	Name string
	// Err is the SDK's error, when there was one.
	Err error
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %s not found", e.Kind, e.Name) }

// Unwrap returns the SDK's error.
func (e *NotFoundError) Unwrap() error { return e.Err }

// TimeoutError reports that a rollout did not finish within its time limit.
// It matches [context.DeadlineExceeded] with [errors.Is].
type TimeoutError struct {
	// Target names what was deployed, such as "ecs service prod/web".
	Target string
	// After is the time limit that ran out.
	After time.Duration
	// Last is the last status seen, such as "1/2 running, 2 deployments".
	Last string
}

func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("%s: timed out after %s waiting for the rollout", e.Target, e.After)
	if e.Last != "" {
		msg += " (last status: " + e.Last + ")"
	}
	return msg
}

// Is reports whether target is [context.DeadlineExceeded].
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// errRolloutFailed marks a waiter that stopped because the rollout
// failed, and the error that says so.
var errRolloutFailed = errors.New("rollout failed")

// watch is what a waiter's Retryable hook saw, so that the waiter's
// untyped error can be told apart: a failed rollout, an API error, or the
// waiter running out of time.
type watch struct {
	stop   error  // the error the hook returned to stop the waiter
	last   string // the last status line
	reason string // why the rollout failed, when it did
}

// waitError explains err, returned by a waiter running under ctx on behalf
// of target, using what w saw.
func waitError(ctx context.Context, err error, w *watch, target string, after time.Duration) error {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("%s: waiting for the rollout: %w", target, ctx.Err())
	case w.stop == nil || !errors.Is(err, w.stop):
		// The waiter's own error: it ran out of time.
		return &TimeoutError{Target: target, After: after, Last: w.last}
	case errors.Is(w.stop, errRolloutFailed):
		if w.reason == "" {
			w.reason = "the service or function reached a failed state"
		}
		return fmt.Errorf("%s: %w: %s", target, errRolloutFailed, w.reason)
	case errors.Is(w.stop, context.DeadlineExceeded):
		// A status call cut off by the waiter's time limit.
		return &TimeoutError{Target: target, After: after, Last: w.last}
	default:
		return fmt.Errorf("%s: checking the rollout: %w", target, w.stop)
	}
}

// sent reports whether a change whose update call returned err reached
// the target, or may have: every outcome but an answer from AWS refusing
// it.
func sent(err error) bool {
	var refused smithy.APIError
	return err == nil || !errors.As(err, &refused)
}

// errRollbackUnknown marks a rollback whose update call was cut off
// before AWS answered, so that nobody knows which revision runs.
var errRollbackUnknown = errors.New("the rollback may or may not have been applied")

// rollbackError explains err, returned by a rollback's update call.
func rollbackError(err error) error {
	switch {
	case err == nil:
		return nil
	case sent(err):
		return fmt.Errorf("rollback failed: %w (%w)", err, errRollbackUnknown)
	}
	return fmt.Errorf("rollback failed: %w", err)
}
