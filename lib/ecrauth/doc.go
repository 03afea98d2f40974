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
// # The token cache
//
// A [Cache] entry records a login, not a secret: the registry host, the
// region, the caller's principal ARN and the token's expiry. The
// credentials themselves stay where the container CLI stored them, so a
// caller must also check that they are still there before trusting an
// entry.
//
// An entry is found by a [Key] made only of what the caller configured
// (registry host, region, profile, role ARN, endpoint), so a hit needs no
// STS or ECR call at all. A role names the principal however its session
// credentials rotate, which a key made of the access key would not. The
// caller's principal ARN at login (an assumed role's session ARN, or what
// sts GetCallerIdentity answered) is kept in the entry for inspection.
//
// An entry is used until half the token's life ([Entry.Fresh]), as
// amazon-ecr-credential-helper does; after that a new token is fetched,
// and a token past its expiry ([Entry.Expired]) is never used again.
package ecrauth
