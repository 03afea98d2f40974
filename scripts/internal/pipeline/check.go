package pipeline

import (
	"context"
	"fmt"
)

// CheckPush checks the settings of push and of the steps it depends on,
// ecrLogin and build, so that a bad one stops the run before any step
// starts work. Each error names its step and the variable at fault.
func CheckPush(ctx context.Context) error {
	if _, err := ReadLoginSettings(sessionOf(ctx).Getenv); err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	_, _, err := readBuild(ctx)
	return err
}

// CheckDeploy checks the settings of deploy and, unless it is a dry run
// or promotes DEPLOY_IMAGE, of the steps it depends on. It reports whether
// deploy must push first. Before a push it also describes every target (a
// missing ECS service or container, Lambda function, or an account that
// cannot be reached), so that nothing is built, pushed or created for a
// fleet that cannot be deployed to whole.
func CheckDeploy(ctx context.Context) (push bool, err error) { return checkDeploy(ctx) }
