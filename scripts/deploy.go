package scripts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"golang.org/x/sync/errgroup"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/deploy"
)

// DeploySettings is the deploy target's configuration, read from the
// environment by [ReadDeploySettings] and checked before any network call.
type DeploySettings struct {
	// Cluster and Service are ECS_CLUSTER and ECS_SERVICE: the ECS service
	// to deploy to, or both empty.
	Cluster string
	Service string
	// Container is ECS_CONTAINER: the container whose image changes; ""
	// means the one whose image is in the pushed repository.
	Container string
	// Function is LAMBDA_FUNCTION: the Lambda function to deploy to, or "".
	Function string
	// Alias is LAMBDA_ALIAS: the alias to point at a newly published
	// version, or "" to publish nothing.
	Alias string
	// Timeout is DEPLOY_TIMEOUT: how long each rollout may take.
	Timeout time.Duration
	// DryRun is DRY_RUN=1: print the plan and change nothing.
	DryRun bool
	// Rollback is DEPLOY_ROLLBACK=1: put the ECS service back on its
	// previous task definition when the rollout fails or times out.
	Rollback bool
}

// ECS reports whether the settings name an ECS service.
func (s DeploySettings) ECS() bool { return s.Cluster != "" }

// Lambda reports whether the settings name a Lambda function.
func (s DeploySettings) Lambda() bool { return s.Function != "" }

// ReadDeploySettings reads the deploy settings with getenv (os.Getenv in
// production) and checks each one, returning a one-line error that names
// the variable and what is wrong with its value.
//
// # Environment
//
// ECS_CLUSTER and ECS_SERVICE (both or neither), ECS_CONTAINER,
// LAMBDA_FUNCTION, LAMBDA_ALIAS, DEPLOY_TIMEOUT (a Go duration such as 90s
// or 15m; default 10m), DRY_RUN=1 and DEPLOY_ROLLBACK=1. At least one of
// the ECS service and the Lambda function must be set.
func ReadDeploySettings(getenv func(string) string) (DeploySettings, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	s := DeploySettings{
		Cluster:   env("ECS_CLUSTER"),
		Service:   env("ECS_SERVICE"),
		Container: env("ECS_CONTAINER"),
		Function:  env("LAMBDA_FUNCTION"),
		Alias:     env("LAMBDA_ALIAS"),
		Timeout:   deploy.DefaultTimeout,
	}
	switch {
	case s.Cluster != "" && s.Service == "":
		return s, fmt.Errorf("ECS_CLUSTER=%q is set but ECS_SERVICE is not: set both to deploy to ECS", s.Cluster)
	case s.Service != "" && s.Cluster == "":
		return s, fmt.Errorf("ECS_SERVICE=%q is set but ECS_CLUSTER is not: set both to deploy to ECS", s.Service)
	case s.Container != "" && s.Cluster == "":
		return s, fmt.Errorf("ECS_CONTAINER=%q is set but ECS_CLUSTER and ECS_SERVICE are not", s.Container)
	case s.Alias != "" && s.Function == "":
		return s, fmt.Errorf("LAMBDA_ALIAS=%q is set but LAMBDA_FUNCTION is not", s.Alias)
	case !s.ECS() && !s.Lambda():
		return s, errors.New("nothing to deploy to: set ECS_CLUSTER and ECS_SERVICE, or LAMBDA_FUNCTION, or both")
	}
	if v := env("DEPLOY_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return s, fmt.Errorf("DEPLOY_TIMEOUT=%q: want a positive Go duration such as 90s or 15m", v)
		}
		s.Timeout = d
	}
	var err error
	if s.DryRun, err = envFlag("DRY_RUN", env("DRY_RUN")); err != nil {
		return s, err
	}
	if s.Rollback, err = envFlag("DEPLOY_ROLLBACK", env("DEPLOY_ROLLBACK")); err != nil {
		return s, err
	}
	return s, nil
}

// envFlag reads the on/off variable name whose value is v; unset is off.
func envFlag(name, v string) (bool, error) { return envFlagOr(name, v, false) }

// envFlagOr reads the on/off variable name whose value is v; unset is def.
func envFlagOr(name, v string, def bool) (bool, error) {
	switch strings.ToLower(v) {
	case "":
		return def, nil
	case "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: want 1 (on) or 0 (off)", name, v)
}

// Deploy rolls the image from the last push out to the ECS service and the
// Lambda function the environment names, at once when both are set, and
// waits until each runs it. With DRY_RUN=1 it prints each target's old and
// new image and changes nothing.
//
// # Environment
//
// See [ReadDeploySettings]; AWS access is configured as for [AWSConfig].
//
// # Error handling
//
// Settings are checked before any network call. A failed rollout does not
// stop the other one; the error reports every target that failed, and why.
func Deploy(ctx context.Context) error {
	s, err := ReadDeploySettings(os.Getenv)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	rec, err := LastPush()
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	img, err := deploy.ParseImage(rec.Reference)
	if err != nil {
		return fmt.Errorf("deploy: last push: %w", err)
	}
	if s.DryRun {
		dax.Info("dry run: planning with the last pushed image, %s; nothing is built, pushed or changed", img)
	}
	cfg, err := AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	return RunDeploy(ctx, s, img, ecs.NewFromConfig(cfg), lambda.NewFromConfig(cfg), os.Stderr)
}

// RunDeploy deploys img as s says, talking to ECS through ecsClient and to
// Lambda through lambdaClient, and logs the plan, progress and outcome to
// log. It is [Deploy] once the settings and the image are known.
func RunDeploy(ctx context.Context, s DeploySettings, img deploy.Image, ecsClient deploy.ECSAPI, lambdaClient deploy.LambdaAPI, log io.Writer) error {
	sh, err := dax.New(dax.WithLogger(log))
	if err != nil {
		return err
	}
	opts := []deploy.Option{deploy.WithTimeout(s.Timeout), deploy.WithProgress(infoWriter{sh})}
	var rollouts []func(context.Context) error
	if s.ECS() {
		d, err := deploy.NewECS(ecsClient, s.Cluster, s.Service, slices.Concat(opts, []deploy.Option{deploy.WithContainer(s.Container), deploy.WithRollback(s.Rollback)})...)
		if err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
		rollouts = append(rollouts, func(ctx context.Context) error {
			target := "ECS service " + s.Cluster + "/" + s.Service
			return ecsHint(rollout(ctx, sh, s.DryRun, img, target, d.Plan, d.Deploy), s)
		})
	}
	if s.Lambda() {
		d, err := deploy.NewLambda(lambdaClient, s.Function, slices.Concat(opts, []deploy.Option{deploy.WithAlias(s.Alias)})...)
		if err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
		rollouts = append(rollouts, func(ctx context.Context) error {
			return rollout(ctx, sh, s.DryRun, img, "Lambda function "+s.Function, d.Plan, d.Deploy)
		})
	}

	// A plain group, not WithContext: one target failing must not cancel
	// the other's rollout halfway.
	var g errgroup.Group
	errs := make([]error, len(rollouts))
	for i, rollout := range rollouts {
		g.Go(func() error {
			errs[i] = rollout(ctx)
			return errs[i]
		})
	}
	_ = g.Wait() // errs holds every error, not just the first
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	return nil
}

// rollout deploys img to one target with run, or with dryRun only
// prints what plan says would change, logging each step to sh.
func rollout[P, R fmt.Stringer](ctx context.Context, sh *dax.Shell, dryRun bool, img deploy.Image, target string,
	plan func(context.Context, deploy.Image) (P, error), run func(context.Context, deploy.Image) (R, error)) error {
	if dryRun {
		p, err := plan(ctx, img)
		if err != nil {
			return err
		}
		sh.Step("plan (dry run): %s", p)
		return nil
	}
	sh.Step("deploying %s to %s", img, target)
	r, err := run(ctx, img)
	if err != nil {
		return err
	}
	sh.Step("deployed: %s", r)
	return nil
}

// ecsHint adds to err the setting that chooses the container, when err is
// about choosing it.
func ecsHint(err error, s DeploySettings) error {
	if errors.Is(err, deploy.ErrNoContainer) && s.Container == "" {
		return fmt.Errorf("%w (set ECS_CONTAINER)", err)
	}
	return err
}

// infoWriter logs each line written to it with [dax.Shell.Info]. The
// deployers write whole lines, one per call.
type infoWriter struct{ sh *dax.Shell }

func (w infoWriter) Write(p []byte) (int, error) {
	for line := range strings.Lines(string(p)) {
		w.sh.Info("%s", strings.TrimSuffix(line, "\n"))
	}
	return len(p), nil
}

// demoTargets are the names of what the demo deploys to, all from the
// environment DemoSetup prepares.
type demoTargets struct {
	Cluster, Service, Function, Alias string
	// Repository is the image repository, REGISTRY/NAME, that the demo
	// pushes to.
	Repository string
}

// readDemoTargets reads the demo's names with getenv.
func readDemoTargets(getenv func(string) string) (demoTargets, error) {
	t := demoTargets{
		Cluster:  getenv("ECS_CLUSTER"),
		Service:  getenv("ECS_SERVICE"),
		Function: getenv("LAMBDA_FUNCTION"),
		Alias:    getenv("LAMBDA_ALIAS"),
	}
	registry, repo := strings.TrimSuffix(getenv("ECR_REGISTRY"), "/"), getenv("IMAGE_REPOSITORY")
	for name, v := range map[string]string{"ECS_CLUSTER": t.Cluster, "ECS_SERVICE": t.Service, "LAMBDA_FUNCTION": t.Function, "ECR_REGISTRY": registry, "IMAGE_REPOSITORY": repo} {
		if v == "" {
			return t, fmt.Errorf("demo: %s is not set (the demo sets it before creating its targets)", name)
		}
	}
	t.Repository = registry + "/" + repo
	return t, nil
}

// demoPlaceholderDigest is the digest of the image the demo's targets run
// before the first deploy. No such image exists; the sandbox does not check.
const demoPlaceholderDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

// demoSetupTimeout bounds creating the demo's targets.
const demoSetupTimeout = 2 * time.Minute

// EnsureDemoTargets creates, in the sandbox, the ECS cluster and service
// and the Lambda function (with the IAM role it runs as) that the demo
// deploys to, each only when it is missing, so running it again changes
// nothing. Until the first deploy they run a placeholder image in the
// pushed repository, pinned by a digest of zeros.
//
// # Environment
//
// ECS_CLUSTER, ECS_SERVICE, LAMBDA_FUNCTION, ECR_REGISTRY and
// IMAGE_REPOSITORY, which [DemoSetup] sets, and the sandbox's AWS settings.
func EnsureDemoTargets(ctx context.Context) error {
	t, err := readDemoTargets(os.Getenv)
	if err != nil {
		return err
	}
	cfg, err := AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	sh, err := dax.New(dax.WithLogger(os.Stderr))
	if err != nil {
		return err
	}
	return ensureDemoTargets(ctx, sh, t, ecs.NewFromConfig(cfg), iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg))
}

// demoECS, demoIAM and demoLambda are the calls that create the demo's
// targets.
type demoECS interface {
	DescribeClusters(context.Context, *ecs.DescribeClustersInput, ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error)
	CreateCluster(context.Context, *ecs.CreateClusterInput, ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	CreateService(context.Context, *ecs.CreateServiceInput, ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error)
}

type demoIAM interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
}

type demoLambda interface {
	lambda.GetFunctionAPIClient
	CreateFunction(context.Context, *lambda.CreateFunctionInput, ...func(*lambda.Options)) (*lambda.CreateFunctionOutput, error)
}

var (
	_ demoECS    = (*ecs.Client)(nil)
	_ demoIAM    = (*iam.Client)(nil)
	_ demoLambda = (*lambda.Client)(nil)
)

func ensureDemoTargets(ctx context.Context, sh *dax.Shell, t demoTargets, ec demoECS, ic demoIAM, lc demoLambda) error {
	ctx, cancel := context.WithTimeout(ctx, demoSetupTimeout)
	defer cancel()
	placeholder := t.Repository + "@" + demoPlaceholderDigest
	if err := ensureDemoService(ctx, sh, t, ec, placeholder); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := ensureDemoFunction(ctx, sh, t, ic, lc, placeholder); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

func ensureDemoService(ctx context.Context, sh *dax.Shell, t demoTargets, c demoECS, image string) error {
	clusters, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{t.Cluster}})
	if err != nil {
		return fmt.Errorf("describe ecs cluster %s: %w", t.Cluster, err)
	}
	if !slices.ContainsFunc(clusters.Clusters, func(c ecstypes.Cluster) bool { return aws.ToString(c.Status) == "ACTIVE" }) {
		if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: &t.Cluster}); err != nil {
			return fmt.Errorf("create ecs cluster %s: %w", t.Cluster, err)
		}
		sh.Info("demo: created ECS cluster %s", t.Cluster)
	}

	services, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &t.Cluster, Services: []string{t.Service}})
	if err != nil {
		return fmt.Errorf("describe ecs service %s/%s: %w", t.Cluster, t.Service, err)
	}
	if slices.ContainsFunc(services.Services, func(s ecstypes.Service) bool { return aws.ToString(s.Status) == "ACTIVE" }) {
		return nil
	}
	td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: &t.Service,
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String("app"), Image: &image, Essential: aws.Bool(true), Memory: aws.Int32(128),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}},
		}},
	})
	if err != nil {
		return fmt.Errorf("register ecs task definition %s: %w", t.Service, err)
	}
	_, err = c.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: &t.Cluster, ServiceName: &t.Service, DesiredCount: aws.Int32(1),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
	})
	if err != nil {
		return fmt.Errorf("create ecs service %s/%s: %w", t.Cluster, t.Service, err)
	}
	sh.Info("demo: created ECS service %s/%s running %s", t.Cluster, t.Service, image)
	return nil
}

// lambdaTrustPolicy lets Lambda assume the demo function's role.
var lambdaTrustPolicy = map[string]any{
	"Version": "2012-10-17",
	"Statement": []map[string]any{{
		"Effect":    "Allow",
		"Action":    "sts:AssumeRole",
		"Principal": map[string]string{"Service": "lambda.amazonaws.com"},
	}},
}

func ensureDemoFunction(ctx context.Context, sh *dax.Shell, t demoTargets, ic demoIAM, lc demoLambda, image string) error {
	_, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &t.Function})
	if err == nil {
		return nil
	}
	var missing *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &missing) {
		return fmt.Errorf("get lambda function %s: %w", t.Function, err)
	}
	role, err := ensureDemoRole(ctx, sh, ic, t.Function+"-role")
	if err != nil {
		return err
	}
	_, err = lc.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: &t.Function,
		PackageType:  lambdatypes.PackageTypeImage,
		Code:         &lambdatypes.FunctionCode{ImageUri: &image},
		Role:         &role,
	})
	// A conflict means the function exists after all: another run created
	// it meanwhile, or a retried request of ours did. Either way it only
	// has to become active.
	var exists *lambdatypes.ResourceConflictException
	created := err == nil
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("create lambda function %s: %w", t.Function, err)
	}
	// A new function takes updates only once it is active.
	err = lambda.NewFunctionActiveV2Waiter(lc).Wait(ctx, &lambda.GetFunctionInput{FunctionName: &t.Function}, demoSetupTimeout)
	if err != nil {
		return fmt.Errorf("wait for lambda function %s to become active: %w", t.Function, err)
	}
	if created {
		sh.Info("demo: created Lambda function %s running %s", t.Function, image)
	}
	return nil
}

// ensureDemoRole returns the ARN of the IAM role name that Lambda may
// assume, creating it when it is missing.
func ensureDemoRole(ctx context.Context, sh *dax.Shell, c demoIAM, name string) (string, error) {
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if err == nil {
		return aws.ToString(got.Role.Arn), nil
	}
	var missing *iamtypes.NoSuchEntityException
	if !errors.As(err, &missing) {
		return "", fmt.Errorf("get iam role %s: %w", name, err)
	}
	trust, err := json.Marshal(lambdaTrustPolicy)
	if err != nil {
		return "", err
	}
	created, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: aws.String(string(trust))})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) { // created meanwhile by another run
		got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
		if err != nil {
			return "", fmt.Errorf("get iam role %s: %w", name, err)
		}
		return aws.ToString(got.Role.Arn), nil
	}
	if err != nil {
		return "", fmt.Errorf("create iam role %s: %w", name, err)
	}
	sh.Info("demo: created IAM role %s", name)
	return aws.ToString(created.Role.Arn), nil
}

// DemoSummary prints what runs where after the demo's deploy: the ECS
// service's task definition and container images, and the Lambda
// function's image, with the version LAMBDA_ALIAS points at when set.
//
// # Environment
//
// ECS_CLUSTER, ECS_SERVICE, LAMBDA_FUNCTION and LAMBDA_ALIAS, as for
// [Deploy].
func DemoSummary(ctx context.Context) error {
	s, err := ReadDeploySettings(os.Getenv)
	if err != nil {
		return fmt.Errorf("demo summary: %w", err)
	}
	cfg, err := AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("demo summary: %w", err)
	}
	return writeSummary(ctx, os.Stdout, s, ecs.NewFromConfig(cfg), lambda.NewFromConfig(cfg))
}

// writeSummary writes to w one line per target that s names, saying what
// it runs.
func writeSummary(ctx context.Context, w io.Writer, s DeploySettings, ecsClient deploy.ECSAPI, lambdaClient deploy.LambdaAPI) error {
	var lines []string
	if s.ECS() {
		d, err := deploy.NewECS(ecsClient, s.Cluster, s.Service)
		if err != nil {
			return err
		}
		st, err := d.Status(ctx)
		if err != nil {
			return fmt.Errorf("demo summary: %w", err)
		}
		lines = append(lines, st.String())
	}
	if s.Lambda() {
		d, err := deploy.NewLambda(lambdaClient, s.Function, deploy.WithAlias(s.Alias))
		if err != nil {
			return err
		}
		st, err := d.Status(ctx)
		if err != nil {
			return fmt.Errorf("demo summary: %w", err)
		}
		lines = append(lines, st.String())
	}
	_, err := fmt.Fprintln(w, strings.Join(lines, "\n"))
	return err
}
