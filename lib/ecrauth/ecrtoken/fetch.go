package ecrtoken

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/dax/envvar"
	"github.com/godax/godax/lib/ecrauth/credhelper"
)

// A Getter asks for a token with cfg, the caller's credentials with the
// registry's role assumed, for scope. reg is what the registry's ECR host
// says; it is the zero Registry when the host is not an ECR host (an
// alias whose settings name the account and region).
type Getter func(ctx context.Context, cfg aws.Config, reg Registry, scope Scope) (Token, error)

// Fetch gets a token for a private registry as req describes: it is the
// credential helper's fetcher, [FetchWith] and [GetToken]. A request for
// ECR Public fails, naming the fetcher that serves it
// ([credhelper.PublicFetcherName]).
func Fetch(ctx context.Context, req credhelper.Request) (credhelper.Response, error) {
	return FetchWith(ctx, req, func(ctx context.Context, cfg aws.Config, reg Registry, scope Scope) (Token, error) {
		if reg.Public {
			return Token{}, fmt.Errorf("%s: ECR Public's tokens come from %s, not %s", PublicHost, credhelper.PublicFetcherName, credhelper.FetcherName)
		}
		return GetToken(ctx, ecr.NewFromConfig(cfg), scope, time.Now)
	})
}

// FetchWith gets a token as req describes, with get: it reads the
// registry's settings, assumes its role on top of the caller's
// credentials and calls get. The region and account are those of the
// ECR host (req.Host, or the registry's ECR field for an alias) whatever
// the settings say, as [credhelper.Request.Scope] gives them; only an
// alias with no ECR field takes them from its settings. Which hosts are
// served at all is the helper's decision ([credhelper.Lookup]).
//
// # Error handling
//
// Bad settings are a one-line error naming the setting; AWS failures are
// explained as [GetToken]'s are.
func FetchWith(ctx context.Context, req credhelper.Request, get Getter) (credhelper.Response, error) {
	r := req.Registry
	reg, account, region, perr := req.Scope()
	if r.ECR != "" && perr != nil {
		return credhelper.Response{}, fmt.Errorf("%s: ecr: %w", req.Host, perr)
	}
	if region != "" && !awsauth.ValidRegion(region) {
		return credhelper.Response{}, fmt.Errorf("%s: region %q is not an AWS region name", req.Host, region)
	}
	role, err := helperRole(r, account)
	if err != nil {
		return credhelper.Response{}, fmt.Errorf("%s: %w", req.Host, err)
	}
	base, err := awsauth.Load(ctx, awsauth.Options{Region: region, Profile: r.Profile})
	if err != nil {
		return credhelper.Response{}, err
	}
	cfg, err := awsauth.AssumeRole(base, role)
	if err != nil {
		return credhelper.Response{}, err
	}
	tok, err := get(ctx, cfg, reg, Scope{Account: account, Region: cfg.Region})
	if err != nil {
		return credhelper.Response{}, err
	}
	return credhelper.Response{Username: tok.Username, Secret: string(tok.Password), Region: cfg.Region,
		RequestedAt: tok.RequestedAt, ExpiresAt: tok.ExpiresAt}, nil
}

// helperRole reads a registry's role settings; nil when it has none.
func helperRole(r credhelper.Registry, account string) (*awsauth.Role, error) {
	if r.Role == "" {
		return nil, nil
	}
	role := &awsauth.Role{SessionName: r.RoleSessionName, ExternalID: r.RoleExternalID}
	if strings.HasPrefix(r.Role, "arn:") {
		role.ARN = r.Role
	} else {
		if account == "" {
			return nil, fmt.Errorf("role %q is a name, so the account must be set too (or give the role's ARN)", r.Role)
		}
		role.Account, role.Name = account, r.Role
	}
	d, err := envvar.Duration("ECR_ROLE_DURATION", r.RoleDuration, 0)
	if err != nil {
		return nil, err
	}
	role.Duration = d
	return role, nil
}
