package scripts

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/godax/godax/lib/awsauth"
)

// LoginResult is the outcome of logging in to one registry.
type LoginResult struct {
	// Region is the region whose ECR issued the token.
	Region string
	// Host is the registry host the container CLI is logged in to.
	Host string
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time
	// FromCache is true when the login was served from the token cache.
	FromCache bool
	// Skipped says why no login was needed ("" when one was done or cached),
	// e.g. a credential helper configured for the host.
	Skipped string
}

var awsConfigMemo struct {
	sync.Mutex
	cfg aws.Config
	ok  bool
}

// AWSConfig returns the caller's AWS configuration with ECR_ROLE assumed
// when it is set: build ECR, ECS and Lambda clients from it. It is loaded
// once per process; a failed load is retried on the next call. Loading
// does no network work: the role is assumed at the first signed request.
//
// # Environment
//
// The SDK's own variables (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL...),
// and ECR_ROLE with its options as described in [ReadLoginSettings]. When
// AWS_REGION is unset, the first of ECR_REGIONS is used.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	awsConfigMemo.Lock()
	defer awsConfigMemo.Unlock()
	if awsConfigMemo.ok {
		return awsConfigMemo.cfg, nil
	}
	s, err := readLoginSettingsFromEnv()
	if err != nil {
		return aws.Config{}, err
	}
	cfg, err := loadAWSConfig(ctx, s)
	if err != nil {
		return aws.Config{}, err
	}
	awsConfigMemo.cfg, awsConfigMemo.ok = cfg, true
	return cfg, nil
}

// loadAWSConfig loads the AWS configuration s describes.
func loadAWSConfig(ctx context.Context, s LoginSettings) (aws.Config, error) {
	cfg, err := awsauth.Load(ctx, awsauth.Options{Region: s.primaryRegion(), Profile: s.Profile, Role: s.Role})
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	if _, ok := awsauth.Partition(cfg.Region); !ok {
		return aws.Config{}, fmt.Errorf("aws config: region %q (from profile %q) is not a known AWS region", cfg.Region, s.Profile)
	}
	return cfg, nil
}

// EcrLogin logs the container CLI in to ECR in each configured region,
// at once, assuming ECR_ROLE first when it is set. A registry whose token
// is still within its half-life (and whose credentials are still in the
// CLI's config) is served from the token cache with no network work.
//
// # Environment
//
// See [ReadLoginSettings] for the variables and their defaults.
func EcrLogin(ctx context.Context) error {
	s, err := readLoginSettingsFromEnv()
	if err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	r, err := newLoginRunner(s)
	if err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	// Share the process's configuration, so that push and deploy reuse
	// the role session this login assumed.
	r.config = AWSConfig
	results, err := r.run(ctx)
	loggedIn.Lock()
	loggedIn.results = results
	loggedIn.Unlock()
	return err
}

var loggedIn struct {
	sync.Mutex
	results []LoginResult
}

// LoggedIn returns the registries the last [EcrLogin] in this process
// logged in to (or found logged in), one per region.
func LoggedIn() []LoginResult {
	loggedIn.Lock()
	defer loggedIn.Unlock()
	return slices.Clone(loggedIn.results)
}

// Login logs in as s describes and returns one result per region, in
// the order of the regions. It loads its own AWS configuration from s
// ([EcrLogin] uses the process's [AWSConfig] instead), and only when some
// region's cache entry is not fresh.
func Login(ctx context.Context, s LoginSettings) ([]LoginResult, error) {
	r, err := newLoginRunner(s)
	if err != nil {
		return nil, fmt.Errorf("ecrLogin: %w", err)
	}
	return r.run(ctx)
}
