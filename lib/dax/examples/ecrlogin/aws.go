package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sync"
)

// credentials stand for the credentials of an assumed role. As with the
// SDK's stscreds provider, assuming the role is lazy: STS is called when
// the first request is signed, so it cannot fail here.
type credentials struct {
	roleARN, session string
}

// assumeRole stands for building an assume-role credentials provider.
func assumeRole(roleARN, session string) credentials {
	return credentials{roleARN: roleARN, session: session}
}

// rolePattern matches a role's ARN, its account in the first group.
var rolePattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/[\w+=,.@/-]+$`)
})

// authorizationToken stands for ECR's GetAuthorizationToken signed with
// creds. It answers as the AWS stand-in does: the token is base64 of
// "AWS:<account>-auth-token", the endpoint the account's registry.
func authorizationToken(ctx context.Context, creds credentials) (token, endpoint string, err error) {
	if err := ctx.Err(); err != nil {
		return "", "", fmt.Errorf("ecr get-authorization-token: %w", err)
	}
	m := rolePattern().FindStringSubmatch(creds.roleARN)
	if m == nil {
		return "", "", fmt.Errorf("sts assume-role: %q is not a role ARN", creds.roleARN)
	}
	token = base64.StdEncoding.EncodeToString([]byte("AWS:" + m[1] + "-auth-token"))
	return token, "https://" + m[1] + ".dkr.ecr.us-east-1.amazonaws.com", nil
}
