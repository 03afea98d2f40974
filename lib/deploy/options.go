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

// maxCallTimeout bounds each API call that is not part of a waiter, and
// [WithTimeout] makes the bound shorter.
const maxCallTimeout = time.Minute

// Option configures a target of any kind: it is both an [ECSOption] and a
// [LambdaOption]. Each option's documentation states its default.
type Option func(*settings) error

// ECSOption configures an [ECS] target: an [Option], or one of the options
// only ECS has, such as [WithContainer].
type ECSOption interface{ applyECS(*ecsSettings) error }

// LambdaOption configures a [Lambda] target: an [Option], or one of the
// options only Lambda has, such as [WithAlias].
type LambdaOption interface{ applyLambda(*lambdaSettings) error }

func (o Option) applyECS(s *ecsSettings) error       { return o(&s.settings) }
func (o Option) applyLambda(s *lambdaSettings) error { return o(&s.settings) }

type ecsOption func(*ecsSettings) error

func (o ecsOption) applyECS(s *ecsSettings) error { return o(s) }

type lambdaOption func(*lambdaSettings) error

func (o lambdaOption) applyLambda(s *lambdaSettings) error { return o(s) }

// settings are what every kind of target takes.
type settings struct {
	timeout  time.Duration
	progress io.Writer
	minDelay time.Duration
	maxDelay time.Duration
	rollback bool
	name     string
}

type ecsSettings struct {
	settings
	container string
}

type lambdaSettings struct {
	settings
	alias   string
	publish bool
	tries   int // UpdateFunctionCode attempts
	backoff time.Duration
	region  string
	check   ManifestChecker
}

// callTimeout bounds one API call outside a waiter, its retries
// included: a fifth of the rollout's timeout, and at most
// [maxCallTimeout], so that a frozen API cannot hold a target much longer
// than its timeout says.
func (s settings) callTimeout() time.Duration { return min(s.timeout/5, maxCallTimeout) }

func baseSettings(minDelay, maxDelay time.Duration) settings {
	return settings{timeout: DefaultTimeout, progress: io.Discard, minDelay: minDelay, maxDelay: maxDelay}
}

// WithTimeout bounds how long a rollout may take to become stable (ECS) or
// updated (Lambda), counted from the moment the change is made; the error
// of a rollout that runs out of time names this limit, and the wait lasts
// exactly as long. Each API call outside the wait, with the SDK's retries
// of it, may take a fifth of d, and at most a minute. d must be positive.
// The default is [DefaultTimeout].
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("deploy timeout %s: must be positive", d)
		}
		s.timeout = d
		return nil
	}
}

// WithProgress sends progress lines to w while a target waits: ECS
// running and desired counts and new service events, Lambda update status.
// Under [RunAll] the lines go to its [Reporter] instead. The default
// discards them.
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
// defaults are 6s to 30s for ECS and 1s to 5s for Lambda.
func WithPollInterval(min, max time.Duration) Option {
	return func(s *settings) error {
		if min <= 0 || max < min {
			return fmt.Errorf("deploy poll interval %s to %s: want 0 < min <= max", min, max)
		}
		s.minDelay, s.maxDelay = min, max
		return nil
	}
}

// WithRollback makes a target undo a rollout that fails or times out: an
// [ECS] service is pointed back at the task definition it ran before, and
// a [Lambda] alias (see [WithAlias]) back at the version it pointed at
// before. It is off by default.
func WithRollback(on bool) Option {
	return func(s *settings) error {
		s.rollback = on
		return nil
	}
}

// WithName sets what the target calls itself in its String, its messages
// and its errors, such as the ARN it was made from. The default is "ecs
// service CLUSTER/SERVICE" or "lambda function NAME".
func WithName(name string) Option {
	return func(s *settings) error {
		s.name = name
		return nil
	}
}

// WithContainer names the container whose image an [ECS] target
// replaces; name must be a valid ECS name (see [ValidateECSName]). By
// default, or with name "", it is the one container whose image is in
// the deployed image's repository.
func WithContainer(name string) ECSOption {
	return ecsOption(func(s *ecsSettings) error {
		if name != "" {
			if err := ValidateECSName("container", name); err != nil {
				return err
			}
		}
		s.container = name
		return nil
	})
}

// WithPublish makes a [Lambda] target publish a version once the code is
// updated. It is off by default; [WithAlias] turns it on.
func WithPublish(on bool) LambdaOption {
	return lambdaOption(func(s *lambdaSettings) error {
		s.publish = on
		return nil
	})
}

// WithAlias makes a [Lambda] target publish a version and point the alias
// name at it, creating the alias when it does not exist; name must be a
// valid alias (see [ValidateAlias]). By default, or with name "", no
// alias is touched.
func WithAlias(name string) LambdaOption {
	return lambdaOption(func(s *lambdaSettings) error {
		if name != "" {
			if err := ValidateAlias(name); err != nil {
				return err
			}
			s.publish = true
		}
		s.alias = name
		return nil
	})
}

// WithConflictRetries sets how many times a [Lambda] target tries
// UpdateFunctionCode while Lambda answers that another update is in
// progress, and the pause before the second try, doubled before each later
// one. The defaults are 5 tries and 2s.
func WithConflictRetries(tries int, backoff time.Duration) LambdaOption {
	return lambdaOption(func(s *lambdaSettings) error {
		if tries < 1 || backoff < 0 {
			return fmt.Errorf("deploy conflict retries %d, backoff %s: want tries >= 1 and backoff >= 0", tries, backoff)
		}
		s.tries, s.backoff = tries, backoff
		return nil
	})
}

// WithRegion says which region a [Lambda] function is in, since a function
// runs images only from its own region's registry: an image in an ECR
// registry of another region is deployed from the same account's registry
// in region instead (where ECR replication brings it); an image on any
// other host, such as a registry alias, is deployed as it is. By default
// the image is deployed as given. [NewLambdaFromARN] sets the ARN's region.
func WithRegion(region string) LambdaOption {
	return lambdaOption(func(s *lambdaSettings) error {
		s.region = region
		return nil
	})
}

// WithImageCheck makes a [Lambda] target ask check, before it plans or
// deploys a pinned image, whether the registry of the function's region
// (see [WithRegion]) holds the digest, and fail naming the region when it
// does not. A nil check, the default, checks nothing.
func WithImageCheck(check ManifestChecker) LambdaOption {
	return lambdaOption(func(s *lambdaSettings) error {
		s.check = check
		return nil
	})
}
