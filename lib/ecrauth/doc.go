// Package ecrauth gets Amazon ECR authorization tokens, reads registry host
// names, and keeps a cache of logins so that a repeated login within a
// token's life does no network work.
//
//	tok, err := ecrauth.GetToken(ctx, ecr.NewFromConfig(cfg),
//		ecrauth.Scope{Account: "111122223333", Region: "eu-west-1"}, time.Now)
//	if err != nil {
//		return err
//	}
//	err = cli.Login(ctx, tok.Host, tok.Username, tok.Password)
//
// # A cached login
//
// [Login] wraps a login function (assume a role, get a token, decode it,
// run `docker login --password-stdin`) with the token cache of package
// [tokencache], a lock per registry shared across processes, a refresh
// at half the token's life and every region at once:
//
//	results, err := ecrauth.Login(ctx, targets, func(ctx context.Context, t ecrauth.Target) (ecrauth.Token, error) {
//		tok, err := ecrauth.GetToken(ctx, ecr.NewFromConfig(cfg), ecrauth.Scope{Region: t.Region}, time.Now)
//		if err != nil {
//			return tok, err
//		}
//		return tok, cli.Login(ctx, tok.Host, tok.Username, tok.Password)
//	})
//
// An entry is found by a [tokencache.Key] made only of what the caller
// configured (registry host, region, profile, role ARN, endpoint), so a
// hit needs no STS or ECR call at all. A role names the principal however
// its session credentials rotate, which a key made of the access key
// would not. An entry keeps a digest of the credential logged in with, so
// a credential in the container CLI's config that was changed since is
// noticed and replaced.
//
// # Credential helper mode
//
// [RouteToHelper] points Docker's config at docker-credential-godax for a
// host (credHelpers), removing any stored password, and [WarmHelper]
// fills the helper's cache; Docker then asks the helper for the token at
// each pull and push, and no password is written to the config.
package ecrauth
