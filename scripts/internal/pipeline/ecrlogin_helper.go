package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
)

// helperMode routes each registry of s to docker-credential-godax in the
// CLI's config, with no password stored, and warms the helper's cache.
func helperMode(ctx context.Context, sess *Session, s LoginSettings) error {
	targets, err := s.targets(func() (aws.Config, error) { return baseConfig(ctx, s) })
	if err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	if err := ecrauth.CheckHelper(ecrauth.HelperName); err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	paths, err := s.CLI.ConfigPaths()
	if err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	var results []LoginResult
	for _, t := range targets {
		if t.Host == "" {
			return errors.New("ecrLogin: ECR_LOGIN_MODE=helper needs the registry host before any call: set ECR_REGISTRY, ECR_ACCOUNT or ECR_ROLE as an ARN")
		}
		// Warm first: a helper that cannot get a token must not be
		// routed to.
		if err := ecrauth.WarmHelper(ctx, ecrauth.HelperName, t.Host); err != nil {
			return fmt.Errorf("ecrLogin: %w", err)
		}
		if err := ecrauth.RouteToHelper(ctx, paths[0], t.Host, ecrauth.HelperName); err != nil {
			return fmt.Errorf("ecrLogin: %w", err)
		}
		dax.Info("%s routes %s to %s, whose token cache is warm", paths[0], t.Host, ecrauth.HelperCommand)
		results = append(results, LoginResult{Region: t.Region, Host: t.Host, Skipped: "served by " + ecrauth.HelperCommand})
	}
	sess.logged(results)
	return nil
}
