package awsauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/user"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// DefaultCredentialTimeout bounds one retrieval of credentials when
// [Options.CredentialTimeout] is zero.
const DefaultCredentialTimeout = 5 * time.Second

// MinRoleDuration and MaxRoleDuration bound [Role.Duration]: STS refuses
// sessions shorter than 15 minutes or longer than 12 hours.
const (
	MinRoleDuration = 15 * time.Minute
	MaxRoleDuration = 12 * time.Hour
)

// MFACodeTimeout is how long a role with an MFA device gives its
// [Role.TokenCode] to return a code, on top of the credential timeout:
// time for a person to type one in.
const MFACodeTimeout = 2 * time.Minute

// Options configures [Load]. The zero value loads the SDK's default
// configuration unchanged, apart from the bounded credential retrieval.
type Options struct {
	// Region overrides the configured region (AWS_REGION or the profile's
	// region). Default: the configured one; no region at all is an error.
	Region string
	// Profile names the shared-config profile to use. Default: AWS_PROFILE,
	// else "default".
	Profile string
	// Role, when not nil, is assumed on top of the default credentials.
	Role *Role
	// CredentialTimeout bounds each retrieval of credentials, including
	// the role's STS call. Default: [DefaultCredentialTimeout].
	CredentialTimeout time.Duration
	// LoadOptions are passed to config.LoadDefaultConfig after the ones
	// Load derives from the fields above. Default: none.
	LoadOptions []func(*config.LoadOptions) error
}

// Role describes an IAM role to assume with STS AssumeRole.
type Role struct {
	// ARN is the role's full ARN. When empty, the ARN is built from
	// Account and Name in the partition of the configured region.
	ARN string
	// Account is the 12-digit account that owns the role named Name.
	Account string
	// Name is the role's name, optionally with its path ("ci/deployer").
	Name string
	// SessionName names the role session. Default: [DefaultSessionName].
	SessionName string
	// Duration is the session's lifetime. Default: [MinRoleDuration].
	Duration time.Duration
	// ExternalID is passed to STS when set. Default: none.
	ExternalID string
	// MFASerial is the ARN or serial number of the MFA device; when set,
	// TokenCode is asked for the current code. Default: none.
	MFASerial string
	// TokenCode returns the current MFA code; it is required with
	// MFASerial. TokenCode of package lib/awsauth/mfaprompt asks for it
	// on the terminal. Default: none.
	TokenCode func() (string, error)
}

// The patterns are compiled on first use, not at init: most runs never
// check a role.
var (
	accountRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{12}$`) })
	roleNameRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`) })
	sessionNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,64}$`) })
	externalIDRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@:/-]+$`) })
)

// ValidAccount reports whether s is a 12-digit AWS account id.
func ValidAccount(s string) bool { return accountRe().MatchString(s) }

// ValidSessionName reports whether s is a role session name STS accepts.
func ValidSessionName(s string) bool { return sessionNameRe().MatchString(s) }

// ValidExternalID reports whether s is an external id STS accepts.
func ValidExternalID(s string) bool {
	return len(s) >= 2 && len(s) <= 1224 && externalIDRe().MatchString(s)
}

// ParseRoleARN checks that s is an IAM role ARN, as [arn.Parse] reads it,
// and returns its partition, account and name (with path).
func ParseRoleARN(s string) (partition, account, name string, err error) {
	bad := fmt.Errorf("%q is not an IAM role ARN (want arn:PARTITION:iam::ACCOUNT:role/NAME)", s)
	a, err := arn.Parse(s)
	if err != nil {
		return "", "", "", bad
	}
	name, ok := strings.CutPrefix(a.Resource, "role/")
	if a.Service != "iam" || a.Region != "" || !ok || !ValidAccount(a.AccountID) ||
		PartitionDomain(a.Partition) == "" || !roleNameRe().MatchString(name) || strings.HasPrefix(name, "/") {
		return "", "", "", bad
	}
	return a.Partition, a.AccountID, name, nil
}

// ResolveARN returns the role's ARN: [Role.ARN] when set, else one built
// from Account and Name in region's partition. It does no network work.
func (r Role) ResolveARN(region string) (string, error) {
	if r.ARN != "" {
		if _, _, _, err := ParseRoleARN(r.ARN); err != nil {
			return "", err
		}
		return r.ARN, nil
	}
	if !ValidAccount(r.Account) {
		return "", fmt.Errorf("role %q: account %q is not a 12-digit account id", r.Name, r.Account)
	}
	if !roleNameRe().MatchString(r.Name) {
		return "", fmt.Errorf("role name %q is not valid (letters, digits and +=,.@_- only, at most 64)", r.Name)
	}
	partition, _ := Partition(region)
	return "arn:" + partition + ":iam::" + r.Account + ":role/" + r.Name, nil
}

// AssumedRoleARN returns the ARN STS gives the role's sessions,
// arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION (the role's path is
// not part of it), which is what sts GetCallerIdentity answers for them.
// It does no network work.
func (r Role) AssumedRoleARN(region string) (string, error) {
	arn, err := r.ResolveARN(region)
	if err != nil {
		return "", err
	}
	partition, account, name, _ := ParseRoleARN(arn)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	session := r.SessionName
	if session == "" {
		session = DefaultSessionName()
	}
	return "arn:" + partition + ":sts::" + account + ":assumed-role/" + name + "/" + session, nil
}

// Validate checks the role's settings without any network work: the ARN
// (or account and name), the session name, the duration, the external ID,
// and that an MFA device comes with a TokenCode. region is the configured
// region, used when the ARN is built.
func (r Role) Validate(region string) error {
	if _, err := r.ResolveARN(region); err != nil {
		return err
	}
	if r.SessionName != "" && !ValidSessionName(r.SessionName) {
		return fmt.Errorf("role session name %q is not valid (2 to 64 of letters, digits and +=,.@_-)", r.SessionName)
	}
	if r.Duration != 0 && r.Duration < MinRoleDuration {
		return fmt.Errorf("role duration %s is under STS's minimum of 15m", r.Duration)
	}
	if r.Duration > MaxRoleDuration {
		return fmt.Errorf("role duration %s is over STS's maximum of 12h", r.Duration)
	}
	if r.ExternalID != "" && !ValidExternalID(r.ExternalID) {
		return errors.New("role external id is not valid (2 to 1224 of letters, digits and +=,.@:/_-)")
	}
	if r.MFASerial != "" && r.TokenCode == nil {
		return fmt.Errorf("role with MFA device %s has no TokenCode to ask for the code (mfaprompt.TokenCode asks on the terminal)", r.MFASerial)
	}
	return nil
}

// DefaultSessionName returns "godax-USER", with the user's login name cut
// to fit STS's 64 characters and characters STS refuses replaced by "-".
func DefaultSessionName() string {
	name := "godax"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name += "-" + u.Username
	}
	clean := []rune{}
	for _, r := range name {
		if r < 128 && (r == '_' || r == '+' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')) {
			clean = append(clean, r)
		} else {
			clean = append(clean, '-')
		}
	}
	if len(clean) > 64 {
		clean = clean[:64]
	}
	return string(clean)
}

// Load returns the SDK's default configuration (environment, shared
// config and credentials files with SSO and role_arn profiles, web
// identity, ECS and EC2 roles) with o applied, and the role in o.Role
// assumed on top of it when set ([AssumeRole]).
//
// Load itself does no network work. Each credential retrieval is bounded
// by o.CredentialTimeout; when it fails, the error names the likely fixes.
// The SDK's "falling back to IMDSv1" warning is dropped: it says nothing
// the caller can act on, and a failure still surfaces as an error.
//
// # Error handling
//
// A missing profile, a missing region or an invalid [Role] fail here. A
// role STS refuses fails at the first signed request, with an error
// naming the role.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	timeout := o.CredentialTimeout
	if timeout <= 0 {
		timeout = DefaultCredentialTimeout
	}
	opts := []func(*config.LoadOptions) error{config.WithLogger(quietSDK{next: logging.NewStandardLogger(logOutput)})}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	opts = append(opts, o.LoadOptions...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region configured: set AWS_REGION or give the profile a region")
	}
	if cfg.Credentials == nil {
		return aws.Config{}, errors.New("no AWS credential provider configured")
	}
	cfg.Credentials = aws.NewCredentialsCache(bounded{next: cfg.Credentials, timeout: timeout})
	if o.Role == nil {
		return cfg, nil
	}
	return assumeRole(cfg, *o.Role, timeout)
}

// AssumeRole returns a copy of cfg whose credentials are role's sessions,
// assumed with STS AssumeRole using cfg's credentials, the way the AWS
// CLI does for a role_arn profile. A nil role returns cfg unchanged. It
// does no network work: the role is assumed at the first signed request,
// and again when the session nears its end. Each assumption is bounded
// by [DefaultCredentialTimeout] (plus time to type an MFA code).
//
// # Error handling
//
// An invalid role fails here ([Role.Validate]); a role STS refuses fails
// at the first signed request with a [*CredentialsError] naming it.
func AssumeRole(cfg aws.Config, role *Role) (aws.Config, error) {
	if role == nil {
		return cfg, nil
	}
	return assumeRole(cfg, *role, DefaultCredentialTimeout)
}

func assumeRole(cfg aws.Config, r Role, timeout time.Duration) (aws.Config, error) {
	if err := r.Validate(cfg.Region); err != nil {
		return aws.Config{}, err
	}
	arn, _ := r.ResolveARN(cfg.Region)
	if r.SessionName == "" {
		r.SessionName = DefaultSessionName()
	}
	if r.Duration == 0 {
		r.Duration = MinRoleDuration
	}
	roleTimeout := timeout
	if r.MFASerial != "" {
		roleTimeout += MFACodeTimeout
	}
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), arn, func(ao *stscreds.AssumeRoleOptions) {
		ao.RoleSessionName = r.SessionName
		ao.Duration = r.Duration
		if r.ExternalID != "" {
			ao.ExternalID = aws.String(r.ExternalID)
		}
		if r.MFASerial != "" {
			ao.SerialNumber = aws.String(r.MFASerial)
			ao.TokenProvider = r.TokenCode
		}
	})
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(bounded{next: provider, timeout: roleTimeout, role: arn})
	return out, nil
}

// logOutput is where the SDK's log lines go; tests replace it.
var logOutput io.Writer = os.Stderr

// quietWarnings are the SDK's warnings that say nothing a user can act
// on: the IMDSv1 fallback, and a response body it could not drain for
// reusing the connection (seen when a server closes it first).
var quietWarnings = []string{"falling back to IMDSv1", "failed to discard remaining HTTP response body"}

// quietSDK drops [quietWarnings] and passes every other log line to next.
type quietSDK struct{ next logging.Logger }

// Logf implements [logging.Logger].
func (q quietSDK) Logf(c logging.Classification, format string, v ...any) {
	if c == logging.Warn && slices.ContainsFunc(quietWarnings, func(w string) bool { return strings.HasPrefix(format, w) }) {
		return
	}
	q.next.Logf(c, format, v...)
}

// bounded limits each retrieval of next to timeout and turns its failures
// into errors that say what to do.
type bounded struct {
	next    aws.CredentialsProvider
	timeout time.Duration
	role    string // the role's ARN, or "" for the default chain
}

var _ aws.CredentialsProvider = bounded{}

// Retrieve returns next's credentials, or an error within b.timeout.
func (b bounded) Retrieve(ctx context.Context) (aws.Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	creds, err := b.next.Retrieve(ctx)
	if err == nil {
		return creds, nil
	}
	var cerr *CredentialsError
	if errors.As(err, &cerr) {
		return aws.Credentials{}, err // already explained by the inner layer
	}
	return aws.Credentials{}, &CredentialsError{Role: b.role, Timeout: b.timeout, TimedOut: ctx.Err() != nil, Err: err}
}

// CredentialsError is returned when credentials cannot be retrieved: the
// default chain found none, or the role could not be assumed.
type CredentialsError struct {
	// Role is the ARN of the role that could not be assumed, or "" when
	// the default chain failed.
	Role string
	// Timeout is the bound the retrieval ran under.
	Timeout time.Duration
	// TimedOut is true when the retrieval ran out of time.
	TimedOut bool
	// Err is the SDK's error.
	Err error
}

// AccessDenied reports whether STS refused to let the caller assume the role.
func (e *CredentialsError) AccessDenied() bool {
	var api smithy.APIError
	return e.Role != "" && errors.As(e.Err, &api) && strings.Contains(api.ErrorCode(), "AccessDenied")
}

// Error names the role or the default chain, what went wrong and what to do.
func (e *CredentialsError) Error() string {
	switch {
	case e.Role != "" && e.AccessDenied():
		return fmt.Sprintf("assume role %s: access denied: check the role's trust policy and the caller's sts:AssumeRole permission: %v", e.Role, e.Err)
	case e.Role != "" && unreachable(e.Err):
		return fmt.Sprintf("assume role %s: cannot reach STS (check AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS and the network): %v", e.Role, e.Err)
	case e.Role != "" && e.TimedOut:
		return fmt.Sprintf("assume role %s: no answer from STS within %s (check AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS and the network): %v", e.Role, e.Timeout, e.Err)
	case e.Role != "":
		return fmt.Sprintf("assume role %s: %v", e.Role, e.Err)
	case e.TimedOut:
		return fmt.Sprintf("no AWS credentials within %s: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (run `aws sso login` for an SSO profile), or run where an ECS task or EC2 instance role is available: %v", e.Timeout, e.Err)
	default:
		return fmt.Sprintf("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (run `aws sso login` for an SSO profile), or run where an ECS task or EC2 instance role is available: %v", e.Err)
	}
}

// Unwrap returns the SDK's error.
func (e *CredentialsError) Unwrap() error { return e.Err }

// unreachable reports whether err is a failure to connect.
func unreachable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
