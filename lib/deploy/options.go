package deploy

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// DefaultTimeout is how long a rollout may take unless [WithTimeout] says
// otherwise.
const DefaultTimeout = 10 * time.Minute

// callTimeout bounds each API call that is not part of a waiter.
const callTimeout = time.Minute

// Option configures a deployer made by [NewECS] or [NewLambda]. Each
// option's documentation says which of them use it and what the default is;
// the other deployer ignores it.
type Option func(*settings) error

type settings struct {
	timeout  time.Duration
	progress io.Writer
	minDelay time.Duration
	maxDelay time.Duration

	container string // ECS
	rollback  bool   // ECS

	alias   string // Lambda
	publish bool   // Lambda
	tries   int    // Lambda: UpdateFunctionCode attempts
	backoff time.Duration
}

func newSettings(minDelay, maxDelay time.Duration, opts []Option) (settings, error) {
	s := settings{
		timeout:  DefaultTimeout,
		progress: io.Discard,
		minDelay: minDelay,
		maxDelay: maxDelay,
		tries:    5,
		backoff:  2 * time.Second,
	}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return settings{}, err
		}
	}
	return s, nil
}

// WithTimeout bounds how long a rollout may take to become stable (ECS) or
// updated (Lambda), counted from the moment the change is made. d must be
// positive. The default is [DefaultTimeout]. Both deployers use it.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("deploy timeout %s: must be positive", d)
		}
		s.timeout = d
		return nil
	}
}

// WithProgress sends progress lines to w while a deployer waits: ECS
// running and desired counts and new service events, Lambda update status.
// The default discards them. Both deployers use it.
func WithProgress(w io.Writer) Option {
	return func(s *settings) error {
		if w == nil {
			return errors.New("deploy progress writer is nil")
		}
		s.progress = w
		return nil
	}
}

// WithPollInterval sets the shortest and longest pause between two status
// checks while waiting; the waiter backs off from min towards max. The
// defaults are 6s to 30s for ECS and 1s to 5s for Lambda. Both deployers
// use it.
func WithPollInterval(min, max time.Duration) Option {
	return func(s *settings) error {
		if min <= 0 || max < min {
			return fmt.Errorf("deploy poll interval %s to %s: want 0 < min <= max", min, max)
		}
		s.minDelay, s.maxDelay = min, max
		return nil
	}
}

// WithContainer names the container whose image an [ECS] deployer
// replaces. By default it is the one container whose image is in the
// deployed image's repository.
func WithContainer(name string) Option {
	return func(s *settings) error {
		s.container = name
		return nil
	}
}

// WithRollback makes an [ECS] deployer point the service back at the task
// definition it ran before when the rollout fails or times out. It is off by
// default.
func WithRollback(on bool) Option {
	return func(s *settings) error {
		s.rollback = on
		return nil
	}
}

// WithPublish makes a [Lambda] deployer publish a version once the code is
// updated. It is off by default; [WithAlias] turns it on.
func WithPublish(on bool) Option {
	return func(s *settings) error {
		s.publish = on
		return nil
	}
}

// WithAlias makes a [Lambda] deployer publish a version and point the alias
// name at it, creating the alias when it does not exist. By default no
// alias is touched.
func WithAlias(name string) Option {
	return func(s *settings) error {
		s.alias = name
		if name != "" {
			s.publish = true
		}
		return nil
	}
}

// WithConflictRetries sets how many times a [Lambda] deployer tries
// UpdateFunctionCode while Lambda answers that another update is in
// progress, and the pause before the second try, doubled before each later
// one. The defaults are 5 tries and 2s.
func WithConflictRetries(tries int, backoff time.Duration) Option {
	return func(s *settings) error {
		if tries < 1 || backoff < 0 {
			return fmt.Errorf("deploy conflict retries %d, backoff %s: want tries >= 1 and backoff >= 0", tries, backoff)
		}
		s.tries, s.backoff = tries, backoff
		return nil
	}
}
