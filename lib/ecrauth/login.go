package ecrauth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth/tokencache"
	"github.com/godax/godax/lib/privdir"
)

// DefaultLockWait bounds how long a login waits for a concurrent one to
// the same registry before it logs in without the lock: a login is
// idempotent, so a stuck run must not hold the others up.
const DefaultLockWait = 10 * time.Second

// lockNotice is how long a login waits for the lock before saying so.
const lockNotice = time.Second

// Target is one registry a cached [Login] logs in to.
type Target struct {
	// Region is the region to ask for the token.
	Region string
	// Host is the registry host when it is known before the token
	// (ECR_REGISTRY, or the account's standard host in Region), so that
	// a credential helper routing it is found before any network call;
	// "" when only the token will tell.
	Host string
	// Key names the login in the cache: everything that makes two
	// logins the same, and no secret. See [tokencache.Key].
	Key tokencache.Key
	// Principal is who logs in, when known without a network call (an
	// assumed role's session ARN, see [awsauth.Role.AssumedRoleARN]);
	// it is logged and recorded. Default: "".
	Principal string
}

// LoginFunc gets a token for t and logs the container CLI in with it. It
// returns the token, whose Host must be the host it logged in to.
type LoginFunc func(ctx context.Context, t Target) (Token, error)

// Result is the outcome of logging in to one [Target].
type Result struct {
	// Region is the target's region.
	Region string
	// Host is the registry host the container CLI is logged in to.
	Host string
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time
	// FromCache is true when the login was served from the token cache.
	FromCache bool
	// Skipped says why no login was needed ("" when one was done or
	// cached), e.g. a credential helper configured for the host.
	Skipped string
}

// Docker is what a cached login asks of the container CLI: whether a
// credential helper serves a host (then no login is needed), and whether
// its config still holds the credential a login stored. [DockerCLI]
// adapts a [container.CLI].
type Docker interface {
	// CredentialHelper returns why host needs no login, or "".
	CredentialHelper(host string) (string, error)
	// Holds reports whether the CLI holds, for host, the credential
	// whose [tokencache.Digest] is digest.
	Holds(host, digest string) (bool, error)
}

// DockerCLI is a [container.CLI] seen as [Docker].
type DockerCLI struct{ container.CLI }

var _ Docker = DockerCLI{}

// Holds reports whether one of the CLI's config files holds the
// credential with digest for host. When a credential store keeps the
// secret outside the file, an entry for host is all it can see, and
// counts.
func (d DockerCLI) Holds(host, digest string) (bool, error) {
	paths, err := d.ConfigPaths()
	if err != nil {
		return false, err
	}
	for _, p := range paths {
		cfg, err := container.ReadDockerConfig(p)
		if err != nil {
			return false, err
		}
		for key, a := range cfg.Auths {
			if TrimHost(key) != host {
				continue
			}
			if a.Auth == "" {
				if helper, _ := cfg.Helper(host); helper != "" {
					return true, nil
				}
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(a.Auth)
			if err != nil {
				return false, nil
			}
			user, pass, _ := strings.Cut(string(raw), ":")
			return tokencache.Digest(user, pass) == digest, nil
		}
	}
	return false, nil
}

// Option configures [Login].
type Option func(*loginOptions)

type loginOptions struct {
	cacheDir string
	noCache  bool
	docker   Docker
	info     func(format string, args ...any)
	warn     func(format string, args ...any)
	lockWait time.Duration
	now      func() time.Time
}

// WithCacheDir keeps the cache in dir, or in a folder of the user's own
// inside it when dir is shared, such as /tmp ([privdir.Pick]). The folder
// must be private to the user ([tokencache.Cache]). Default:
// [tokencache.DefaultDir].
func WithCacheDir(dir string) Option {
	return func(o *loginOptions) { o.cacheDir = privdir.Pick(dir) }
}

// WithoutCache makes every login fresh, and records nothing. Default: the
// cache is used.
func WithoutCache() Option { return func(o *loginOptions) { o.noCache = true } }

// WithDocker sets the container CLI the logins go to. Default: docker.
func WithDocker(d Docker) Option { return func(o *loginOptions) { o.docker = d } }

// WithLog sends progress lines to info and problems that do not stop the
// login to warn. Default: [dax.Info] and [dax.Warn].
func WithLog(info, warn func(format string, args ...any)) Option {
	return func(o *loginOptions) { o.info, o.warn = info, warn }
}

// WithLockWait bounds the wait for a concurrent login to the same
// registry. Default: [DefaultLockWait].
func WithLockWait(d time.Duration) Option { return func(o *loginOptions) { o.lockWait = d } }

// WithClock sets the clock the cache is read with. Default: time.Now.
func WithClock(now func() time.Time) Option { return func(o *loginOptions) { o.now = now } }

// Login logs in to every target at once through login, with the token
// cache as a wrapper around it, and returns one [Result] per target in
// their order:
//
//   - a target whose host a credential helper serves is skipped;
//   - a target whose cache entry is within its half-life, and whose
//     credential the container CLI still holds (compared by digest, so a
//     credential overwritten since is noticed), is served from the cache
//     with no network work;
//   - otherwise login runs under a per-target lock shared across
//     processes, so concurrent runs log in once; after [DefaultLockWait]
//     a stuck lock is ignored;
//   - when a refresh fails, a login whose token has not yet expired is
//     kept, with a warning; an expired one is never reused.
//
// A cache folder that cannot be created or written is warned about, and
// the logins go on without it.
func Login(ctx context.Context, targets []Target, login LoginFunc, opts ...Option) ([]Result, error) {
	o := loginOptions{info: dax.Info, warn: dax.Warn, lockWait: DefaultLockWait, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.docker == nil {
		cli, err := container.New("docker")
		if err != nil {
			return nil, err
		}
		o.docker = DockerCLI{cli}
	}
	var cache *tokencache.Cache
	if !o.noCache {
		dir := o.cacheDir
		var err error
		if dir == "" {
			dir, err = tokencache.DefaultDir()
		}
		if err != nil {
			o.warn("%v: logging in without the cache", err)
		} else {
			cache = &tokencache.Cache{Dir: dir}
		}
	}
	results := make([]Result, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	for i, t := range targets {
		g.Go(func() error {
			res, err := o.one(gctx, cache, t, login)
			if err != nil {
				return fmt.Errorf("%s: %w", t.Region, err)
			}
			results[i] = res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}

// one logs in to t, or finds it logged in. cache is nil without a cache.
func (o loginOptions) one(ctx context.Context, cache *tokencache.Cache, t Target, login LoginFunc) (Result, error) {
	res := Result{Region: t.Region}
	if t.Host != "" {
		why, err := o.docker.CredentialHelper(t.Host)
		if err != nil {
			return res, err
		}
		if why != "" {
			o.info("not logging in to %s: %s", t.Host, why)
			res.Host, res.Skipped = t.Host, why
			return res, nil
		}
	}
	if cache != nil {
		if e, ok := o.usable(cache, t.Key); ok {
			return o.hit(res, e), nil
		}
		// A hit only reads; a miss writes, so only now is the folder's
		// state worth a check.
		if err := cache.Prepare(); err != nil {
			o.warn("%v: logging in without the cache", err)
			cache = nil
		}
	}
	if cache != nil {
		unlock := o.lock(ctx, cache, t)
		defer func() {
			if err := unlock(); err != nil {
				o.warn("token cache: %v", err)
			}
		}()
		if e, ok := o.usable(cache, t.Key); ok { // a concurrent run just logged in
			return o.hit(res, e), nil
		}
	}
	tok, err := login(ctx, t)
	if err != nil {
		return o.fallback(cache, t, res, err)
	}
	if cache != nil {
		e := tokencache.Entry{Host: tok.Host, Region: t.Region, Principal: t.Principal, RequestedAt: tok.RequestedAt, ExpiresAt: tok.ExpiresAt,
			Credential: tokencache.Digest(tok.Username, string(tok.Password))}
		if err := cache.Put(t.Key, e); err != nil {
			o.warn("%v", err)
		}
	}
	as := ""
	if t.Principal != "" {
		as = " as " + principalName(t.Principal)
	}
	o.info("logged in to %s%s (token valid until %s)", tok.Host, as, tok.ExpiresAt.Local().Format(time.DateTime))
	res.Host, res.ExpiresAt = tok.Host, tok.ExpiresAt
	return res, nil
}

// usable returns k's entry when it may serve a login now: fresh, and its
// credential still the one the CLI holds.
func (o loginOptions) usable(cache *tokencache.Cache, k tokencache.Key) (tokencache.Entry, bool) {
	e, ok := cache.Get(k)
	if !ok || !e.Fresh(o.now()) {
		return e, false
	}
	holds, err := o.docker.Holds(e.Host, e.Credential)
	return e, err == nil && holds
}

// lock takes t's cache lock, saying so when another run holds it, and
// gives up on it after o.lockWait. It returns the unlock function, which
// does nothing when no lock was taken.
func (o loginOptions) lock(ctx context.Context, cache *tokencache.Cache, t Target) func() error {
	none := func() error { return nil }
	quick, cancel := context.WithTimeout(ctx, min(lockNotice, o.lockWait))
	unlock, err := cache.Lock(quick, t.Key)
	cancel()
	if err == nil {
		return unlock
	}
	if errors.Is(err, tokencache.ErrLockHeld) && o.lockWait > lockNotice {
		o.info("waiting for another login to finish its login in %s (up to %s)", t.Region, o.lockWait)
		wait, cancel := context.WithTimeout(ctx, o.lockWait-lockNotice)
		unlock, err = cache.Lock(wait, t.Key)
		cancel()
		if err == nil {
			return unlock
		}
	}
	if errors.Is(err, tokencache.ErrLockHeld) {
		o.warn("another login in %s still holds the token cache lock after %s: logging in without the lock", t.Region, o.lockWait)
	} else {
		o.warn("%v: logging in without the lock", err)
	}
	return none
}

// hit reports a cache hit.
func (o loginOptions) hit(res Result, e tokencache.Entry) Result {
	o.info("already logged in to %s (token valid until %s)", e.Host, e.ExpiresAt.Local().Format(time.DateTime))
	res.Host, res.ExpiresAt, res.FromCache = e.Host, e.ExpiresAt, true
	return res
}

// fallback keeps the previous login after a failed refresh, only while
// its token is valid and the CLI still holds its credential.
func (o loginOptions) fallback(cache *tokencache.Cache, t Target, res Result, err error) (Result, error) {
	if cache == nil {
		return res, err
	}
	old, ok := cache.Get(t.Key)
	if !ok || old.Expired(o.now()) {
		return res, err
	}
	if holds, herr := o.docker.Holds(old.Host, old.Credential); herr != nil || !holds {
		return res, err
	}
	o.warn("refreshing the login to %s failed, keeping the current one (valid until %s): %v",
		old.Host, old.ExpiresAt.Local().Format(time.DateTime), err)
	res.Host, res.ExpiresAt, res.FromCache = old.Host, old.ExpiresAt, true
	return res, nil
}

// principalName shortens an assumed-role ARN to role/session for logs.
func principalName(arn string) string {
	if _, after, ok := strings.Cut(arn, ":assumed-role/"); ok {
		return after
	}
	return arn
}
