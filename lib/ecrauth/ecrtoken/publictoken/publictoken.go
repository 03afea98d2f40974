// Package publictoken gets Amazon ECR Public authorization tokens, for
// public.ecr.aws. It is apart from package ecrtoken so that the fetcher
// of private registries' tokens (cmd/godax-ecr-token), which most cold
// gets run, links no ECR Public client: package init of a service client
// costs every run of a program that links it, used or not. The credential
// helper hands public.ecr.aws over to cmd/godax-ecr-public-token, which
// is [Fetch].
//
//	tok, err := publictoken.GetToken(ctx, ecrpublic.NewFromConfig(cfg, func(o *ecrpublic.Options) {
//		o.Region = ecrtoken.PublicRegion
//	}), time.Now)
package publictoken

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"

	"github.com/godax/godax/lib/ecrauth/credhelper"
	"github.com/godax/godax/lib/ecrauth/ecrtoken"
)

// TokenGetter is the part of the ECR Public client [GetToken] uses.
type TokenGetter interface {
	GetAuthorizationToken(ctx context.Context, in *ecrpublic.GetAuthorizationTokenInput, optFns ...func(*ecrpublic.Options)) (*ecrpublic.GetAuthorizationTokenOutput, error)
}

var _ TokenGetter = (*ecrpublic.Client)(nil)

// GetToken asks ECR Public for an authorization token and decodes it; c
// must call region [ecrtoken.PublicRegion]. The token's host is
// [ecrtoken.PublicHost]. The call is bounded by
// [ecrtoken.DefaultCallTimeout]; now gives the request time.
func GetToken(ctx context.Context, c TokenGetter, now func() time.Time) (ecrtoken.Token, error) {
	scope := ecrtoken.Scope{Account: "public", Region: ecrtoken.PublicRegion}
	ctx, cancel := context.WithTimeout(ctx, ecrtoken.DefaultCallTimeout)
	defer cancel()
	requested := now()
	out, err := c.GetAuthorizationToken(ctx, &ecrpublic.GetAuthorizationTokenInput{})
	if err != nil {
		return ecrtoken.Token{}, ecrtoken.ExplainError(scope, err)
	}
	if out == nil || out.AuthorizationData == nil || out.AuthorizationData.AuthorizationToken == nil {
		return ecrtoken.Token{}, &ecrtoken.TokenError{Scope: scope, Reason: "empty authorizationData in the response"}
	}
	d := out.AuthorizationData
	return ecrtoken.Decode(*d.AuthorizationToken, ecrtoken.PublicHost, scope, requested, d.ExpiresAt)
}

// Fetch gets a token for ECR Public as req describes: it is the credential
// helper's public fetcher, [ecrtoken.FetchWith] and [GetToken]. A request
// for any other registry fails, naming the fetcher that serves it
// ([credhelper.FetcherName]).
func Fetch(ctx context.Context, req credhelper.Request) (credhelper.Response, error) {
	return ecrtoken.FetchWith(ctx, req, func(ctx context.Context, cfg aws.Config, reg ecrtoken.Registry, _ ecrtoken.Scope) (ecrtoken.Token, error) {
		if !reg.Public {
			return ecrtoken.Token{}, fmt.Errorf("%s is not ECR Public: its tokens come from %s, not %s", req.Host, credhelper.FetcherName, credhelper.PublicFetcherName)
		}
		return GetToken(ctx, ecrpublic.NewFromConfig(cfg, func(o *ecrpublic.Options) { o.Region = ecrtoken.PublicRegion }), time.Now)
	})
}
