package scripts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
)

// lockWait bounds how long a run waits for a concurrent run's login to
// the same registry; each step of that login is bounded well below it.
const lockWait = 90 * time.Second

// lockNotice is how long a run waits for the lock before saying it waits.
const lockNotice = time.Second

// pendingLogin is a started login waiting for its password, as
// [container.PendingLogin].
type pendingLogin interface {
	Finish(password dax.Secret) error
	Abort()
}

// ecrUser is the user name of every ECR token.
const ecrUser = "AWS"

// loginRunner logs in to each region of its settings. Its functions are
// the network and tool steps, so tests can replace them.
type loginRunner struct {
	s       LoginSettings
	regions []string
	cache   ecrauth.Cache
	now     func() time.Time
	log     func(format string, args ...any)
	warn    func(format string, args ...any)

	config    func(ctx context.Context) (aws.Config, error)
	token     func(ctx context.Context, region string) (ecrauth.Token, error)
	principal func(ctx context.Context) (string, error)
	login     func(ctx context.Context, host, user string) (pendingLogin, error)
	hasCreds  func(host string) (bool, error)
	helper    func(host string) (string, error)
}

// newLoginRunner wires the runner to AWS and the container CLI. It does
// no network work.
func newLoginRunner(s LoginSettings) (*loginRunner, error) {
	dir := s.CacheDir
	if dir == "" {
		d, err := ecrauth.DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	r := &loginRunner{
		s:     s,
		cache: ecrauth.Cache{Dir: dir},
		now:   time.Now,
		log:   dax.Info,
		warn:  dax.Warn,
		login: func(ctx context.Context, host, user string) (pendingLogin, error) {
			return s.CLI.StartLogin(ctx, host, user)
		},
		hasCreds: s.CLI.HasCredentials,
		helper:   s.CLI.CredentialHelper,
	}
	r.regions = s.Regions
	if len(r.regions) == 0 && s.Region != "" {
		r.regions = []string{s.Region}
	}

	var (
		mu     sync.Mutex
		cfg    aws.Config
		loaded bool
	)
	config := func(ctx context.Context) (aws.Config, error) {
		mu.Lock()
		defer mu.Unlock()
		if loaded {
			return cfg, nil
		}
		c, err := loadAWSConfig(ctx, s)
		if err != nil {
			return aws.Config{}, err
		}
		cfg, loaded = c, true
		return cfg, nil
	}
	r.config = config
	r.token = func(ctx context.Context, region string) (ecrauth.Token, error) {
		c, err := r.config(ctx)
		if err != nil {
			return ecrauth.Token{}, err
		}
		if ecrauth.TrimHost(s.Registry) == ecrauth.PublicHost {
			client := ecrpublic.NewFromConfig(c, func(o *ecrpublic.Options) { o.Region = ecrauth.PublicRegion })
			return ecrauth.GetPublicToken(ctx, client, time.Now)
		}
		client := ecr.NewFromConfig(c, func(o *ecr.Options) { o.Region = region })
		return ecrauth.GetToken(ctx, client, ecrauth.Scope{Account: r.registryAccount(), Region: region}, time.Now)
	}
	var (
		pmu  sync.Mutex
		parn string
	)
	r.principal = func(ctx context.Context) (string, error) {
		pmu.Lock()
		defer pmu.Unlock()
		if parn != "" {
			return parn, nil
		}
		if s.Role != nil {
			// A role's sessions have a known ARN: no need to ask STS.
			return s.Role.AssumedRoleARN(r.regions[0])
		}
		c, err := r.config(ctx)
		if err != nil {
			return "", err
		}
		ctx, cancel := context.WithTimeout(ctx, ecrauth.DefaultCallTimeout)
		defer cancel()
		out, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		var cerr *awsauth.CredentialsError
		if errors.As(err, &cerr) {
			return "", cerr // names the role or the fixes already
		}
		if err != nil {
			return "", fmt.Errorf("sts get-caller-identity: %w", err)
		}
		parn = aws.ToString(out.Arn)
		return parn, nil
	}
	return r, nil
}

// registryAccount is the registry's account when known without a network
// call: ECR_ACCOUNT, else the role's account (the caller's, once assumed).
func (r *loginRunner) registryAccount() string {
	if r.s.Account != "" {
		return r.s.Account
	}
	if r.s.Role != nil && r.s.Role.ARN != "" {
		_, acct, _, _ := awsauth.ParseRoleARN(r.s.Role.ARN)
		return acct
	}
	return ""
}

// run logs in to every region at once and returns their results in order.
func (r *loginRunner) run(ctx context.Context) ([]LoginResult, error) {
	if len(r.regions) == 0 {
		// The region comes from the profile: reading it is no network work.
		cfg, err := r.config(ctx)
		if err != nil {
			return nil, err
		}
		r.regions = []string{cfg.Region}
	}
	results := make([]LoginResult, len(r.regions))
	g, gctx := errgroup.WithContext(ctx)
	for i, region := range r.regions {
		g.Go(func() error {
			res, err := r.region(gctx, region)
			if err != nil {
				return fmt.Errorf("ecrLogin %s: %w", region, err)
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

// expectedHost is the registry host known before the token: ECR_REGISTRY,
// or the standard host of the registry's account in region; else "".
func (r *loginRunner) expectedHost(region string) string {
	if r.s.Registry != "" {
		return r.s.Registry
	}
	if acct := r.registryAccount(); acct != "" {
		if h, err := ecrauth.HostFor(acct, region); err == nil {
			return h
		}
	}
	return ""
}

// key is the region's cache key, derived without any network call.
func (r *loginRunner) key(region string) ecrauth.Key {
	k := ecrauth.Key{Host: r.expectedHost(region), Region: region, Profile: r.s.Profile, Endpoint: r.s.Endpoint}
	if r.s.Role != nil {
		k.Role, _ = r.s.Role.ResolveARN(region)
	}
	// Without a role the caller is whoever the default chain finds: the
	// access key id, when set, names it without a secret.
	k.Identity = r.s.Identity
	return k
}

// cached returns the entry for k when it can be used at now: fresh, and
// its credentials still in the CLI's config.
func (r *loginRunner) cached(k ecrauth.Key, now time.Time) (ecrauth.Entry, bool) {
	e, ok := r.cache.Get(k)
	if !ok || !e.Fresh(now) {
		return e, false
	}
	has, err := r.hasCreds(e.Host)
	return e, err == nil && has
}

// region logs in to one region, or finds it logged in.
func (r *loginRunner) region(ctx context.Context, region string) (LoginResult, error) {
	res := LoginResult{Region: region}
	if host := r.expectedHost(region); host != "" {
		why, err := r.helper(host)
		if err != nil {
			return res, err
		}
		if why != "" {
			res.Host, res.Skipped = host, why
			r.log("not logging in to %s: %s", host, why)
			return res, nil
		}
	}
	k := r.key(region)
	if !r.s.NoCache {
		if e, ok := r.cached(k, r.now()); ok {
			return r.hit(res, e), nil
		}
		unlock, err := r.lock(ctx, k, region)
		if err != nil {
			return res, err
		}
		defer func() {
			if uerr := unlock(); uerr != nil {
				r.warn("token cache: %v", uerr)
			}
		}()
		if e, ok := r.cached(k, r.now()); ok { // a concurrent run just logged in
			return r.hit(res, e), nil
		}
	}
	e, skipped, err := r.fresh(ctx, region, k)
	if err == nil {
		res.Host, res.ExpiresAt, res.Skipped = e.Host, e.ExpiresAt, skipped
		return res, nil
	}
	// A failed refresh may fall back on the previous login only while its
	// token is still valid; an expired token is never reused.
	if old, ok := r.cache.Get(k); ok && !r.s.NoCache && !old.Expired(r.now()) {
		if has, herr := r.hasCreds(old.Host); herr == nil && has {
			r.warn("refreshing the login to %s failed, keeping the current one (valid until %s): %v",
				old.Host, old.ExpiresAt.Local().Format(time.DateTime), err)
			res.Host, res.ExpiresAt, res.FromCache = old.Host, old.ExpiresAt, true
			return res, nil
		}
	}
	return res, err
}

// lock takes k's cache lock, saying so when another run holds it.
func (r *loginRunner) lock(ctx context.Context, k ecrauth.Key, region string) (func() error, error) {
	quick, cancel := context.WithTimeout(ctx, lockNotice)
	unlock, err := r.cache.Lock(quick, k)
	cancel()
	if err == nil || ctx.Err() != nil {
		return unlock, err
	}
	r.log("waiting for another ecrLogin to finish its login in %s (up to %s)", region, lockWait)
	wait, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	return r.cache.Lock(wait, k)
}

// hit reports a cache hit.
func (r *loginRunner) hit(res LoginResult, e ecrauth.Entry) LoginResult {
	r.log("already logged in to %s (token valid until %s)", e.Host, e.ExpiresAt.Local().Format(time.DateTime))
	res.Host, res.ExpiresAt, res.FromCache = e.Host, e.ExpiresAt, true
	return res
}

// fresh gets a token and the caller's ARN at once, logs in and records
// the login under k. skipped says why no login was needed, if so.
//
// When the host is known beforehand, the container CLI is started before
// the token is asked for, so that its start-up overlaps the AWS calls; it
// reads the password from its standard input once the token is there.
func (r *loginRunner) fresh(ctx context.Context, region string, k ecrauth.Key) (e ecrauth.Entry, skipped string, err error) {
	early := r.s.Registry
	if early == "" {
		early = k.Host
	}
	var pending pendingLogin
	if early != "" {
		if pending, err = r.login(ctx, early, ecrUser); err != nil {
			return e, "", err
		}
		defer func() {
			if pending != nil {
				pending.Abort()
			}
		}()
	}
	var (
		tok       ecrauth.Token
		principal string
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		tok, err = r.token(gctx, region)
		return err
	})
	g.Go(func() error {
		var err error
		principal, err = r.principal(gctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return e, "", err
	}
	host := tok.Host
	if r.s.Registry != "" {
		host = r.s.Registry
	}
	if pending != nil && (host != early || tok.Username != ecrUser) {
		pending.Abort() // the token names another host (a FIPS or China endpoint)
		pending = nil
	}
	if pending == nil {
		why, err := r.helper(host)
		if err != nil {
			return e, "", err
		}
		if why != "" {
			r.log("not logging in to %s: %s", host, why)
			return ecrauth.Entry{Host: host}, why, nil
		}
		if pending, err = r.login(ctx, host, tok.Username); err != nil {
			return e, "", err
		}
	}
	err = pending.Finish(tok.Password)
	pending = nil
	if err != nil {
		return e, "", err
	}
	e = ecrauth.Entry{Host: host, Region: region, Principal: principal, RequestedAt: tok.RequestedAt, ExpiresAt: tok.ExpiresAt}
	if err := r.cache.Put(k, e); err != nil {
		r.warn("%v", err)
	}
	r.log("logged in to %s as %s (token valid until %s)", host, principalName(principal), e.ExpiresAt.Local().Format(time.DateTime))
	return e, "", nil
}

// principalName shortens an assumed-role ARN to role/session for logs.
func principalName(arn string) string {
	if i := strings.Index(arn, ":assumed-role/"); i >= 0 {
		return arn[i+len(":assumed-role/"):]
	}
	return arn
}
