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

// Deploy rolls one image out to every configured ECS service and Lambda function, and waits for them.
//
// Targets: DEPLOY_TARGETS (ECS service ARNs
// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE and Lambda function
// ARNs arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS], separated by
// commas, spaces or newlines, or @FILE with one a line, blank lines and #
// comments), and the shorthands ECS_CLUSTER with ECS_SERVICE, and
// LAMBDA_FUNCTION (caller's account and region). DEPLOY_ROLE: role name
// assumed in each target's account. ECS_CONTAINER: the container to
// change. LAMBDA_ALIAS: alias to move to a newly published version.
//
// Image: DEPLOY_IMAGE=HOST/REPO@sha256:... or HOST/REPO:TAG promotes an
// existing image (no build, no push); without it, the image is built and
// pushed first (see push: IMAGE_REPOSITORY, IMAGE_TAG, ECR_REGISTRY, ...).
//
// Run: DEPLOY_CONCURRENCY (targets at once, default 8), DEPLOY_TIMEOUT
// (per rollout, 90s, 15m or plain seconds; default 10m), DEPLOY_ROLLBACK=1
// (ECS service back to its previous revision, Lambda alias back to its
// previous version, on failure), DRY_RUN=1 (plan exactly what would be
// deployed, change nothing, build and push nothing), DEPLOY_CONFIRM=1
// (show the plan and ask on the terminal first; refuses without one, or
// with CI=true). On a terminal, waits over 2s show progress bars.
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

// Status shows what each configured target runs now: image, revision or version, counts, last event.
//
// ECS services show their task definition, running/desired/pending counts
// and last event; Lambda functions their version, alias and last update
// status. Targets as for deploy: DEPLOY_TARGETS, ECS_CLUSTER, ECS_SERVICE,
// LAMBDA_FUNCTION, DEPLOY_ROLE, ECS_CONTAINER, LAMBDA_ALIAS and
// DEPLOY_CONCURRENCY.
func Status(ctx context.Context) error { return scripts.Status(ctx) }

// Demo runs the whole pipeline (ecrLogin, build, push, deploy, status) against the local sandbox.
//
// It starts the sandbox when it is not running, and once the image is
// pushed creates the demo's ECS service and Lambda function in it, running
// that image, when they are missing. It sets IMAGE_REPOSITORY,
// ECS_CLUSTER, ECS_SERVICE and LAMBDA_FUNCTION itself; the deploy
// variables (DEPLOY_TIMEOUT, DRY_RUN, ...) apply as for deploy.
func Demo(ctx context.Context) error {
	if err := scripts.DemoSetup(ctx); err != nil {
		return err
	}
	push, err := scripts.CheckDeploy(ctx)
	if err != nil {
		return err
	}
	if push {
		mg.CtxDeps(ctx, Push)
		if err := scripts.EnsureDemoTargets(ctx); err != nil {
			return err
		}
	}
	mg.CtxDeps(ctx, Deploy)
	return scripts.Status(ctx)
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
