//go:build mage

// godax's targets. Each one is a thin call into the scripts package; run
// `go run mage.go -l` for the list and `go run mage.go -h <target>` for one.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/godax/godax/scripts"
	"github.com/godax/godax/scripts/sandbox"
)

// EcrLogin assumes the configured role, gets an ECR token and logs the container CLI in.
//
// A second run within the token's life is served from a cache and does no
// network work. ECR_LOGIN_MODE=helper routes the registry to
// docker-credential-godax instead, and stores no password. Settings:
// AWS_REGION, AWS_PROFILE, ECR_ACCOUNT, ECR_ROLE, ECR_ROLE_SESSION_NAME,
// ECR_ROLE_DURATION, ECR_ROLE_EXTERNAL_ID, ECR_ROLE_MFA_SERIAL, ECR_REGIONS,
// ECR_REGISTRY, ECR_NO_CACHE, ECR_CACHE_DIR, ECR_LOGIN_TIMEOUT,
// ECR_LOGIN_MODE and CONTAINER_CLI (see README.md).
func EcrLogin(ctx context.Context) error { return scripts.EcrLogin(ctx) }

// Build builds the image IMAGE_REPOSITORY:IMAGE_TAG from BUILD_CONTEXT.
//
// IMAGE_TAG defaults to the git short SHA (with -dirty for uncommitted
// changes); BUILD_CONTEXT defaults to the sample service.
func Build(ctx context.Context) error { return scripts.Build(ctx) }

// Push pushes the built image to ECR, logging in and building first if needed.
//
// It creates the repository when it is missing and prints the pushed
// reference pinned by digest (HOST/REPO@sha256:...).
func Push(ctx context.Context) error {
	if err := scripts.CheckPush(ctx); err != nil {
		return err
	}
	mg.CtxDeps(ctx, EcrLogin, Build)
	return scripts.Push(ctx)
}

// Deploy rolls the pushed image out to ECS and/or Lambda and waits for it.
//
// It deploys to ECS_CLUSTER/ECS_SERVICE and to LAMBDA_FUNCTION, whichever are
// set. DRY_RUN=1 prints the plan for the last pushed image and changes
// nothing, pushing included; DEPLOY_ROLLBACK=1 puts the ECS service back on
// its previous revision when the rollout fails.
func Deploy(ctx context.Context) error {
	push, err := scripts.CheckDeploy(ctx)
	if err != nil {
		return err
	}
	if push {
		mg.CtxDeps(ctx, Push)
	}
	return scripts.Deploy(ctx)
}

// Demo runs the whole pipeline (ecrLogin, build, push, deploy) against the local sandbox.
//
// It starts the sandbox when it is not running and creates the demo's ECS
// service and Lambda function in it when they are missing.
func Demo(ctx context.Context) error {
	if err := scripts.DemoSetup(ctx); err != nil {
		return err
	}
	mg.CtxDeps(ctx, Deploy)
	return scripts.DemoSummary(ctx)
}

// Test starts the sandbox and runs every test with the race detector.
func Test(ctx context.Context) error { return scripts.Test(ctx) }

// Bench compares ecrLogin, cached and uncached, with the AWS CLI and a bare docker login.
func Bench(ctx context.Context) error { return scripts.Bench(ctx) }

// Sandbox holds the targets that run the local stand-in for AWS: moto, a
// registry and a private dockerd, all on loopback.
type Sandbox mg.Namespace

// Up starts moto, the registry and dockerd on loopback, or checks they still run.
func (Sandbox) Up(ctx context.Context) error {
	_, err := sandbox.Up(ctx)
	return err
}

// Down stops the processes sandbox:up started and removes their state.
func (Sandbox) Down(ctx context.Context) error { return sandbox.Down(ctx) }

// Env prints export lines that point AWS, Docker and godax at the sandbox.
//
// Use it as: eval "$(go run mage.go sandbox:env)"
func (Sandbox) Env(ctx context.Context) error {
	st, err := sandbox.Load()
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(os.Stdout, st.Exports())
	return err
}
