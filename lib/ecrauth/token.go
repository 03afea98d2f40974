package ecrauth

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth/ecrtoken"
	"github.com/godax/godax/lib/ecrauth/ecrtoken/publictoken"
)

// The token calls live in package [ecrtoken], which links no runner and
// no container CLI, so that the credential helper's fetcher stays small.
// These names are the same values, for callers of this package.

// TokenLifetime is how long ECR documents a token to be valid: [ecrtoken.TokenLifetime].
const TokenLifetime = ecrtoken.TokenLifetime

// DefaultCallTimeout bounds one GetAuthorizationToken call: [ecrtoken.DefaultCallTimeout].
const DefaultCallTimeout = ecrtoken.DefaultCallTimeout

// PublicHost is ECR Public's registry host: [ecrtoken.PublicHost].
const PublicHost = ecrtoken.PublicHost

// PublicRegion is the only region that issues ECR Public tokens: [ecrtoken.PublicRegion].
const PublicRegion = ecrtoken.PublicRegion

type (
	// TokenGetter is the part of the ECR client [GetToken] uses: [ecrtoken.TokenGetter].
	TokenGetter = ecrtoken.TokenGetter
	// PublicTokenGetter is the part of the ECR Public client [GetPublicToken] uses: [publictoken.TokenGetter].
	PublicTokenGetter = publictoken.TokenGetter
	// Scope names the account and region a token is asked for: [ecrtoken.Scope].
	Scope = ecrtoken.Scope
	// TokenError is a failed or unusable GetAuthorizationToken answer: [ecrtoken.TokenError].
	TokenError = ecrtoken.TokenError
	// Registry is what an ECR registry host name says about the registry: [ecrtoken.Registry].
	Registry = ecrtoken.Registry
)

// Token is a decoded ECR authorization token.
type Token struct {
	// Username is the user name to log in with; "AWS" for ECR.
	Username string
	// Password is the password to log in with.
	Password dax.Secret
	// Host is the registry host from the response's proxy endpoint, or
	// [PublicHost] for ECR Public.
	Host string
	// RequestedAt is when the token was asked for.
	RequestedAt time.Time
	// ExpiresAt is when the token stops working (see [TokenLifetime]).
	ExpiresAt time.Time
}

// secret is t with its password as a [dax.Secret].
func secret(t ecrtoken.Token, err error) (Token, error) {
	if err != nil {
		return Token{}, err
	}
	return Token{Username: t.Username, Password: dax.Secret(t.Password), Host: t.Host, RequestedAt: t.RequestedAt, ExpiresAt: t.ExpiresAt}, nil
}

// GetToken asks ECR for an authorization token (without registryIds: one
// token serves every registry the caller may use) and decodes it with
// [DecodeToken]. The call is bounded by [DefaultCallTimeout]. now gives
// the request time. It is [ecrtoken.GetToken] with the password as a
// [dax.Secret].
func GetToken(ctx context.Context, c TokenGetter, scope Scope, now func() time.Time) (Token, error) {
	return secret(ecrtoken.GetToken(ctx, c, scope, now))
}

// DecodeToken reads ECR's answer out, asked for at requested, into the
// user name and password it holds, the registry host and the expiry. A
// token is base64 of "user:password", split on its first colon only,
// since a password may contain colons. Errors name scope, never the
// token. It is [ecrtoken.DecodeToken] with the password as a [dax.Secret].
func DecodeToken(out *ecr.GetAuthorizationTokenOutput, scope Scope, requested time.Time) (Token, error) {
	return secret(ecrtoken.DecodeToken(out, scope, requested))
}

// GetPublicToken asks ECR Public for an authorization token and decodes
// it; c must call region [PublicRegion]. Host is [PublicHost]. It is
// [publictoken.GetToken] with the password as a [dax.Secret].
func GetPublicToken(ctx context.Context, c PublicTokenGetter, now func() time.Time) (Token, error) {
	return secret(publictoken.GetToken(ctx, c, now))
}

// ExplainError turns a failed GetAuthorizationToken call's err into a
// [*TokenError] naming scope: [ecrtoken.ExplainError].
func ExplainError(scope Scope, err error) error { return ecrtoken.ExplainError(scope, err) }

// TrimHost returns the host of s, which may be a bare host or a URL such
// as a token's proxy endpoint ("https://HOST"), without a trailing slash,
// lower-cased: [ecrtoken.TrimHost].
func TrimHost(s string) string { return ecrtoken.TrimHost(s) }

// ParseHost returns what host (a bare host or a URL) says about an ECR
// registry: [ecrtoken.ParseHost].
func ParseHost(host string) (Registry, error) { return ecrtoken.ParseHost(host) }

// HostFor returns the standard (IPv4, non-FIPS) registry host of account
// in region: [ecrtoken.HostFor].
func HostFor(account, region string) (string, error) { return ecrtoken.HostFor(account, region) }
