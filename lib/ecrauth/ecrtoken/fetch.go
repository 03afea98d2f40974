package ecrtoken

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/ecrauth/credhelper"
)

// Fetch gets a token as req describes, for the credential helper's
// fetcher: it assumes the registry's role on top of the caller's
// credentials, asks ECR (or ECR Public) for a token and decodes it. The
// region and account default to those of the ECR host (req.Host, or the
// registry's ECR field for an alias).
//
// # Error handling
//
// Bad settings are a one-line error naming the setting; AWS failures are
// explained as [GetToken]'s are.
func Fetch(ctx context.Context, req credhelper.Request) (credhelper.Response, error) {
	r := req.Registry
	ecrHost := TrimHost(req.Host)
	if r.ECR != "" {
		ecrHost = TrimHost(r.ECR)
	}
	reg, perr := ParseHost(ecrHost)
	if r.ECR != "" && perr != nil {
		return credhelper.Response{}, fmt.Errorf("%s: ecr: %w", req.Host, perr)
	}
	region, account := r.Region, r.Account
	if perr == nil {
		region = cmp.Or(region, reg.Region)
		account = cmp.Or(account, reg.Account)
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
	var tok Token
	if perr == nil && reg.Public {
		tok, err = GetPublicToken(ctx, ecrpublic.NewFromConfig(cfg, func(o *ecrpublic.Options) { o.Region = PublicRegion }), time.Now)
	} else {
		tok, err = GetToken(ctx, ecr.NewFromConfig(cfg), Scope{Account: account, Region: cfg.Region}, time.Now)
	}
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
	if r.RoleDuration != "" {
		d, err := time.ParseDuration(r.RoleDuration)
		if n, nerr := strconv.Atoi(r.RoleDuration); nerr == nil {
			d, err = time.Duration(n)*time.Second, nil
		}
		if err != nil {
			return nil, fmt.Errorf("role duration %q: want a duration such as 1h, or seconds", r.RoleDuration)
		}
		role.Duration = d
	}
	return role, nil
}
