package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox"
)

// demoSettings are the names the demo deploys under. They are set whatever
// the caller's environment says, so the demo never reaches a real account.
var demoSettings = map[string]string{
	"IMAGE_REPOSITORY": "godax-demo",
	"ECS_CLUSTER":      "godax-demo",
	"ECS_SERVICE":      "godax-demo",
	"LAMBDA_FUNCTION":  "godax-demo",
}

// callerSettings are settings from the caller's shell that would point the
// SDK somewhere other than the sandbox, or the deploy at other targets or
// another image than the demo's.
var callerSettings = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
	"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "ECR_REGIONS",
	"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_ECS",
	"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_IAM",
	"DEPLOY_TARGETS", "DEPLOY_IMAGE", "DEPLOY_ROLE",
}

// DemoSetup starts the sandbox when it is not running and points this
// process's environment at it (the AWS SDK and the container CLI read
// it), and the session s at the demo's names and the example service.
// Mage then runs the pipeline targets in the same process, so they all
// act on the sandbox; [EnsureDemoTargets] creates what the demo deploys
// to once the image is pushed.
func DemoSetup(ctx context.Context, s *Session) error {
	st, err := sandbox.Up(ctx)
	if err != nil {
		return err
	}
	for _, name := range callerSettings {
		if err := os.Unsetenv(name); err != nil {
			return err
		}
	}
	for _, kv := range st.Env() {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("sandbox environment: malformed entry %q", kv)
		}
		if err := os.Setenv(name, value); err != nil {
			return err
		}
	}
	for name, value := range demoSettings {
		s.Set(name, value)
	}
	root, err := state.ModuleRoot()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	s.Set("BUILD_CONTEXT", filepath.Join(root, exampleService))
	s.Set("DOCKERFILE", "")
	dax.Step("demo: deploying %s to the sandbox (ECS %s/%s, Lambda %s)",
		demoSettings["IMAGE_REPOSITORY"], demoSettings["ECS_CLUSTER"],
		demoSettings["ECS_SERVICE"], demoSettings["LAMBDA_FUNCTION"])
	return nil
}

// exampleService is the example repository's folder in godax's checkout,
// which the demo builds.
const exampleService = "examples/service"

// demoSetupTimeout bounds creating the demo's targets.
const demoSetupTimeout = 2 * time.Minute

// EnsureDemoTargets creates, in the sandbox, the ECS cluster and service
// and the Lambda function (with the IAM role it runs as) that the demo
// deploys to, each only when it is missing, so running it again changes
// nothing. New ones run a previous image of the example service, built
// and pushed under the tag "previous" (with VERSION=previous), so that
// the deploy that follows shows a real rollout, old digest to new, and a
// new task definition revision; nothing ever runs an image that does not
// exist.
//
// # Environment
//
// ECS_CLUSTER, ECS_SERVICE and LAMBDA_FUNCTION, which [DemoSetup] sets,
// the build settings as for [Build], and the sandbox's AWS settings.
func EnsureDemoTargets(ctx context.Context) error {
	sess := sessionOf(ctx)
	cfg, err := sess.AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	sh, err := dax.New(dax.WithLogger(os.Stderr))
	if err != nil {
		return err
	}
	t := demoTargets{Cluster: sess.Getenv("ECS_CLUSTER"), Service: sess.Getenv("ECS_SERVICE"), Function: sess.Getenv("LAMBDA_FUNCTION")}
	ec, ic, lc := ecs.NewFromConfig(cfg), iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	missing, err := demoTargetsMissing(ctx, t, ec, lc)
	if err != nil || !missing {
		return err
	}
	img, err := previousImage(ctx, sess)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return ensureDemoTargets(ctx, sh, t, img, ec, ic, lc)
}

// demoTargetsMissing reports whether the service or the function t names
// does not exist yet.
func demoTargetsMissing(ctx context.Context, t demoTargets, ec deploy.ServiceCreator, lc deploy.FunctionCreator) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, demoSetupTimeout)
	defer cancel()
	out, err := ec.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &t.Cluster, Services: []string{t.Service}})
	var notFound *ecstypes.ClusterNotFoundException
	switch {
	case errors.As(err, &notFound):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("demo: describe ecs service %s/%s: %w", t.Cluster, t.Service, err)
	case len(out.Services) == 0 || aws.ToString(out.Services[0].Status) == "INACTIVE":
		return true, nil
	}
	_, err = lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &t.Function})
	var noFunction *lambdatypes.ResourceNotFoundException
	if errors.As(err, &noFunction) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo: get lambda function %s: %w", t.Function, err)
	}
	return false, nil
}

// previousImage builds and pushes the example service as it was "before",
// in a session of its own whose push record goes to a temporary folder,
// and returns its pinned reference.
func previousImage(ctx context.Context, sess *Session) (deploy.Image, error) {
	tmp, err := os.MkdirTemp("", "godax-demo-")
	if err != nil {
		return deploy.Image{}, err
	}
	defer os.RemoveAll(tmp) // best effort: a temporary folder
	prev := sess.derive(map[string]string{"IMAGE_TAG": "previous", "BUILD_ARG_VERSION": "previous", "GODAX_STATE_DIR": tmp})
	pctx := WithSession(ctx, prev)
	dax.Step("demo: pushing a previous image of the example service for the new targets to start on")
	if err := Build(pctx); err != nil {
		return deploy.Image{}, err
	}
	if err := Push(pctx); err != nil {
		return deploy.Image{}, err
	}
	rec, err := prev.LastPush()
	if err != nil {
		return deploy.Image{}, err
	}
	return deploy.ParseImage(rec.Reference)
}

// demoTargets are the names of what the demo deploys to.
type demoTargets struct{ Cluster, Service, Function string }

// ensureDemoTargets creates what t names, running img, through the lib's
// helpers, and logs what it created to sh.
func ensureDemoTargets(ctx context.Context, sh *dax.Shell, t demoTargets, img deploy.Image, ec deploy.ServiceCreator, ic deploy.RoleCreator, lc deploy.FunctionCreator) error {
	ctx, cancel := context.WithTimeout(ctx, demoSetupTimeout)
	defer cancel()
	created, err := deploy.EnsureECSService(ctx, ec, t.Cluster, t.Service, []ecstypes.ContainerDefinition{{
		Name: aws.String("app"), Image: aws.String(img.String()), Essential: aws.Bool(true), Memory: aws.Int32(128),
		PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}},
	}})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if created {
		sh.Info("demo: created ECS service %s/%s running %s", t.Cluster, t.Service, forLog(img.String()))
	}
	if created, err = deploy.EnsureLambdaFunction(ctx, lc, ic, t.Function, img.String()); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if created {
		sh.Info("demo: created Lambda function %s running %s", t.Function, forLog(img.String()))
	}
	return nil
}
