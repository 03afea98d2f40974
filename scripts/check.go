package scripts

import (
	"context"
	"fmt"
	"os"
)

// CheckPush checks the settings of push and of the steps it depends on,
// ecrLogin and build, so that a bad one stops the run before any step
// starts work. Each error names its step and the variable at fault.
func CheckPush(ctx context.Context) error {
	if _, err := readLoginSettingsFromEnv(); err != nil {
		return fmt.Errorf("ecrLogin: %w", err)
	}
	_, _, err := readBuild(ctx)
	return err
}

// CheckDeploy checks the settings of deploy and, unless it is a dry run,
// of the steps it depends on. It reports whether deploy must push first:
// a dry run changes nothing, registry included, so it plans with the image
// the last push recorded instead.
func CheckDeploy(ctx context.Context) (push bool, err error) {
	s, err := ReadDeploySettings(os.Getenv)
	if err != nil {
		return false, fmt.Errorf("deploy: %w", err)
	}
	if s.DryRun {
		if _, err := LastPush(); err != nil {
			return false, fmt.Errorf("deploy: DRY_RUN=1 plans with the last pushed image, and there is none: %w", err)
		}
		return false, nil
	}
	if err := CheckPush(ctx); err != nil {
		return false, err
	}
	return true, nil
}
