//go:build mage

// godax's own targets: its importable ones (ecrLogin, build, push,
// deploy, status and the sandbox namespace) and the few that build, test
// and measure godax itself. Run go run mage.go -l for the list and go run
// mage.go -h <target> for one.
package main

// mage:multiline keeps the line breaks of these doc comments in -h. The
// "# Environment" part of each target's doc comment is generated from
// scripts/settings: edit the table there and run go generate ./scripts/settings.

import (
	"context"

	//mage:import
	_ "github.com/godax/godax/scripts"
	"github.com/godax/godax/scripts/devtargets"
)

// Demo runs the whole pipeline (ecrLogin, build, push, deploy, status) against the local sandbox.
//
// It starts the sandbox when it is not running and builds the example
// service in examples/service. On a first run it creates the demo's ECS
// service and Lambda function on a previous image of the example, so the
// deploy shows a real rollout to the new digest.
//
// # Environment
//
//   - ECR_ROLE_SESSION_NAME: the assumed role's session name. Default: godax-<user>.
//   - ECR_ROLE_DURATION: the role session's length, 15m to 12h (a Go duration, or seconds). Default: 15m.
//   - ECR_ROLE_EXTERNAL_ID: external id the role's trust policy asks for. Default: none.
//   - ECR_ROLE_MFA_SERIAL: MFA device ARN; the token code is asked for on the terminal. Default: none.
//   - ECR_NO_CACHE: 1 (or true, yes, on) bypasses the token cache. Default: unset.
//   - ECR_CACHE_DIR: the token cache folder, which must be yours and not writable by others (a shared one such as /tmp gets a godax-<uid> folder of its own inside); the sandbox's environment sets it under .godax/sandbox, which sandbox:down removes. Default: ~/.cache/godax/ecr (the user cache folder).
//   - ECR_LOGIN_TIMEOUT: how long one docker login may take (30s, 2m, or seconds). Default: 30s.
//   - ECR_LOGIN_MODE: helper routes the registry to docker-credential-godax instead of storing a password: Docker then asks it for a token on each pull and push. Default: login.
//   - CONTAINER_CLI: docker, podman, nerdctl or finch. Default: docker.
//   - IMAGE_TAG: image tag. Default: the git short SHA, with -dirty when the tree has uncommitted changes.
//   - IMAGE_PLATFORM: target platform OS/ARCH[/VARIANT] as Go names them, such as linux/arm64. Default: the builder's default.
//   - BUILD_ARG_<NAME>: passed as --build-arg NAME=VALUE, e.g. BUILD_ARG_VERSION=1.2; NAME is letters, digits and _, VALUE one line. Default: none.
//   - ECR_SCAN_ON_PUSH: 0 creates a missing repository without scan on push. Default: 1.
//   - ECR_IMMUTABLE_TAGS: 1 creates a missing repository with immutable tags. Default: 0.
//   - ECS_CONTAINER: the container whose image changes in every ECS service. Default: the one whose image is in the deployed repository.
//   - LAMBDA_ALIAS: publish a version and point this alias at it; an alias in a function's ARN wins. Default: none: publish nothing.
//   - DEPLOY_CONCURRENCY: how many targets are deployed (planned, read) at once. Default: 8.
//   - DEPLOY_TIMEOUT: how long each rollout may take, at least 10s: 90s, 15m, or plain seconds (10); the wait lasts exactly that long, and each AWS call, retries included, a fifth of it (a minute at most). Default: 10m.
//   - DRY_RUN: 1 plans exactly what a real run would deploy, resolved the same way, and changes nothing (no build, no push); without DEPLOY_IMAGE it says which tag would be built and pushed and whether the registry already holds it. Default: unset.
//   - DEPLOY_ROLLBACK: 1: when a rollout fails or times out, an ECS service goes back to its previous task definition and a Lambda alias back to its previous version. Default: unset.
//   - DEPLOY_CONFIRM: 1: show the plan and ask on the terminal (/dev/tty, so a piped stdin is fine) before changing anything; without a terminal, or with CI=true, refuse at once. Default: unset.
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - CI: any value but 0, false, no or off means a CI run: plain output (no colour, plain build progress), no prompts (DEPLOY_CONFIRM refuses), and integration tests fail instead of skipping without the sandbox. Default: unset.
func Demo(ctx context.Context) error { return devtargets.Demo(ctx) }

// Test starts the sandbox and runs every test with the race detector.
//
// # Environment
//
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - GODAX_SANDBOX_DIR: the sandbox's folder; sandbox:env sets it, so another repository's targets reach the sandbox while keeping their own state. Default: sandbox in the state folder.
//   - TEST_FLAGS: extra flags for go test, e.g. -short or -run Login -v. Default: none.
//   - CI: any value but 0, false, no or off means a CI run: plain output (no colour, plain build progress), no prompts (DEPLOY_CONFIRM refuses), and integration tests fail instead of skipping without the sandbox. Default: unset.
func Test(ctx context.Context) error { return devtargets.Test(ctx) }

// Bench compares ecrLogin, cached and uncached, with the AWS CLI and a bare docker login.
//
// It also sets the start-up of the targets binary (-l) beside a hello-world
// Go program's, and the credential helper beside its peers: its warm get
// beside a hello-world program, its cold get beside
// amazon-ecr-credential-helper v0.13.0's (built by its install line, and
// without cgo as ours are), and docker pull through it beside one after a
// docker login. It prints medians and their ratios.
//
// # Environment
//
//   - GODAX_STATE_DIR: the state folder: the push record, and the sandbox unless GODAX_SANDBOX_DIR says otherwise; it holds a .gitignore of *, so git never sees it, and must be yours and not writable by others. Default: .godax at the top of the repository the target runs in (else the working directory).
//   - GODAX_SANDBOX_DIR: the sandbox's folder; sandbox:env sets it, so another repository's targets reach the sandbox while keeping their own state. Default: sandbox in the state folder.
//   - BENCH_RUNS: rounds of each measured variant. Default: 10.
func Bench(ctx context.Context) error { return devtargets.Bench(ctx) }

// Install compiles the targets any repository uses into GOBIN as godax, and installs the programs under cmd/ without cgo.
//
// Then godax push runs at once, from any repository, where go run mage.go
// push and mage relink the targets on every call. godax has the targets
// of package scripts (cmd/godax's magefile), not godax's own.
//
// # Environment
//
//   - GOBIN: where install puts the binaries. Default: go env GOBIN, else $(go env GOPATH)/bin.
func Install(ctx context.Context) error { return devtargets.Install(ctx) }
