package ecrtoken

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"

	"github.com/godax/godax/lib/awsauth"
)

// TokenLifetime is how long ECR documents a token to be valid. It is used
// when a response has no expiry, or one before the request (emulators).
const TokenLifetime = 12 * time.Hour

// DefaultCallTimeout bounds one GetAuthorizationToken call, retries
// included, when the caller's context has no earlier deadline.
const DefaultCallTimeout = 10 * time.Second

// TokenGetter is the part of the ECR client [GetToken] uses.
type TokenGetter interface {
	GetAuthorizationToken(ctx context.Context, in *ecr.GetAuthorizationTokenInput, optFns ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

var _ TokenGetter = (*ecr.Client)(nil)

// Token is a decoded ECR authorization token.
type Token struct {
	// Username is the user name to log in with; "AWS" for ECR.
	Username string
	// Password is the password to log in with. It is a plain string so
	// that this package links no runner: never format it. ecrauth.Token
	// carries it as a dax.Secret, which redacts itself.
	Password string
	// Host is the registry host from the response's proxy endpoint, or
	// [PublicHost] for ECR Public.
	Host string
	// RequestedAt is when the token was asked for.
	RequestedAt time.Time
	// ExpiresAt is when the token stops working (see [TokenLifetime]).
	ExpiresAt time.Time
}

// Scope names the account and region a token is asked for, for errors.
type Scope struct {
	// Account is the registry account, or "" for the caller's.
	Account string
	// Region is the region the ECR client calls.
	Region string
}

// String names the account (or "the caller's") and the region, for errors.
func (s Scope) String() string {
	acct := s.Account
	if acct == "" {
		acct = "the caller's"
	}
	return "account " + acct + ", region " + s.Region
}

// TokenError is a failed or unusable GetAuthorizationToken answer.
type TokenError struct {
	// Scope is the account and region asked.
	Scope Scope
	// AccessDenied is true when ECR refused the caller.
	AccessDenied bool
	// Reason says what was wrong when Err is nil.
	Reason string
	// Err is the SDK's error, if any.
	Err error
}

// Error names the account, region and what went wrong; never the token.
func (e *TokenError) Error() string {
	switch {
	case e.AccessDenied:
		return fmt.Sprintf("ecr get-authorization-token (%s): access denied: the caller needs ecr:GetAuthorizationToken: %v", e.Scope, e.Err)
	case e.Err != nil:
		return fmt.Sprintf("ecr get-authorization-token (%s): %v", e.Scope, e.Err)
	default:
		return fmt.Sprintf("ecr get-authorization-token (%s): %s", e.Scope, e.Reason)
	}
}

// Unwrap returns the SDK's error.
func (e *TokenError) Unwrap() error { return e.Err }

// GetToken asks ECR for an authorization token (without registryIds: one
// token serves every registry the caller may use) and decodes it with
// [DecodeToken]. The call is bounded by [DefaultCallTimeout]. now gives
// the request time.
func GetToken(ctx context.Context, c TokenGetter, scope Scope, now func() time.Time) (Token, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultCallTimeout)
	defer cancel()
	requested := now()
	out, err := c.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return Token{}, ExplainError(scope, err)
	}
	return DecodeToken(out, scope, requested)
}

// DecodeToken reads ECR's answer out, asked for at requested, into the
// user name and password it holds, the registry host and the expiry. A
// token is base64 of "user:password", split on its first colon only,
// since a password may contain colons. Errors name scope, never the token.
func DecodeToken(out *ecr.GetAuthorizationTokenOutput, scope Scope, requested time.Time) (Token, error) {
	if out == nil || len(out.AuthorizationData) == 0 {
		return Token{}, &TokenError{Scope: scope, Reason: "empty authorizationData in the response"}
	}
	d := out.AuthorizationData[0]
	if d.AuthorizationToken == nil || d.ProxyEndpoint == nil || TrimHost(*d.ProxyEndpoint) == "" {
		return Token{}, &TokenError{Scope: scope, Reason: "response lacks the token or the proxy endpoint"}
	}
	return Decode(*d.AuthorizationToken, TrimHost(*d.ProxyEndpoint), scope, requested, d.ExpiresAt)
}

// Decode reads encoded, an authorization token for host asked for at
// requested, into its user name and password: it is base64 of
// "user:password", split on its first colon only, since a password may
// contain colons. expires is the answer's expiry; when it is missing or
// not after requested (emulators answer a fixed date in the past), the
// token expires [TokenLifetime] after requested. Errors name scope, never
// the token.
func Decode(encoded, host string, scope Scope, requested time.Time, expires *time.Time) (Token, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return Token{}, &TokenError{Scope: scope, Reason: "authorization token is not valid base64"}
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return Token{}, &TokenError{Scope: scope, Reason: "authorization token is not of the form user:password"}
	}
	t := Token{Username: user, Password: pass, Host: host, RequestedAt: requested, ExpiresAt: requested.Add(TokenLifetime)}
	if expires != nil && expires.After(requested) {
		t.ExpiresAt = *expires
	}
	return t, nil
}

// ExplainError turns a failed GetAuthorizationToken call's err into a
// [*TokenError] naming scope. A credential failure is returned as it is:
// it already names the role or the fixes, and is not ECR's fault.
func ExplainError(scope Scope, err error) error {
	var cerr *awsauth.CredentialsError
	if errors.As(err, &cerr) {
		return cerr
	}
	var api smithy.APIError
	denied := errors.As(err, &api) && strings.Contains(api.ErrorCode(), "AccessDenied")
	return &TokenError{Scope: scope, AccessDenied: denied, Err: err}
}
