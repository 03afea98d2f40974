// Package awsauth builds an [aws.Config] from the SDK's default credential
// chain, optionally assuming a role on top of it, and makes a missing
// credential fail within seconds instead of hanging on instance metadata.
//
//	cfg, err := awsauth.Load(ctx, awsauth.Options{
//		Region: "eu-west-1",
//		Role:   &awsauth.Role{ARN: "arn:aws:iam::111122223333:role/deployer"},
//	})
//	if err != nil {
//		return err
//	}
//	client := ecr.NewFromConfig(cfg)
//
// Load does no network work: credentials are fetched, and the role assumed,
// the first time a client signs a request, and then cached until they near
// expiry.
package awsauth
