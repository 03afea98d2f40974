package settings

import (
	"slices"
	"strings"
)

// Var is one environment variable that a target reads.
type Var struct {
	// Name is the variable's name, e.g. IMAGE_TAG. A family of variables
	// is written with its pattern: BUILD_ARG_<NAME>.
	Name string
	// Meaning says what the variable does, in one line. `code` spans are
	// kept in the README and shown bare in -h.
	Meaning string
	// Default is what applies when the variable is unset, in one line.
	Default string
	// Read names the targets that read the variable themselves, as `mage
	// -l` spells them. A target also lists the variables of the targets
	// it runs first (see [Target.Runs]).
	Read []string
}

// Target is one mage target.
type Target struct {
	// Name is the target as `mage -l` spells it, e.g. "ecrLogin" or
	// "sandbox:up".
	Name string
	// Runs names the targets it runs first, whose variables it reads too.
	Runs []string
	// Sets names the variables it sets itself, whatever the caller's
	// environment says; they are left out of its list.
	Sets []string
	// File is the file that declares it, from the module root: the
	// targets package any repository imports, or godax's own magefile.
	File string
}

// ImportPath is the targets package's import path, which a magefile
// names in a mage:import line.
const ImportPath = "github.com/godax/godax/scripts"

// The files that declare targets.
const (
	TargetsFile  = "scripts/targets.go"
	MagefileFile = "magefile.go"
)

// Targets are every target: those of package scripts, which any
// repository imports, and godax's own in its magefile.
var Targets = []Target{
	{Name: "ecrLogin", File: TargetsFile},
	{Name: "build", File: TargetsFile},
	{Name: "push", Runs: []string{"ecrLogin", "build"}, File: TargetsFile},
	{Name: "deploy", Runs: []string{"push"}, File: TargetsFile},
	{Name: "status", File: TargetsFile},
	{Name: "sandbox:up", File: TargetsFile},
	{Name: "sandbox:down", File: TargetsFile},
	{Name: "sandbox:env", File: TargetsFile},
	{Name: "demo", Runs: []string{"deploy"}, File: MagefileFile, Sets: []string{
		"IMAGE_REPOSITORY", "ECS_CLUSTER", "ECS_SERVICE", "LAMBDA_FUNCTION",
		"AWS_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_<SERVICE>", "DEPLOY_TARGETS", "DEPLOY_IMAGE", "DEPLOY_ROLE",
		"ECR_ACCOUNT", "ECR_ROLE", "ECR_REGISTRY", "ECR_REGIONS", "GODAX_SANDBOX_DIR", "BUILD_CONTEXT", "DOCKERFILE",
	}},
	{Name: "test", File: MagefileFile},
	{Name: "bench", File: MagefileFile},
	{Name: "install", File: MagefileFile},
}

// Vars are every variable the targets read, in the order the README
// lists them.
var Vars = []Var{
	{Name: "AWS_REGION", Meaning: "the AWS region (or `AWS_DEFAULT_REGION`)", Default: "the profile's", Read: []string{"ecrLogin", "push", "deploy", "status"}},
	{Name: "AWS_PROFILE", Meaning: "the shared config profile, SSO and `role_arn` profiles included", Default: "the SDK's default chain", Read: []string{"ecrLogin", "push", "deploy", "status"}},
	{Name: "AWS_ENDPOINT_URL", Meaning: "endpoint for every AWS service, such as the sandbox's moto", Default: "AWS's", Read: []string{"ecrLogin", "push", "deploy", "status"}},
	{Name: "AWS_ENDPOINT_URL_<SERVICE>", Meaning: "endpoint for one service: `_STS`, `_ECR`, `_ECR_PUBLIC`, `_ECS`, `_LAMBDA`", Default: "`AWS_ENDPOINT_URL`", Read: []string{"ecrLogin", "push", "deploy", "status"}},
	{Name: "ECR_ACCOUNT", Meaning: "registry account id (12 digits)", Default: "the caller's account", Read: []string{"ecrLogin", "push"}},
	{Name: "ECR_ROLE", Meaning: "role name (with `ECR_ACCOUNT`) or full role ARN to assume", Default: "none: use the caller's credentials", Read: []string{"ecrLogin"}},
	{Name: "ECR_ROLE_SESSION_NAME", Meaning: "the assumed role's session name", Default: "`godax-<user>`", Read: []string{"ecrLogin"}},
	{Name: "ECR_ROLE_DURATION", Meaning: "the role session's length, `15m` to `12h` (a Go duration, or seconds)", Default: "`15m`", Read: []string{"ecrLogin"}},
	{Name: "ECR_ROLE_EXTERNAL_ID", Meaning: "external id the role's trust policy asks for", Default: "none", Read: []string{"ecrLogin"}},
	{Name: "ECR_ROLE_MFA_SERIAL", Meaning: "MFA device ARN; the token code is asked for on the terminal", Default: "none", Read: []string{"ecrLogin"}},
	{Name: "ECR_REGIONS", Meaning: "comma-separated regions to log in to, concurrently", Default: "the configured region", Read: []string{"ecrLogin"}},
	{Name: "ECR_REGISTRY", Meaning: "registry to log in and push to, as `HOST` or `HOST:PORT` (no scheme, no path): a dual-stack or VPC endpoint alias, or the sandbox registry", Default: "the token's proxy endpoint", Read: []string{"ecrLogin", "push"}},
	{Name: "ECR_NO_CACHE", Meaning: "`1` (or `true`, `yes`, `on`) bypasses the token cache", Default: "unset", Read: []string{"ecrLogin"}},
	{Name: "ECR_CACHE_DIR", Meaning: "the token cache folder, which must be yours and not writable by others (a shared one such as `/tmp` gets a `godax-<uid>` folder of its own inside); the sandbox's environment sets it under `.godax/sandbox`, which `sandbox:down` removes", Default: "`~/.cache/godax/ecr` (the user cache folder)", Read: []string{"ecrLogin"}},
	{Name: "ECR_LOGIN_TIMEOUT", Meaning: "how long one `docker login` may take (`30s`, `2m`, or seconds)", Default: "`30s`", Read: []string{"ecrLogin"}},
	{Name: "ECR_LOGIN_MODE", Meaning: "`helper` routes the registry to `docker-credential-godax` instead of storing a password: Docker then asks it for a token on each pull and push", Default: "`login`", Read: []string{"ecrLogin"}},
	{Name: "CONTAINER_CLI", Meaning: "`docker`, `podman`, `nerdctl` or `finch`", Default: "`docker`", Read: []string{"ecrLogin", "build", "push"}},
	{Name: "IMAGE_REPOSITORY", Meaning: "ECR repository name, also the local image's name", Default: "required (or `scripts.Config.ImageRepository`); the demo sets it", Read: []string{"build", "push"}},
	{Name: "IMAGE_TAG", Meaning: "image tag", Default: "the git short SHA, with `-dirty` when the tree has uncommitted changes", Read: []string{"build", "push"}},
	{Name: "BUILD_CONTEXT", Meaning: "build context folder", Default: "the top folder of the repository the target runs in (else the working directory)", Read: []string{"build", "push"}},
	{Name: "DOCKERFILE", Meaning: "Dockerfile path", Default: "`Dockerfile` in the build context", Read: []string{"build", "push"}},
	{Name: "IMAGE_PLATFORM", Meaning: "target platform `OS/ARCH[/VARIANT]` as Go names them, such as `linux/arm64`", Default: "the builder's default", Read: []string{"build", "push"}},
	{Name: "BUILD_ARG_<NAME>", Meaning: "passed as `--build-arg NAME=VALUE`, e.g. `BUILD_ARG_VERSION=1.2`; NAME is letters, digits and `_`, VALUE one line", Default: "none", Read: []string{"build"}},
	{Name: "ECR_SCAN_ON_PUSH", Meaning: "`0` creates a missing repository without scan on push", Default: "`1`", Read: []string{"push"}},
	{Name: "ECR_IMMUTABLE_TAGS", Meaning: "`1` creates a missing repository with immutable tags", Default: "`0`", Read: []string{"push"}},
	{Name: "DEPLOY_TARGETS", Meaning: "ECS service ARNs `arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE` and Lambda function ARNs `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, optionally `:ALIAS`, separated by commas, spaces or newlines; or `@FILE`, one a line, with blank lines and `#` comments", Default: "none", Read: []string{"deploy", "status"}},
	{Name: "ECS_CLUSTER", Meaning: "with `ECS_SERVICE`, shorthand for one ECS service in the caller's account and region: its cluster", Default: "none", Read: []string{"deploy", "status"}},
	{Name: "ECS_SERVICE", Meaning: "with `ECS_CLUSTER`, shorthand for one ECS service: its name", Default: "none", Read: []string{"deploy", "status"}},
	{Name: "ECS_CONTAINER", Meaning: "the container whose image changes in every ECS service", Default: "the one whose image is in the deployed repository", Read: []string{"deploy", "status"}},
	{Name: "LAMBDA_FUNCTION", Meaning: "shorthand for one Lambda function: a name, in the caller's account and region, or an ARN", Default: "none", Read: []string{"deploy", "status"}},
	{Name: "DEPLOY_ROLE", Meaning: "a role name (e.g. `deployer` or `ci/deployer`) assumed in each ARN target's account, from the base credentials", Default: "none: the caller's credentials, in the target's region", Read: []string{"deploy", "status"}},
	{Name: "LAMBDA_ALIAS", Meaning: "publish a version and point this alias at it; an alias in a function's ARN wins", Default: "none: publish nothing", Read: []string{"deploy", "status"}},
	{Name: "DEPLOY_IMAGE", Meaning: "promote an existing image: `HOST/REPO@sha256:...`, or `HOST/REPO:TAG`, which the registry resolves to its digest first; nothing is built or pushed", Default: "unset: build and push, then deploy what was pushed", Read: []string{"deploy"}},
	{Name: "DEPLOY_CONCURRENCY", Meaning: "how many targets are deployed (planned, read) at once", Default: "`8`", Read: []string{"deploy", "status"}},
	{Name: "DEPLOY_TIMEOUT", Meaning: "how long each rollout may take, at least `10s`: `90s`, `15m`, or plain seconds (`10`); the wait lasts exactly that long, and each AWS call, retries included, a fifth of it (a minute at most)", Default: "`10m`", Read: []string{"deploy"}},
	{Name: "DRY_RUN", Meaning: "`1` plans exactly what a real run would deploy, resolved the same way, and changes nothing (no build, no push); without `DEPLOY_IMAGE` it says which tag would be built and pushed and whether the registry already holds it", Default: "unset", Read: []string{"deploy"}},
	{Name: "DEPLOY_ROLLBACK", Meaning: "`1`: when a rollout fails or times out, an ECS service goes back to its previous task definition and a Lambda alias back to its previous version", Default: "unset", Read: []string{"deploy"}},
	{Name: "DEPLOY_CONFIRM", Meaning: "`1`: show the plan and ask on the terminal (`/dev/tty`, so a piped stdin is fine) before changing anything; without a terminal, or with `CI=true`, refuse at once", Default: "unset", Read: []string{"deploy"}},
	{Name: "GODAX_STATE_DIR", Meaning: "the state folder: the push record, and the sandbox unless `GODAX_SANDBOX_DIR` says otherwise; it holds a `.gitignore` of `*`, so git never sees it, and must be yours and not writable by others", Default: "`.godax` at the top of the repository the target runs in (else the working directory)", Read: []string{"push", "deploy", "demo", "test", "bench", "sandbox:up", "sandbox:down", "sandbox:env"}},
	{Name: "GODAX_SANDBOX_DIR", Meaning: "the sandbox's folder; `sandbox:env` sets it, so another repository's targets reach the sandbox while keeping their own state", Default: "`sandbox` in the state folder", Read: []string{"demo", "test", "bench", "sandbox:up", "sandbox:down", "sandbox:env"}},
	{Name: "TEST_FLAGS", Meaning: "extra flags for `go test`, e.g. `-short` or `-run Login -v`", Default: "none", Read: []string{"test"}},
	{Name: "BENCH_RUNS", Meaning: "rounds of each measured variant", Default: "`10`", Read: []string{"bench"}},
	{Name: "GOBIN", Meaning: "where `install` puts the binaries", Default: "`go env GOBIN`, else `$(go env GOPATH)/bin`", Read: []string{"install"}},
	{Name: "CI", Meaning: "any value but `0`, `false`, `no` or `off` means a CI run: plain output (no colour, plain build progress), no prompts (`DEPLOY_CONFIRM` refuses), and integration tests fail instead of skipping without the sandbox", Default: "unset", Read: []string{"build", "push", "deploy", "test"}},
}

// For returns the variables target reads: its own, and those of the
// targets it runs first, less those it sets itself, in the order of
// [Vars]. An unknown target has none.
func For(target string) []Var {
	names := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		i := slices.IndexFunc(Targets, func(t Target) bool { return t.Name == name })
		if i < 0 || names[name] {
			return
		}
		names[name] = true
		for _, dep := range Targets[i].Runs {
			walk(dep)
		}
	}
	walk(target)
	var sets []string
	if i := slices.IndexFunc(Targets, func(t Target) bool { return t.Name == target }); i >= 0 {
		sets = Targets[i].Sets
	}
	var out []Var
	for _, v := range Vars {
		if slices.Contains(sets, v.Name) {
			continue
		}
		if slices.ContainsFunc(v.Read, func(t string) bool { return names[t] }) {
			out = append(out, v)
		}
	}
	return out
}

// ReadBy returns the variables any of targets reads itself, without those
// of the targets it runs first: the rows of one README table.
func ReadBy(targets ...string) []Var {
	var out []Var
	for _, v := range Vars {
		if slices.ContainsFunc(v.Read, func(t string) bool { return slices.Contains(targets, t) }) {
			out = append(out, v)
		}
	}
	return out
}

// Plain is s without Markdown's code marks, as -h shows it.
func Plain(s string) string { return strings.ReplaceAll(s, "`", "") }
