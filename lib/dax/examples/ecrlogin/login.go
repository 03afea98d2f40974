package main

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/godax/godax/lib/dax"
)

// login is testdata/login.ts in Go: it logs docker in to ECR with the
// credentials of the role roleARN.
func login(ctx context.Context, sh *dax.Shell, roleARN string) error {
	s := sh.NewScript(ctx)
	creds := assumeRole(roleARN, "ecr-login")
	token, endpoint, err := authorizationToken(ctx, creds)
	s.Check(err)
	decoded, err := base64.StdEncoding.DecodeString(token)
	s.Check(err)
	user, password, _ := strings.Cut(string(decoded), ":")
	host := strings.TrimPrefix(endpoint, "https://")
	s.Do(s.Cmd("docker login -u %s --password-stdin %s", user, host).StdinSecret(dax.Secret(password)))
	s.Info("logged in to %s", host)
	return s.Err()
}
