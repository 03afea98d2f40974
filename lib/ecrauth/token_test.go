package ecrauth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	ptypes "github.com/aws/aws-sdk-go-v2/service/ecrpublic/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
)

// fakeECR answers GetAuthorizationToken with out or err, and records the input.
type fakeECR struct {
	out *ecr.GetAuthorizationTokenOutput
	err error
	in  *ecr.GetAuthorizationTokenInput
}

func (f *fakeECR) GetAuthorizationToken(_ context.Context, in *ecr.GetAuthorizationTokenInput, _ ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	f.in = in
	return f.out, f.err
}

type fakePublic struct {
	out *ecrpublic.GetAuthorizationTokenOutput
}

func (f fakePublic) GetAuthorizationToken(context.Context, *ecrpublic.GetAuthorizationTokenInput, ...func(*ecrpublic.Options)) (*ecrpublic.GetAuthorizationTokenOutput, error) {
	return f.out, nil
}

var requested = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func at() time.Time { return requested }

func answer(token, endpoint string, expires *time.Time) *fakeECR {
	return &fakeECR{out: &ecr.GetAuthorizationTokenOutput{AuthorizationData: []types.AuthorizationData{{
		AuthorizationToken: aws.String(base64.StdEncoding.EncodeToString([]byte(token))),
		ProxyEndpoint:      aws.String(endpoint),
		ExpiresAt:          expires,
	}}}}
}

var scope = ecrauth.Scope{Account: "111122223333", Region: "eu-west-1"}

func TestGetToken_SplitsOnTheFirstColonOnly(t *testing.T) {
	t.Parallel()
	exp := requested.Add(6 * time.Hour)
	f := answer("AWS:pass:with:colons", "https://111122223333.dkr.ecr.eu-west-1.amazonaws.com", &exp)
	got, err := ecrauth.GetToken(context.Background(), f, scope, at)
	if err != nil {
		t.Fatal(err)
	}
	want := ecrauth.Token{Username: "AWS", Password: dax.Secret("pass:with:colons"),
		Host: "111122223333.dkr.ecr.eu-west-1.amazonaws.com", RequestedAt: requested, ExpiresAt: exp}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if f.in == nil || len(f.in.RegistryIds) != 0 { //nolint:staticcheck // checking the deprecated field stays unset
		t.Errorf("request = %+v, want no registryIds", f.in)
	}
}

func TestGetToken_TreatsAnExpiryBeforeTheRequestAsTwelveHoursFromIt(t *testing.T) {
	t.Parallel()
	past := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC) // what moto answers
	for _, exp := range []*time.Time{&past, nil} {
		got, err := ecrauth.GetToken(context.Background(), answer("AWS:p", "https://h", exp), scope, at)
		if err != nil {
			t.Fatal(err)
		}
		if want := requested.Add(12 * time.Hour); !got.ExpiresAt.Equal(want) {
			t.Errorf("expiry %v: ExpiresAt = %v, want %v", exp, got.ExpiresAt, want)
		}
	}
}

func TestGetToken_ReportsUnusableAnswersNamingAccountAndRegion(t *testing.T) {
	t.Parallel()
	tests := map[string]*fakeECR{
		"empty authorizationData": {out: &ecr.GetAuthorizationTokenOutput{}},
		"nil output":              {},
		"not base64":              {out: &ecr.GetAuthorizationTokenOutput{AuthorizationData: []types.AuthorizationData{{AuthorizationToken: aws.String("%%%secret%%%"), ProxyEndpoint: aws.String("https://h")}}}},
		"no colon":                answer("AWSsecretvalue", "https://h", nil),
		"empty password":          answer("AWS:", "https://h", nil),
		"no proxy endpoint":       {out: &ecr.GetAuthorizationTokenOutput{AuthorizationData: []types.AuthorizationData{{AuthorizationToken: aws.String("QVdTOng=")}}}},
	}
	for name, f := range tests {
		_, err := ecrauth.GetToken(context.Background(), f, scope, at)
		if err == nil {
			t.Errorf("%s: want an error", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "account 111122223333, region eu-west-1") {
			t.Errorf("%s: error %q does not name the account and region", name, msg)
		}
		if strings.Contains(msg, "secret") {
			t.Errorf("%s: error %q shows the token", name, msg)
		}
	}
}

func TestGetToken_MarksAccessDenied(t *testing.T) {
	t.Parallel()
	f := &fakeECR{err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}}
	_, err := ecrauth.GetToken(context.Background(), f, ecrauth.Scope{Region: "us-east-1"}, at)
	var te *ecrauth.TokenError
	if !errors.As(err, &te) || !te.AccessDenied {
		t.Fatalf("err = %v, want a TokenError with AccessDenied", err)
	}
	for _, want := range []string{"access denied", "ecr:GetAuthorizationToken", "account the caller's, region us-east-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestGetPublicToken_UsesThePublicHost(t *testing.T) {
	t.Parallel()
	f := fakePublic{out: &ecrpublic.GetAuthorizationTokenOutput{AuthorizationData: &ptypes.AuthorizationData{
		AuthorizationToken: aws.String(base64.StdEncoding.EncodeToString([]byte("AWS:pub"))),
	}}}
	got, err := ecrauth.GetPublicToken(context.Background(), f, at)
	if err != nil {
		t.Fatal(err)
	}
	want := ecrauth.Token{Username: "AWS", Password: "pub", Host: "public.ecr.aws", RequestedAt: requested, ExpiresAt: requested.Add(12 * time.Hour)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
