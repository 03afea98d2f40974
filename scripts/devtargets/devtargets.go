// Package devtargets holds the bodies of godax's own targets (demo, test,
// bench and install), which godax's magefile declares beside its import
// of package scripts. They build, test and measure godax itself, so
// another repository has no use for them.
package devtargets

import (
	"context"

	"github.com/magefile/mage/mg"

	"github.com/godax/godax/scripts"
	"github.com/godax/godax/scripts/internal/pipeline"
)

// Demo starts the sandbox, points the run at it and at the example
// service in examples/service, creates the demo's ECS service and Lambda
// function on a previous image when they are missing, and runs deploy
// (which builds and pushes first) and status there.
func Demo(ctx context.Context) error {
	return pipeline.RunTarget(ctx, scripts.Config, func(ctx context.Context) error {
		if err := pipeline.DemoSetup(ctx, pipeline.SessionFrom(ctx)); err != nil {
			return err
		}
		mg.CtxDeps(ctx, scripts.EcrLogin)
		if err := pipeline.EnsureDemoTargets(ctx); err != nil {
			return err
		}
		mg.CtxDeps(ctx, scripts.Deploy)
		return pipeline.Status(ctx)
	})
}

// Test starts the sandbox and runs every test of godax's modules with
// the race detector.
func Test(ctx context.Context) error {
	return pipeline.RunTarget(ctx, scripts.Config, pipeline.Test)
}

// Bench measures ecrLogin and the credential helper beside their peers on
// the sandbox.
func Bench(ctx context.Context) error {
	return pipeline.RunTarget(ctx, scripts.Config, pipeline.Bench)
}

// Install compiles godax's targets into GOBIN as godax, and installs the
// programs under cmd/.
func Install(ctx context.Context) error {
	return pipeline.RunTarget(ctx, scripts.Config, pipeline.Install)
}
