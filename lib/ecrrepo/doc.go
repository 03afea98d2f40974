// Package ecrrepo makes sure an Amazon ECR repository exists before an
// image is pushed to it, and checks repository names against ECR's rules
// before any call is made.
//
//	client := ecr.NewFromConfig(cfg)
//	repo, err := ecrrepo.Ensure(ctx, client, "team/app", ecrrepo.Options{ScanOnPush: true})
//	if err != nil {
//		return err
//	}
//	fmt.Println(repo.URI, repo.Created)
package ecrrepo
