package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrauth/tokencache"
)

// LoginResult is the outcome of logging in to one registry.
type LoginResult = ecrauth.Result

// EcrLogin logs the container CLI in to ECR in each configured region,
// at once, assuming ECR_ROLE first when it is set. A registry whose token
// is still within its half-life (and whose credential is still the one in
// the CLI's config) is served from the token cache with no network work.
// With ECR_LOGIN_MODE=helper it routes the registry to
// docker-credential-godax instead, and stores no password.
//
// # Environment
//
// See [ReadLoginSettings] for the variables and their defaults.
func EcrLogin(ctx context.Context) error {
	sess := sessionOf(ctx)
	s, err := ReadLoginSettings(sess.Getenv)
	if err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	for _, w := range s.Warnings {
		dax.Warn("ecrLogin: %s", w)
	}
	if s.Helper {
		return helperMode(ctx, sess, s)
	}
	// The caller's own credentials (AWS_PROFILE, keys, SSO...), loaded
	// only when some region misses the cache.
	base := sync.OnceValues(func() (aws.Config, error) { return baseConfig(ctx, s) })
	targets, err := s.targets(base)
	if err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	results, err := ecrauth.Login(ctx, targets, func(ctx context.Context, t ecrauth.Target) (ecrauth.Token, error) {
		callerCfg, err := base()
		if err != nil {
			return ecrauth.Token{}, err
		}
		cfg, err := awsauth.AssumeRole(callerCfg, s.Role) // 1. assume ECR_ROLE (nil: stay the caller)
		if err != nil {
			return ecrauth.Token{}, err
		}
		sess.shareAWSConfig(cfg)
		ctx, cancel := context.WithTimeout(ctx, s.LoginTimeout)
		defer cancel()
		login, err := startLogin(ctx, s, t.Host) // docker starts now, and waits for the password
		if err != nil {
			return ecrauth.Token{}, err
		}
		defer login.Abort()
		tok, err := s.token(ctx, cfg, t.Region) // 2-4. an ECR client, a token, decoded to user and password
		if err != nil {
			return ecrauth.Token{}, err
		}
		if login, err = login.to(ctx, s, tok.Host); err != nil {
			return ecrauth.Token{}, err
		}
		return tok, login.finish(ctx, tok.Password, s.LoginTimeout) // 5. docker login --password-stdin
	}, s.loginOptions()...)
	sess.logged(results)
	if err != nil {
		return fmt.Errorf("ecrLogin %w", err)
	}
	return nil
}

// token gets a token for region with cfg, from ECR or, for ECR_REGISTRY
// public.ecr.aws, from ECR Public, through the one token path
// ([ecrauth.GetToken], whose call has a timeout of its own); the host is
// ECR_REGISTRY when it is set, else the token's proxy endpoint.
func (s LoginSettings) token(ctx context.Context, cfg aws.Config, region string) (ecrauth.Token, error) {
	var tok ecrauth.Token
	var err error
	if s.public() {
		public := ecrpublic.NewFromConfig(cfg, func(o *ecrpublic.Options) { o.Region = ecrauth.PublicRegion })
		tok, err = ecrauth.GetPublicToken(ctx, public, time.Now)
	} else {
		client := ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = region })
		tok, err = ecrauth.GetToken(ctx, client, s.scope(region), time.Now)
	}
	if err == nil && s.Registry != "" {
		tok.Host = s.Registry
	}
	return tok, err
}

// cliLogin is a `CLI login --password-stdin` started for a host before
// the token is there, so that the tool's start-up overlaps the AWS calls.
type cliLogin struct {
	host    string
	pending *container.PendingLogin // nil until a host is known
}

// startLogin starts the CLI's login to host, or does nothing when host is
// not known before the token.
func startLogin(ctx context.Context, s LoginSettings, host string) (cliLogin, error) {
	if host == "" {
		return cliLogin{}, nil
	}
	p, err := s.CLI.StartLogin(ctx, host, ecrUser)
	return cliLogin{host: host, pending: p}, err
}

// to returns a login to host: l itself when it was started for host, else
// a new one (the token named another host, such as a FIPS endpoint).
func (l cliLogin) to(ctx context.Context, s LoginSettings, host string) (cliLogin, error) {
	if l.pending != nil && l.host == host {
		return l, nil
	}
	l.Abort()
	return startLogin(ctx, s, host)
}

// finish gives the CLI the password and waits for it. A login that ran
// out of time says so, and after how long.
func (l cliLogin) finish(ctx context.Context, password dax.Secret, timeout time.Duration) error {
	err := l.pending.Finish(password)
	var le *container.LoginError
	if errors.As(err, &le) && (le.TimedOut || errors.Is(ctx.Err(), context.DeadlineExceeded)) {
		return fmt.Errorf("%s login %s: timed out after %s (a stuck daemon or registry? ECR_LOGIN_TIMEOUT sets the limit)", le.CLI, le.Host, timeout)
	}
	return err
}

// Abort stops a login that was started and not finished.
func (l cliLogin) Abort() {
	if l.pending != nil {
		l.pending.Abort()
	}
}

// ecrUser is the user name of every ECR token.
const ecrUser = "AWS"

// shareAWSConfig makes cfg the session's [Session.AWSConfig] unless it
// has one, so that push and deploy reuse the role session a login
// assumed.
func (s *Session) shareAWSConfig(cfg aws.Config) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.awsCfg == nil {
		s.awsCfg = &cfg
	}
}

// AWSConfig returns the caller's AWS configuration with ECR_ROLE assumed
// when it is set: build ECR, ECS and Lambda clients from it. It is loaded
// once per session (or taken from [EcrLogin]'s); a failed load is retried
// on the next call. Loading does no network work: the role is assumed at
// the first signed request.
//
// # Environment
//
// The SDK's own variables (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL...),
// and ECR_ROLE with its options as described in [ReadLoginSettings]. When
// AWS_REGION is unset, the first of ECR_REGIONS is used.
func (s *Session) AWSConfig(ctx context.Context) (aws.Config, error) {
	s.mu.Lock()
	cached := s.awsCfg
	s.mu.Unlock()
	if cached != nil {
		return *cached, nil
	}
	ls, err := ReadLoginSettings(s.Getenv)
	if err != nil {
		return aws.Config{}, err
	}
	base, err := baseConfig(ctx, ls)
	if err != nil {
		return aws.Config{}, err
	}
	cfg, err := awsauth.AssumeRole(base, ls.Role)
	if err != nil {
		return aws.Config{}, err
	}
	s.shareAWSConfig(cfg)
	return s.AWSConfig(ctx)
}

// baseConfig loads the caller's own AWS configuration, before any role.
func baseConfig(ctx context.Context, s LoginSettings) (aws.Config, error) {
	cfg, err := awsauth.Load(ctx, awsauth.Options{Region: s.primaryRegion(), Profile: s.Profile})
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	if !awsauth.ValidRegion(cfg.Region) {
		return aws.Config{}, fmt.Errorf("aws config: region %q (from profile %q) is not an AWS region name", cfg.Region, s.Profile)
	}
	if p, known := awsauth.Partition(cfg.Region); !known && s.primaryRegion() == "" {
		dax.Warn("aws config: region %q (from profile %q) is not in godax's table of regions; going on as if it were in partition %s", cfg.Region, s.Profile, p)
	}
	return cfg, nil
}

// targets returns one login target per region. Without any configured
// region, the profile's is used: reading it is no network work.
func (s LoginSettings) targets(base func() (aws.Config, error)) ([]ecrauth.Target, error) {
	regions := s.Regions
	if len(regions) == 0 && s.Region != "" {
		regions = []string{s.Region}
	}
	if len(regions) == 0 {
		cfg, err := base()
		if err != nil {
			return nil, err
		}
		regions = []string{cfg.Region}
	}
	targets := make([]ecrauth.Target, len(regions))
	for i, region := range regions {
		host := s.expectedHost(region)
		k := tokencache.Key{Host: host, Region: region, Profile: s.Profile, Endpoint: s.Endpoint, Identity: s.Identity}
		if s.Role != nil {
			k.Role, _ = s.Role.ResolveARN(region)
		}
		targets[i] = ecrauth.Target{Region: region, Host: host, Key: k}
		if s.Role != nil {
			targets[i].Principal, _ = s.Role.AssumedRoleARN(region)
		}
	}
	return targets, nil
}

// loginOptions are the cached login's options for s.
func (s LoginSettings) loginOptions() []ecrauth.Option {
	opts := []ecrauth.Option{ecrauth.WithDocker(ecrauth.DockerCLI{CLI: s.CLI})}
	if s.NoCache {
		opts = append(opts, ecrauth.WithoutCache())
	}
	if s.CacheDir != "" {
		opts = append(opts, ecrauth.WithCacheDir(s.CacheDir))
	}
	return opts
}

// registryAccount is the registry's account when known without a network
// call: ECR_ACCOUNT, else the role's account (the caller's, once assumed).
func (s LoginSettings) registryAccount() string {
	if s.Account != "" {
		return s.Account
	}
	if s.Role != nil && s.Role.ARN != "" {
		_, acct, _, _ := awsauth.ParseRoleARN(s.Role.ARN)
		return acct
	}
	return ""
}

// expectedHost is the registry host known before the token: ECR_REGISTRY,
// or the standard host of the registry's account in region; else "".
func (s LoginSettings) expectedHost(region string) string {
	if s.Registry != "" {
		return s.Registry
	}
	if acct := s.registryAccount(); acct != "" {
		if h, err := ecrauth.HostFor(acct, region); err == nil {
			return h
		}
	}
	return ""
}

// public reports whether the registry is ECR Public.
func (s LoginSettings) public() bool { return s.Registry == ecrauth.PublicHost }

// scope names the registry's account and region in errors.
func (s LoginSettings) scope(region string) ecrauth.Scope {
	return ecrauth.Scope{Account: s.registryAccount(), Region: region}
}
