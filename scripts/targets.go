package scripts

// mage:multiline keeps the line breaks of these doc comments in -h. The
// "# Environment" part of each target's doc comment is generated from
// scripts/settings: edit the table there and run go generate ./scripts/settings.

import (
	"context"
	"fmt"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/godax/godax/scripts/internal/pipeline"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/settings"
)

// Config is the configuration a magefile may set in its init(), for the
// variables its repository always uses; a variable set in the environment
// wins over it. The zero Config sets nothing.
var Config settings.Config

// EcrLogin assumes the configured role, gets an ECR token and logs the container CLI in.
//
// A second run within the token's life is served from a cache and does no
// network work. ECR_LOGIN_MODE=helper routes the registry to
// docker-credential-godax instead, and stores no password.
//
// # Environment
//
//   - AWS_REGION: the AWS region (or AWS_DEFAULT_REGION). Default: the profile's.
//   - AWS_PROFILE: the shared config profile, SSO and role_arn profiles included. Default: the SDK's default chain.
//   - AWS_ENDPOINT_URL: endpoint for every AWS service, such as the sandbox's moto. Default: AWS's.
//   - AWS_ENDPOINT_URL_<SERVICE>: endpoint for one service: _STS, _ECR, _ECR_PUBLIC, _ECS, _LAMBDA. Default: AWS_ENDPOINT_URL.
//   - ECR_ACCOUNT: registry account id (12 digits). Default: the caller's account.
//   - ECR_ROLE: role name (with ECR_ACCOUNT) or full role ARN to assume. Default: none: use the caller's credentials.
//   - ECR_ROLE_SESSION_NAME: the assumed role's session name. Default: godax-<user>.
//   - ECR_ROLE_DURATION: the role session's length, 15m to 12h (a Go duration, or seconds). Default: 15m.
//   - ECR_ROLE_EXTERNAL_ID: external id the role's trust policy asks for. Default: none.
//   - ECR_ROLE_MFA_SERIAL: MFA device ARN; the token code is asked for on the terminal. Default: none.
//   - ECR_REGIONS: comma-separated regions to log in to, concurrently. Default: the configured region.
//   - ECR_REGISTRY: registry to log in and push to, as HOST or HOST:PORT (no scheme, no path): a dual-stack or VPC endpoint alias, or the sandbox registry. Default: the token's proxy endpoint.
//   - ECR_NO_CACHE: 1 (or true, yes, on) bypasses the token cache. Default: unset.
//   - ECR_CACHE_DIR: the token cache folder, which must be yours and not writable by others (a shared one such as /tmp gets a godax-<uid> folder of its own inside); the sandbox's environment sets it under .godax/sandbox, which sandbox:down removes. Default: ~/.cache/godax/ecr (the user cache folder).
//   - ECR_LOGIN_TIMEOUT: how long one docker login may take (30s, 2m, or seconds). Default: 30s.
//   - ECR_LOGIN_MODE: helper routes the registry to docker-credential-godax instead of storing a password: Docker then asks it for a token on each pull and push. Default: login.
//   - CONTAINER_CLI: docker, podman, nerdctl or finch. Default: docker.
func EcrLogin(ctx context.Context) error {
	return run(ctx, pipeline.EcrLogin)
}

// Build builds the image IMAGE_REPOSITORY:IMAGE_TAG from the repository's Dockerfile.
//
// IMAGE_TAG defaults to the git short SHA (with -dirty for uncommitted
// changes), and BUILD_CONTEXT to the top folder of the repository it runs
// in.
//
// # Environment
//
//   - CONTAINER_CLI: docker, podman, nerdctl or finch. Default: docker.
//   - IMAGE_REPOSITORY: ECR repository name, also the local image's name. Default: required (or scripts.Config.ImageRepository); the demo sets it.
//   - IMAGE_TAG: image tag. Default: the git short SHA, with -dirty when the tree has uncommitted changes.
//   - BUILD_CONTEXT: build context folder. Default: the top folder of the repository the target runs in (else the working directory).
//   - DOCKERFILE: Dockerfile path. Default: Dockerfile in the build context.
//   - IMAGE_PLATFORM: target platform OS/ARCH[/VARIANT] as Go names them, such as linux/arm64. Default: the builder's default.
//   - BUILD_ARG_<NAME>: passed as --build-arg NAME=VALUE, e.g. BUILD_ARG_VERSION=1.2; NAME is letters, digits and _, VALUE one line. Default: none.
//   - CI: any value but 0, false, no or off means a CI run: plain output (no colour, plain build progress), no prompts (DEPLOY_CONFIRM refuses), and integration tests fail instead of skipping without the sandbox. Default: unset.
func Build(ctx context.Context) error {
	return run(ctx, pipeline.Build)
}

// Push pushes the built image to ECR, logging in and building first if needed.
//
// It creates the repository when it is missing and prints the pushed
// reference pinned by digest (HOST/REPO@sha256:...).
//
// # Environment
//
//   - AWS_REGION: the AWS region (or AWS_DEFAULT_REGION). Default: the profile's.
//   - AWS_PROFILE: the shared config profile, SSO and role_arn profiles included. Default: the SDK's default chain.
//   - AWS_ENDPOINT_URL: endpoint for every AWS service, such as the sandbox's moto. Default: AWS's.
//   - AWS_ENDPOINT_URL_<SERVICE>: endpoint for one service: _STS, _ECR, _ECR_PUBLIC, _ECS, _LAMBDA. Default: AWS_ENDPOINT_URL.
//   - ECR_ACCOUNT: registry account id (12 digits). Default: the caller's account.
//   - ECR_ROLE: role name (with ECR_ACCOUNT) or full role ARN to assume. Default: none: use the caller's credentials.
//   - ECR_ROLE_SESSION_NAME: the assumed role's session name. Default: godax-<user>.
//   - ECR_ROLE_DURATION: the role session's length, 15m to 12h (a Go duration, or seconds). Default: 15m.
//   - ECR_ROLE_EXTERNAL_ID: external id the role's trust policy asks for. Default: none.
//   - ECR_ROLE_MFA_SERIAL: MFA device ARN; the token code is asked for on the terminal. Default: none.
//   - ECR_REGIONS: comma-separated regions to log in to, concurrently. Default: the configured region.
//   - ECR_REGISTRY: registry to log in and push to, as HOST or HOST:PORT (no scheme, no path): a dual-stack or VPC endpoint alias, or the sandbox registry. Default: the token's proxy endpoint.
//   - ECR_NO_CACHE: 1 (or true, yes, on) bypasses the token cache. Default: unset.
//   - ECR_CACHE_DIR: the token cache folder, which must be yours and not writable by others (a shared one such as /tmp gets a godax-<uid> folder of its own inside); the sandbox's environment sets it under .godax/sandbox, which sandbox:down removes. Default: ~/.cache/godax/ecr (the user cache folder).
//   - ECR_LOGIN_TIMEOUT: how long one docker login may take (30s, 2m, or seconds). Default: 30s.
//   - ECR_LOGIN_MODE: helper routes the registry to docker-credential-godax instead of storing a password: Docker then asks it for a token on each pull and push. Default: login.
//   - CONTAINER_CLI: docker, podman, nerdctl or finch. Default: docker.
//   - IMAGE_REPOSITORY: ECR repository name, also the local image's name. Default: required (or scripts.Config.ImageRepository); the demo sets it.
//   - IMAGE_TAG: image tag. Default: the git short SHA, with -dirty when the tree has uncommitted changes.
//   - BUILD_CONTEXT: build context folder. Default: the top folder of the repository the target runs in (else the working directory).
//   - DOCKERFILE: Dockerfile path. Default: Dockerfile in the build context.
//   - IMAGE_PLATFORM: target platform OS/ARCH[/VARIANT] as Go names them, such as linux/arm64. Default: the builder's default.
//   - BUILD_ARG_<NAME>: passed as --build-arg NAME=VALUE, e.g. BUILD_ARG_VERSION=1.2; NAME is letters, digits and _, VALUE one line. Default: none.
//   - ECR_SCAN_ON_PUSH: 0 creates a missing repository without scan on push. Default: 1.
//   - ECR_IMMUTABLE_TAGS: 1 creates a missing repository with immutable tags. Default: 0.
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - CI: any value but 0, false, no or off means a CI run: plain output (no colour, plain build progress), no prompts (DEPLOY_CONFIRM refuses), and integration tests fail instead of skipping without the sandbox. Default: unset.
func Push(ctx context.Context) error {
	return run(ctx, func(ctx context.Context) error {
		if err := pipeline.CheckPush(ctx); err != nil {
			return err
		}
		mg.CtxDeps(ctx, EcrLogin, Build)
		return pipeline.Push(ctx)
	})
}

// Deploy rolls one image out to every configured ECS service and Lambda function, and waits for them.
//
// The targets are DEPLOY_TARGETS (ECS service and Lambda function ARNs,
// or @FILE), or the shorthands ECS_CLUSTER with ECS_SERVICE, and
// LAMBDA_FUNCTION. Every target is described before anything is built,
// pushed or changed. DEPLOY_IMAGE promotes an image that is already
// pushed; without it the image is built and pushed first. DRY_RUN=1 plans
// exactly what would be deployed and changes nothing; DEPLOY_CONFIRM=1
// shows the plan and asks first. On a terminal, waits over 2s show
// progress bars.
//
// # Environment
//
//   - AWS_REGION: the AWS region (or AWS_DEFAULT_REGION). Default: the profile's.
//   - AWS_PROFILE: the shared config profile, SSO and role_arn profiles included. Default: the SDK's default chain.
//   - AWS_ENDPOINT_URL: endpoint for every AWS service, such as the sandbox's moto. Default: AWS's.
//   - AWS_ENDPOINT_URL_<SERVICE>: endpoint for one service: _STS, _ECR, _ECR_PUBLIC, _ECS, _LAMBDA. Default: AWS_ENDPOINT_URL.
//   - ECR_ACCOUNT: registry account id (12 digits). Default: the caller's account.
//   - ECR_ROLE: role name (with ECR_ACCOUNT) or full role ARN to assume. Default: none: use the caller's credentials.
//   - ECR_ROLE_SESSION_NAME: the assumed role's session name. Default: godax-<user>.
//   - ECR_ROLE_DURATION: the role session's length, 15m to 12h (a Go duration, or seconds). Default: 15m.
//   - ECR_ROLE_EXTERNAL_ID: external id the role's trust policy asks for. Default: none.
//   - ECR_ROLE_MFA_SERIAL: MFA device ARN; the token code is asked for on the terminal. Default: none.
//   - ECR_REGIONS: comma-separated regions to log in to, concurrently. Default: the configured region.
//   - ECR_REGISTRY: registry to log in and push to, as HOST or HOST:PORT (no scheme, no path): a dual-stack or VPC endpoint alias, or the sandbox registry. Default: the token's proxy endpoint.
//   - ECR_NO_CACHE: 1 (or true, yes, on) bypasses the token cache. Default: unset.
//   - ECR_CACHE_DIR: the token cache folder, which must be yours and not writable by others (a shared one such as /tmp gets a godax-<uid> folder of its own inside); the sandbox's environment sets it under .godax/sandbox, which sandbox:down removes. Default: ~/.cache/godax/ecr (the user cache folder).
//   - ECR_LOGIN_TIMEOUT: how long one docker login may take (30s, 2m, or seconds). Default: 30s.
//   - ECR_LOGIN_MODE: helper routes the registry to docker-credential-godax instead of storing a password: Docker then asks it for a token on each pull and push. Default: login.
//   - CONTAINER_CLI: docker, podman, nerdctl or finch. Default: docker.
//   - IMAGE_REPOSITORY: ECR repository name, also the local image's name. Default: required (or scripts.Config.ImageRepository); the demo sets it.
//   - IMAGE_TAG: image tag. Default: the git short SHA, with -dirty when the tree has uncommitted changes.
//   - BUILD_CONTEXT: build context folder. Default: the top folder of the repository the target runs in (else the working directory).
//   - DOCKERFILE: Dockerfile path. Default: Dockerfile in the build context.
//   - IMAGE_PLATFORM: target platform OS/ARCH[/VARIANT] as Go names them, such as linux/arm64. Default: the builder's default.
//   - BUILD_ARG_<NAME>: passed as --build-arg NAME=VALUE, e.g. BUILD_ARG_VERSION=1.2; NAME is letters, digits and _, VALUE one line. Default: none.
//   - ECR_SCAN_ON_PUSH: 0 creates a missing repository without scan on push. Default: 1.
//   - ECR_IMMUTABLE_TAGS: 1 creates a missing repository with immutable tags. Default: 0.
//   - DEPLOY_TARGETS: ECS service ARNs arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE and Lambda function ARNs arn:aws:lambda:REGION:ACCOUNT:function:NAME, optionally :ALIAS, separated by commas, spaces or newlines; or @FILE, one a line, with blank lines and # comments. Default: none.
//   - ECS_CLUSTER: with ECS_SERVICE, shorthand for one ECS service in the caller's account and region: its cluster. Default: none.
//   - ECS_SERVICE: with ECS_CLUSTER, shorthand for one ECS service: its name. Default: none.
//   - ECS_CONTAINER: the container whose image changes in every ECS service. Default: the one whose image is in the deployed repository.
//   - LAMBDA_FUNCTION: shorthand for one Lambda function: a name, in the caller's account and region, or an ARN. Default: none.
//   - DEPLOY_ROLE: a role name (e.g. deployer or ci/deployer) assumed in each ARN target's account, from the base credentials. Default: none: the caller's credentials, in the target's region.
//   - LAMBDA_ALIAS: publish a version and point this alias at it; an alias in a function's ARN wins. Default: none: publish nothing.
//   - DEPLOY_IMAGE: promote an existing image: HOST/REPO@sha256:..., or HOST/REPO:TAG, which the registry resolves to its digest first; nothing is built or pushed. Default: unset: build and push, then deploy what was pushed.
//   - DEPLOY_CONCURRENCY: how many targets are deployed (planned, read) at once. Default: 8.
//   - DEPLOY_TIMEOUT: how long each rollout may take, at least 10s: 90s, 15m, or plain seconds (10); the wait lasts exactly that long, and each AWS call, retries included, a fifth of it (a minute at most). Default: 10m.
//   - DRY_RUN: 1 plans exactly what a real run would deploy, resolved the same way, and changes nothing (no build, no push); without DEPLOY_IMAGE it says which tag would be built and pushed and whether the registry already holds it. Default: unset.
//   - DEPLOY_ROLLBACK: 1: when a rollout fails or times out, an ECS service goes back to its previous task definition and a Lambda alias back to its previous version. Default: unset.
//   - DEPLOY_CONFIRM: 1: show the plan and ask on the terminal (/dev/tty, so a piped stdin is fine) before changing anything; without a terminal, or with CI=true, refuse at once. Default: unset.
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - CI: any value but 0, false, no or off means a CI run: plain output (no colour, plain build progress), no prompts (DEPLOY_CONFIRM refuses), and integration tests fail instead of skipping without the sandbox. Default: unset.
func Deploy(ctx context.Context) error {
	return run(ctx, func(ctx context.Context) error {
		push, err := pipeline.CheckDeploy(ctx)
		if err != nil {
			return err
		}
		if push {
			mg.CtxDeps(ctx, Push)
		}
		return pipeline.Deploy(ctx)
	})
}

// Status shows what each configured target runs now: image, revision or version, counts, last event.
//
// ECS services show their task definition, running/desired/pending counts
// and last event; Lambda functions their version, alias and last update
// status. The targets are configured as for deploy.
//
// # Environment
//
//   - AWS_REGION: the AWS region (or AWS_DEFAULT_REGION). Default: the profile's.
//   - AWS_PROFILE: the shared config profile, SSO and role_arn profiles included. Default: the SDK's default chain.
//   - AWS_ENDPOINT_URL: endpoint for every AWS service, such as the sandbox's moto. Default: AWS's.
//   - AWS_ENDPOINT_URL_<SERVICE>: endpoint for one service: _STS, _ECR, _ECR_PUBLIC, _ECS, _LAMBDA. Default: AWS_ENDPOINT_URL.
//   - DEPLOY_TARGETS: ECS service ARNs arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE and Lambda function ARNs arn:aws:lambda:REGION:ACCOUNT:function:NAME, optionally :ALIAS, separated by commas, spaces or newlines; or @FILE, one a line, with blank lines and # comments. Default: none.
//   - ECS_CLUSTER: with ECS_SERVICE, shorthand for one ECS service in the caller's account and region: its cluster. Default: none.
//   - ECS_SERVICE: with ECS_CLUSTER, shorthand for one ECS service: its name. Default: none.
//   - ECS_CONTAINER: the container whose image changes in every ECS service. Default: the one whose image is in the deployed repository.
//   - LAMBDA_FUNCTION: shorthand for one Lambda function: a name, in the caller's account and region, or an ARN. Default: none.
//   - DEPLOY_ROLE: a role name (e.g. deployer or ci/deployer) assumed in each ARN target's account, from the base credentials. Default: none: the caller's credentials, in the target's region.
//   - LAMBDA_ALIAS: publish a version and point this alias at it; an alias in a function's ARN wins. Default: none: publish nothing.
//   - DEPLOY_CONCURRENCY: how many targets are deployed (planned, read) at once. Default: 8.
func Status(ctx context.Context) error {
	return run(ctx, pipeline.Status)
}

// Sandbox holds the targets that run the local stand-in for AWS: moto, a
// registry and a private dockerd, all on loopback.
type Sandbox mg.Namespace

// Up starts moto, the registry and dockerd on loopback, or checks they still run.
//
// # Environment
//
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - GODAX_SANDBOX_DIR: the sandbox's folder; sandbox:env sets it, so another repository's targets reach the sandbox while keeping their own state. Default: sandbox in the state folder.
func (Sandbox) Up(ctx context.Context) error {
	return run(ctx, func(ctx context.Context) error {
		_, err := sandbox.Up(ctx)
		return err
	})
}

// Down stops the processes sandbox:up started and removes their state.
//
// It also forgets the last push when it went to the sandbox's registry,
// so that no record points at a registry that is gone.
//
// # Environment
//
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - GODAX_SANDBOX_DIR: the sandbox's folder; sandbox:env sets it, so another repository's targets reach the sandbox while keeping their own state. Default: sandbox in the state folder.
func (Sandbox) Down(ctx context.Context) error {
	return run(ctx, func(ctx context.Context) error {
		return pipeline.SandboxDown(ctx, pipeline.SessionFrom(ctx))
	})
}

// Env prints export lines that point AWS, Docker and godax at the sandbox.
//
// Use it as: eval "$(go run mage.go sandbox:env)"
//
// # Environment
//
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - GODAX_SANDBOX_DIR: the sandbox's folder; sandbox:env sets it, so another repository's targets reach the sandbox while keeping their own state. Default: sandbox in the state folder.
func (Sandbox) Env(ctx context.Context) error {
	st, err := sandbox.Load()
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(os.Stdout, st.Exports())
	return err
}
