package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/envvar"
	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/lib/ecrauth"
)

// DeploySettings is the deploy target's configuration, read from the
// environment by [ReadDeploySettings] and checked before any network call.
type DeploySettings struct {
	// Targets are DEPLOY_TARGETS, then ECS_CLUSTER/ECS_SERVICE and
	// LAMBDA_FUNCTION, in that order.
	Targets []TargetRef
	// Warnings are what reading them found worth saying, such as a
	// target given twice.
	Warnings []string
	// Container is ECS_CONTAINER: the container whose image changes; ""
	// means the one whose image is in the deployed repository.
	Container string
	// Alias is LAMBDA_ALIAS: the alias to point at a newly published
	// version, or "" to publish nothing. An alias in a function's ARN
	// takes its place for that function.
	Alias string
	// Image is DEPLOY_IMAGE: an image to promote, HOST/REPO@sha256:... or
	// HOST/REPO:TAG, with no build and no push; or "" to deploy what this
	// run pushes.
	Image string
	// Role is DEPLOY_ROLE: the name of the role to assume in each target's
	// account, or "" for the caller's credentials.
	Role string
	// Concurrency is DEPLOY_CONCURRENCY: how many targets are deployed at
	// once; default [deploy.DefaultConcurrency].
	Concurrency int
	// Timeout is DEPLOY_TIMEOUT: how long each rollout may take; each API
	// call may take a fifth of it (see [deploy.WithTimeout]).
	Timeout time.Duration
	// DryRun is DRY_RUN=1: print the plan and change nothing.
	DryRun bool
	// Rollback is DEPLOY_ROLLBACK=1: put an ECS service back on its
	// previous task definition, and a Lambda alias back on its previous
	// version, when the rollout fails or times out.
	Rollback bool
	// Confirm is DEPLOY_CONFIRM=1: show the plan and ask on the terminal
	// before changing anything; refuse without one, or with CI=true.
	Confirm bool
}

// hasKind reports whether some target is of the ARN service kind.
func (s DeploySettings) hasKind(kind string) bool {
	for _, t := range s.Targets {
		if t.ARN.Service == kind {
			return true
		}
	}
	return false
}

// ReadDeploySettings reads the deploy settings with getenv (os.Getenv in
// production) and checks each one, returning a one-line error that names
// the variable, or the entry and its line, and what is wrong. It reads
// the file of DEPLOY_TARGETS=@FILE, and makes no network call.
//
// # Environment
//
//   - DEPLOY_TARGETS: ECS service ARNs
//     (arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE) and Lambda
//     function ARNs (arn:aws:lambda:REGION:ACCOUNT:function:NAME, with an
//     optional :ALIAS), separated by commas, spaces or newlines; or @FILE,
//     one a line, with blank lines and # comments.
//   - ECS_CLUSTER and ECS_SERVICE (both or neither), LAMBDA_FUNCTION: one
//     target each, in the caller's account and region.
//   - ECS_CONTAINER, LAMBDA_ALIAS: what changes in each ECS service and
//     Lambda function.
//   - DEPLOY_ROLE: a role name, assumed in each ARN target's account.
//   - DEPLOY_IMAGE: HOST/REPO@sha256:... or HOST/REPO:TAG to promote.
//   - DEPLOY_CONCURRENCY: targets at once; default 8.
//   - DEPLOY_TIMEOUT: a duration such as 90s or 15m, or seconds; default
//     10m. It bounds each rollout's wait, and each API call (with its
//     retries) to a fifth of it, at most a minute.
//   - DRY_RUN, DEPLOY_ROLLBACK, DEPLOY_CONFIRM: 1 or 0; default 0.
func ReadDeploySettings(getenv func(string) string) (DeploySettings, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	s := DeploySettings{
		Container:   env("ECS_CONTAINER"),
		Alias:       env("LAMBDA_ALIAS"),
		Image:       env("DEPLOY_IMAGE"),
		Role:        env("DEPLOY_ROLE"),
		Concurrency: deploy.DefaultConcurrency,
		Timeout:     deploy.DefaultTimeout,
	}
	var err error
	if s.Targets, err = readTargets(env); err != nil {
		return s, err
	}
	if s.Targets, s.Warnings, err = dedupe(s.Targets, "", "", s.Alias); err != nil {
		return s, err
	}
	switch {
	case len(s.Targets) == 0:
		return s, errors.New("no targets configured: set DEPLOY_TARGETS, or ECS_CLUSTER and ECS_SERVICE, or LAMBDA_FUNCTION")
	case s.Container != "" && !s.hasKind("ecs"):
		return s, fmt.Errorf("ECS_CONTAINER=%s is set but no ECS service is listed (DEPLOY_TARGETS, or ECS_CLUSTER and ECS_SERVICE)", deploy.Quoted(s.Container))
	case s.Alias != "" && !s.hasKind("lambda"):
		return s, fmt.Errorf("LAMBDA_ALIAS=%s is set but no Lambda function is listed (DEPLOY_TARGETS or LAMBDA_FUNCTION)", deploy.Quoted(s.Alias))
	}
	if s.Container != "" {
		if err := deploy.ValidateECSName("container", s.Container); err != nil {
			return s, fmt.Errorf("ECS_CONTAINER: %w", err)
		}
	}
	if s.Alias != "" {
		if err := deploy.ValidateAlias(s.Alias); err != nil {
			return s, fmt.Errorf("LAMBDA_ALIAS: %w", err)
		}
	}
	if s.Image != "" {
		if _, err := deploy.ParseReference(s.Image); err != nil {
			return s, fmt.Errorf("DEPLOY_IMAGE: %w", err)
		}
	}
	if s.Role != "" {
		if strings.HasPrefix(s.Role, "arn:") {
			return s, fmt.Errorf("DEPLOY_ROLE=%s: give the role's name (it is assumed in each target's account), not an ARN", deploy.Quoted(s.Role))
		}
		if _, err := (awsauth.Role{Account: "000000000000", Name: s.Role}).ResolveARN("us-east-1"); err != nil {
			return s, fmt.Errorf("DEPLOY_ROLE: %w", err)
		}
	}
	if v := env("DEPLOY_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("DEPLOY_CONCURRENCY=%s: want a whole number of targets at once, 1 or more", deploy.Quoted(v))
		}
		s.Concurrency = n
	}
	if v := env("DEPLOY_TIMEOUT"); v != "" {
		d, err := envvar.Duration("DEPLOY_TIMEOUT", v, 0)
		if err != nil {
			return s, err
		}
		if d < minDeployTimeout {
			return s, fmt.Errorf("DEPLOY_TIMEOUT=%s is under the minimum of %s: a rollout needs time to start", envvar.AsRead(v, d), minDeployTimeout)
		}
		s.Timeout = d
	}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"DRY_RUN", &s.DryRun}, {"DEPLOY_ROLLBACK", &s.Rollback}, {"DEPLOY_CONFIRM", &s.Confirm}} {
		if *f.dst, err = envFlag(f.name, env(f.name)); err != nil {
			return s, err
		}
	}
	return s, nil
}

// envFlag reads the on/off variable name whose value is v; unset is off.
func envFlag(name, v string) (bool, error) { return envFlagOr(name, v, false) }

// envFlagOr reads the on/off variable name whose value is v; unset is def.
func envFlagOr(name, v string, def bool) (bool, error) { return envvar.Bool(name, v, def) }

// minDeployTimeout is the shortest DEPLOY_TIMEOUT: less cannot see even
// one poll of a rollout, and would change targets only to report them
// timed out.
const minDeployTimeout = 10 * time.Second

// deployEnv is what a deploy needs beyond its settings: the targets, built
// with their AWS configurations, and the registry that resolves and
// checks images.
type deployEnv struct {
	targets  []deploy.Target
	registry *deploy.Registry
}

// newDeployEnv builds s's targets and registry with the process's AWS
// configuration ([AWSConfig]); check says whether Lambda targets check
// that their region's registry holds the image.
func newDeployEnv(ctx context.Context, s DeploySettings, check bool) (deployEnv, error) {
	cfg, err := sessionOf(ctx).AWSConfig(ctx)
	if err != nil {
		return deployEnv{}, err
	}
	ls, err := ReadLoginSettings(sessionOf(ctx).Getenv)
	if err != nil {
		return deployEnv{}, err
	}
	reg := deploy.NewRegistry(nil, deploy.ECRLogin(cfg.Region, func(ctx context.Context, region string) (ecrauth.Token, error) {
		c := ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = region })
		return ecrauth.GetToken(ctx, c, ecrauth.Scope{Account: ls.Account, Region: region}, time.Now)
	}))
	var checker deploy.ManifestChecker
	if check {
		checker = reg
	}
	account, err := callerAccount(ctx, cfg, s.Targets)
	if err != nil {
		return deployEnv{}, err
	}
	var warnings []string
	if s.Targets, warnings, err = dedupe(s.Targets, cfg.Region, account, s.Alias); err != nil {
		return deployEnv{}, err
	}
	// checkDeploy and Deploy both read the targets: say each thing once.
	for _, w := range append(s.Warnings, warnings...) {
		sessionOf(ctx).warnOnce(w)
	}
	targets, err := buildTargets(ctx, s, &targetConfigs{base: cfg, profile: ls.Profile, role: s.Role}, checker)
	return deployEnv{targets: targets, registry: reg}, err
}

// Deploy rolls one image out to every target the environment names, at
// most DEPLOY_CONCURRENCY at once, and waits until each runs it, printing
// progress lines while it waits and a table of every target at the end.
// The image is DEPLOY_IMAGE when set (promoted: resolved by the registry,
// nothing built or pushed), else what push pushed in this run. With
// DRY_RUN=1 it plans exactly what a real run would deploy and changes
// nothing; with DEPLOY_CONFIRM=1 it shows the plan and asks first.
//
// # Environment
//
// See [ReadDeploySettings]; AWS access is configured as for [AWSConfig],
// the pushed image as for [Push].
//
// # Error handling
//
// Settings and target ARNs are checked before any network call. A failed
// target does not stop the others; the error joins every target's error,
// each naming its target.
func Deploy(ctx context.Context) error {
	s, err := ReadDeploySettings(sessionOf(ctx).Getenv)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	env, err := newDeployEnv(ctx, s, true)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	img, err := deployImage(ctx, s, env.registry)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	sh, err := dax.New()
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	return RunDeploy(ctx, sh, s, env.targets, img, os.Stdout)
}

// RunDeploy deploys img to targets as s says, and writes the final table
// to out. It is [Deploy] once the settings, targets and image are known.
// It first plans every target (see [planFleet]): a fleet that cannot be
// planned whole is not changed at all, and a dry run stops there, listing
// every target that cannot be deployed to. It logs the plan, progress and
// outcome through sh, with progress bars for waits over a couple of
// seconds and for the count of targets finished
// ([deploy.ShellReporter]), and with DEPLOY_CONFIRM=1 asks on sh's
// terminal ([dax.Shell.Confirm]) before changing anything, refusing when
// there is no terminal or CI is true.
func RunDeploy(ctx context.Context, sh *dax.Shell, s DeploySettings, targets []deploy.Target, img deploy.Image, out io.Writer) error {
	conc := deploy.Concurrency(s.Concurrency)
	plans, err := deploy.PlanAll(ctx, targets, img, conc)
	var b strings.Builder
	for _, p := range plans {
		if p.NewImage != "" {
			fmt.Fprintf(&b, "  %s\n", forLog(p.String()))
		}
	}
	if s.DryRun {
		sh.Step("plan (dry run; nothing changes) for %d target(s):\n%s", len(targets), strings.TrimSuffix(b.String(), "\n"))
		return deployError(err, s)
	}
	if err != nil {
		return fmt.Errorf("deploy: %w", unplannable(err, len(targets), s, "nothing was changed"))
	}
	if s.Confirm {
		if err := confirm(ctx, sh, len(targets), b.String()); err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
	}
	sh.Step("deploying %s to %d target(s), %d at a time", forLog(img.String()), len(targets), s.Concurrency)
	progress := logReporter{deploy.NewShellReporter(ctx, sh, len(targets))}
	outcomes, err := deploy.RunAll(ctx, targets, img, conc, deploy.WithReporter(progress))
	progress.Close()
	if terr := writeTable(out, outcomes); terr != nil && err == nil {
		err = terr
	}
	serr := githubSummary(func(w io.Writer) error {
		if _, err := fmt.Fprintf(w, "### godax deploy of `%s`\n\n", img); err != nil {
			return err
		}
		return deploy.WriteMarkdownTable(w, outcomes)
	})
	return deployError(errors.Join(err, serr), s)
}

// unplannable says that the targets whose errors err joins, of n, cannot
// be deployed to as s says, so that none is touched (what says what was
// not done), listing each error on a line of its own.
func unplannable(err error, n int, s DeploySettings, what string) error {
	failed := 1
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		failed = len(joined.Unwrap())
	}
	return fmt.Errorf("%d of %d target(s) cannot be deployed to%s, so %s:\n%w", failed, n, containerHint(err, s), what, err)
}

// deployError prefixes err, adding the setting that chooses the container
// when err is about choosing it.
func deployError(err error, s DeploySettings) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("deploy: %w%s", err, containerHint(err, s))
}

// containerHint names the setting that chooses the container when err is
// about choosing it and s does not set it, and is "" otherwise.
func containerHint(err error, s DeploySettings) string {
	if errors.Is(err, deploy.ErrNoContainer) && s.Container == "" {
		return " (set ECS_CONTAINER)"
	}
	return ""
}

// deployImage returns the image to deploy: DEPLOY_IMAGE resolved by its
// registry; for a dry run without it, the tag a real run would build and
// push, pinned when the registry already holds it; else the image this
// run pushed, as its push record says, refusing a record that belongs to
// another repository, tag or registry.
func deployImage(ctx context.Context, s DeploySettings, reg *deploy.Registry) (deploy.Image, error) {
	if s.Image != "" {
		ref, err := deploy.ParseReference(s.Image)
		if err != nil {
			return ref, fmt.Errorf("DEPLOY_IMAGE: %w", err)
		}
		img, err := reg.Resolve(ctx, ref)
		if err != nil {
			return img, fmt.Errorf("DEPLOY_IMAGE=%s: %w", deploy.Quoted(s.Image), err)
		}
		if !ref.Pinned() {
			dax.Info("promoting %s, which the registry holds as %s", ref, forLog(img.Digest))
		}
		return img, nil
	}
	want, err := buildImage(ctx)
	if err != nil {
		return want, err
	}
	if s.DryRun {
		d, err := reg.Digest(ctx, want)
		if err != nil {
			return want, err
		}
		if d == "" {
			dax.Info("dry run: a real run would build and push %s; the registry does not hold it yet", want)
			return want, nil
		}
		dax.Info("dry run: a real run would build and push %s; the registry already holds it as %s, which the plan uses", want, forLog(d))
		return deploy.Image{Repository: want.Repository, Digest: d}, nil
	}
	rec, err := sessionOf(ctx).LastPush()
	if err != nil {
		return want, err
	}
	if got := rec.Registry + "/" + rec.Repository + ":" + rec.Tag; got != want.String() {
		return want, fmt.Errorf("the last push was %s, not %s, which this run builds: run push (or set DEPLOY_IMAGE to promote an image)", got, want)
	}
	return deploy.ParseImage(rec.Reference)
}

// buildImage returns the image build and push make, HOST/REPOSITORY:TAG,
// by tag: the host is ECR_REGISTRY, else the one ecrLogin logged in to in
// this process, else the proxy endpoint of an ECR token.
func buildImage(ctx context.Context) (deploy.Image, error) {
	is, err := ReadImageSettings(ctx, sessionOf(ctx).Getenv)
	if err != nil {
		return deploy.Image{}, err
	}
	ls, err := ReadLoginSettings(sessionOf(ctx).Getenv)
	if err != nil {
		return deploy.Image{}, err
	}
	host := ls.Registry
	if host == "" {
		cfg, err := sessionOf(ctx).AWSConfig(ctx)
		if err != nil {
			return deploy.Image{}, err
		}
		if host, err = pushRegistry("", sessionOf(ctx).LoggedIn(), cfg.Region); err != nil {
			tok, terr := ecrauth.GetToken(ctx, ecr.NewFromConfig(cfg), ecrauth.Scope{Region: cfg.Region}, time.Now)
			if terr != nil {
				return deploy.Image{}, fmt.Errorf("%w; and no ECR token to tell the registry: %w", err, terr)
			}
			host = tok.Host
		}
	}
	return deploy.ParseReference(host + "/" + is.Repository + ":" + is.Tag)
}

// checkDeploy checks the deploy settings and reports whether deploy must
// build and push first: not for a dry run, nor to promote DEPLOY_IMAGE.
// Before a push it plans every target with the image the push will make,
// so that a target that is missing, or has no container to update (see
// ECS_CONTAINER), or cannot be reached stops the run before anything is
// built, pushed or created. [RunDeploy] plans the whole fleet again with
// the pushed image before it changes anything, and so does a promotion.
func checkDeploy(ctx context.Context) (push bool, err error) {
	s, err := ReadDeploySettings(sessionOf(ctx).Getenv)
	if err != nil {
		return false, fmt.Errorf("deploy: %w", err)
	}
	if s.DryRun || s.Image != "" {
		return false, nil
	}
	if err := CheckPush(ctx); err != nil {
		return false, err
	}
	if err := preflight(ctx, s); err != nil {
		return false, fmt.Errorf("deploy: %w", err)
	}
	return true, nil
}

// preflight plans s's targets with the image build and push will make.
func preflight(ctx context.Context, s DeploySettings) error {
	img, err := buildImage(ctx)
	if err != nil {
		return err
	}
	env, err := newDeployEnv(ctx, s, false)
	if err != nil {
		return err
	}
	_, err = deploy.PlanAll(ctx, env.targets, img, deploy.Concurrency(s.Concurrency))
	if err != nil {
		return unplannable(err, len(env.targets), s, "nothing was built, pushed or changed")
	}
	return nil
}

// Status prints what each target the environment names runs now, one row
// each: the image, the ECS task definition with running, desired and
// pending counts and the last event, or the Lambda version, alias and
// last update status.
//
// # Environment
//
// The targets and their settings as for [ReadDeploySettings].
func Status(ctx context.Context) error {
	s, err := ReadDeploySettings(sessionOf(ctx).Getenv)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	env, err := newDeployEnv(ctx, s, false)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	return writeStatus(ctx, os.Stdout, s, env.targets)
}

// writeStatus writes the status table of targets to w.
func writeStatus(ctx context.Context, w io.Writer, s DeploySettings, targets []deploy.Target) error {
	sts, err := deploy.StatusAll(ctx, targets, deploy.Concurrency(s.Concurrency))
	if terr := writeStatusTable(w, sts); terr != nil && err == nil {
		err = terr
	}
	if serr := githubSummary(func(w io.Writer) error {
		if _, err := io.WriteString(w, "### godax status\n\n"); err != nil {
			return err
		}
		return deploy.WriteStatusMarkdown(w, sts)
	}); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	return nil
}
