package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/awsauth/mfaprompt"
	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax/envvar"
	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrauth/credhelper"
)

// LoginSettings is ecrLogin's configuration, read from the environment by
// [ReadLoginSettings] and checked before any network call.
type LoginSettings struct {
	// Profile is AWS_PROFILE ("" for the SDK's default).
	Profile string
	// Region is AWS_REGION (or AWS_DEFAULT_REGION); "" means the profile's.
	Region string
	// Regions are the regions to log in to (ECR_REGIONS); empty means the
	// configured region.
	Regions []string
	// Account is ECR_ACCOUNT: the registry's account id, "" for the caller's.
	Account string
	// Role is the role to assume (ECR_ROLE and its options), or nil.
	Role *awsauth.Role
	// Registry is ECR_REGISTRY: the host to log in to instead of the
	// token's proxy endpoint, or "".
	Registry string
	// NoCache is ECR_NO_CACHE=1: skip the token cache.
	NoCache bool
	// CLI is the container tool (CONTAINER_CLI).
	CLI container.CLI
	// Endpoint is AWS_ENDPOINT_URL plus the STS, ECR and ECR Public
	// overrides; part of the token cache key, so a sandbox and real AWS
	// never share an entry.
	Endpoint string
	// Identity names the caller without a secret when no role is
	// assumed: AWS_ACCESS_KEY_ID, which is not secret. Part of the token
	// cache key.
	Identity string
	// CacheDir is the token cache folder (ECR_CACHE_DIR); "" means the
	// user cache dir's godax/ecr folder.
	CacheDir string
	// LoginTimeout bounds each `CLI login` (ECR_LOGIN_TIMEOUT); default
	// [container.DefaultLoginTimeout].
	LoginTimeout time.Duration
	// Helper is true for ECR_LOGIN_MODE=helper: route the registry to
	// docker-credential-godax instead of storing a password.
	Helper bool
	// Warnings are problems that do not stop the login, such as a region
	// newer than the built-in table.
	Warnings []string
}

// ReadLoginSettings reads ecrLogin's settings with getenv (os.Getenv in
// production) and checks each one, returning a one-line error that names
// the variable and what is wrong with its value.
//
// # Environment
//
// AWS_PROFILE, AWS_REGION (or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_{STS,ECR,ECR_PUBLIC}; ECR_ACCOUNT, ECR_ROLE,
// ECR_ROLE_SESSION_NAME, ECR_ROLE_DURATION (a Go duration such as 1h, or
// seconds; default 15m), ECR_ROLE_EXTERNAL_ID, ECR_ROLE_MFA_SERIAL,
// ECR_REGIONS, ECR_REGISTRY, ECR_NO_CACHE, ECR_CACHE_DIR,
// ECR_LOGIN_TIMEOUT (default 30s), ECR_LOGIN_MODE (login or helper) and
// CONTAINER_CLI.
func ReadLoginSettings(getenv func(string) string) (LoginSettings, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	// The registry's own settings are read as the credential helper reads
	// them; this reader checks them and adds the login's.
	reg := credhelper.FromEnv(getenv)
	s := LoginSettings{Profile: reg.Profile, Region: reg.Region}
	if s.Region != "" {
		if err := s.checkRegion("AWS_REGION", s.Region); err != nil {
			return s, err
		}
	}
	if v := env("ECR_REGIONS"); v != "" {
		for _, r := range strings.Split(v, ",") {
			r = strings.TrimSpace(r)
			if r == "" {
				continue
			}
			if err := s.checkRegion("ECR_REGIONS", r); err != nil {
				return s, err
			}
			if !slices.Contains(s.Regions, r) {
				s.Regions = append(s.Regions, r)
			}
		}
		if len(s.Regions) == 0 {
			return s, fmt.Errorf("ECR_REGIONS=%q lists no region: give regions separated by commas, such as eu-west-1,us-east-1, or unset it", v)
		}
		first, _ := awsauth.Partition(s.Regions[0])
		for _, r := range s.Regions[1:] {
			if p, _ := awsauth.Partition(r); p != first {
				return s, fmt.Errorf("ECR_REGIONS mixes partitions: %s is in %s, %s in %s; one set of credentials cannot serve both", s.Regions[0], first, r, p)
			}
		}
	}

	s.Account = reg.Account
	if s.Account != "" && !awsauth.ValidAccount(s.Account) {
		return s, fmt.Errorf("ECR_ACCOUNT=%q is not a 12-digit AWS account id", s.Account)
	}

	if v := env("ECR_REGISTRY"); v != "" {
		host, err := container.ParseRegistryHost(v)
		if err != nil {
			return s, fmt.Errorf("ECR_REGISTRY: %w", err)
		}
		if reg, err := ecrauth.ParseHost(host); err == nil {
			if len(s.Regions) > 1 || (len(s.Regions) == 1 && s.Regions[0] != reg.Region) {
				return s, fmt.Errorf("ECR_REGISTRY=%q is in %s, but ECR_REGIONS asks for %s", v, reg.Region, strings.Join(s.Regions, ","))
			}
			if s.Account != "" && reg.Account != "" && reg.Account != s.Account {
				return s, fmt.Errorf("ECR_REGISTRY=%q belongs to account %s, but ECR_ACCOUNT is %s", v, reg.Account, s.Account)
			}
			s.Regions = []string{reg.Region}
		} else if strings.Contains(host, ".ecr.") || strings.Contains(host, ".dkr-ecr") {
			return s, fmt.Errorf("ECR_REGISTRY: %w", err)
		} else if len(s.Regions) > 1 {
			return s, fmt.Errorf("ECR_REGISTRY=%q names one host, so ECR_REGIONS cannot list %d regions", v, len(s.Regions))
		}
		s.Registry = host
	}

	role, err := readRole(reg, env("ECR_ROLE_MFA_SERIAL"), s)
	if err != nil {
		return s, err
	}
	s.Role = role
	if role == nil {
		s.Identity = env("AWS_ACCESS_KEY_ID")
	}

	if s.NoCache, err = envvar.Bool("ECR_NO_CACHE", env("ECR_NO_CACHE"), false); err != nil {
		return s, err
	}

	if s.LoginTimeout, err = envvar.Duration("ECR_LOGIN_TIMEOUT", env("ECR_LOGIN_TIMEOUT"), container.DefaultLoginTimeout); err != nil {
		return s, err
	}
	if s.LoginTimeout == 0 {
		return s, errors.New(`ECR_LOGIN_TIMEOUT="0": want a duration above zero, such as 30s or 2m`)
	}
	switch v := strings.ToLower(env("ECR_LOGIN_MODE")); v {
	case "", "login":
	case "helper":
		s.Helper = true
	default:
		return s, fmt.Errorf("ECR_LOGIN_MODE=%q: want login (the default: docker login stores the token) or helper (docker-credential-godax serves it)", v)
	}
	s.CacheDir = env("ECR_CACHE_DIR")

	cli, err := container.New(env("CONTAINER_CLI"))
	if err != nil {
		return s, fmt.Errorf("CONTAINER_CLI: %w", err)
	}
	s.CLI = cli

	var eps []string
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_ECR_PUBLIC"} {
		if v := env(k); v != "" {
			eps = append(eps, k+"="+v)
		}
	}
	s.Endpoint = strings.Join(eps, " ")
	return s, nil
}

// readRole checks reg's role settings (ECR_ROLE and its options, as
// [credhelper.FromEnv] read them) and mfaSerial (ECR_ROLE_MFA_SERIAL), and
// returns the role; nil when ECR_ROLE is unset.
func readRole(reg credhelper.Registry, mfaSerial string, s LoginSettings) (*awsauth.Role, error) {
	v := reg.Role
	if v == "" {
		for _, o := range []struct{ name, value string }{{"ECR_ROLE_SESSION_NAME", reg.RoleSessionName},
			{"ECR_ROLE_DURATION", reg.RoleDuration}, {"ECR_ROLE_EXTERNAL_ID", reg.RoleExternalID}, {"ECR_ROLE_MFA_SERIAL", mfaSerial}} {
			if o.value != "" {
				return nil, fmt.Errorf("%s is set but ECR_ROLE is not: set ECR_ROLE to the role to assume", o.name)
			}
		}
		return nil, nil
	}
	r := &awsauth.Role{
		SessionName: reg.RoleSessionName,
		ExternalID:  reg.RoleExternalID,
		MFASerial:   mfaSerial,
	}
	if r.MFASerial != "" {
		r.TokenCode = mfaprompt.TokenCode(r.MFASerial)
	}
	if strings.HasPrefix(v, "arn:") {
		partition, _, _, err := awsauth.ParseRoleARN(v)
		if err != nil {
			return nil, fmt.Errorf("ECR_ROLE: %w", err)
		}
		if region := s.primaryRegion(); region != "" {
			if p, _ := awsauth.Partition(region); p != partition {
				return nil, fmt.Errorf("ECR_ROLE=%q is in partition %s, but region %s is in %s", v, partition, region, p)
			}
		}
		r.ARN = v
	} else {
		if s.Account == "" {
			return nil, fmt.Errorf("ECR_ROLE=%q is a role name, so ECR_ACCOUNT must be set too (or give the role's full ARN)", v)
		}
		r.Account, r.Name = s.Account, v
		// The ARN is built in the configured region's partition; without
		// a region yet (it may come from the profile) only the name is checked.
		region := s.primaryRegion()
		if region == "" {
			region = "us-east-1"
		}
		if _, err := r.ResolveARN(region); err != nil {
			return nil, fmt.Errorf("ECR_ROLE: %w", err)
		}
	}
	if d := reg.RoleDuration; d != "" {
		dur, err := envvar.Duration("ECR_ROLE_DURATION", d, 0)
		if err != nil {
			return nil, err
		}
		r.Duration = dur
		if dur < awsauth.MinRoleDuration {
			return nil, fmt.Errorf("ECR_ROLE_DURATION=%s is under STS's minimum of 15m", envvar.AsRead(d, dur))
		}
	}
	if r.SessionName != "" && !awsauth.ValidSessionName(r.SessionName) {
		return nil, fmt.Errorf("ECR_ROLE_SESSION_NAME=%q: want 2 to 64 of letters, digits and +=,.@_-", r.SessionName)
	}
	if r.ExternalID != "" && !awsauth.ValidExternalID(r.ExternalID) {
		return nil, errors.New("ECR_ROLE_EXTERNAL_ID: want 2 to 1224 of letters, digits and +=,.@:/_-")
	}
	if r.Duration > awsauth.MaxRoleDuration {
		return nil, fmt.Errorf("ECR_ROLE_DURATION=%s is over STS's maximum of 12h", envvar.AsRead(reg.RoleDuration, r.Duration))
	}
	return r, nil
}

// checkRegion checks region, read from the variable name: a name that is
// not shaped like a region is an error; a region missing from the
// built-in table is a warning, since new regions appear every year.
func (s *LoginSettings) checkRegion(name, region string) error {
	if !awsauth.ValidRegion(region) {
		return fmt.Errorf("%s: %q is not an AWS region name (want one such as eu-west-1)", name, region)
	}
	if p, known := awsauth.Partition(region); !known {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: region %q is not in godax's table of regions; going on as if it were in partition %s", name, region, p))
	}
	return nil
}

// primaryRegion is the region AWS clients are built for: AWS_REGION, else
// the first of ECR_REGIONS, else "" (the profile's region).
func (s LoginSettings) primaryRegion() string {
	if s.Region != "" {
		return s.Region
	}
	if len(s.Regions) > 0 {
		return s.Regions[0]
	}
	return ""
}
