// Package ecrtoken gets Amazon ECR authorization tokens with the AWS SDK
// and reads registry host names. It links no command runner, no container
// CLI and no ECR Public client (package publictoken has that), so that a
// small program, such as the credential helper's fetcher
// (cmd/godax-ecr-token), starts with only what the call needs. Package
// ecrauth builds the cached docker login on top of it and hands the
// password on as a dax.Secret.
//
//	tok, err := ecrtoken.GetToken(ctx, ecr.NewFromConfig(cfg),
//		ecrtoken.Scope{Account: "111122223333", Region: "eu-west-1"}, time.Now)
//
// [Fetch] is the fetcher's whole work: settings in, token out. [FetchWith]
// is the same with another token call, such as ECR Public's.
package ecrtoken
