package pipeline

import (
	"context"
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

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/state"
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
// nothing. New ones run the image this run pushed, so nothing ever runs
// an image that does not exist.
//
// # Environment
//
// ECS_CLUSTER, ECS_SERVICE and LAMBDA_FUNCTION, which [DemoSetup] sets,
// the pushed image as for [Deploy], and the sandbox's AWS settings.
func EnsureDemoTargets(ctx context.Context) error {
	img, err := deployImage(ctx, DeploySettings{}, nil)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	cfg, err := sessionOf(ctx).AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	sh, err := dax.New(dax.WithLogger(os.Stderr))
	if err != nil {
		return err
	}
	sess := sessionOf(ctx)
	t := demoTargets{Cluster: sess.Getenv("ECS_CLUSTER"), Service: sess.Getenv("ECS_SERVICE"), Function: sess.Getenv("LAMBDA_FUNCTION")}
	return ensureDemoTargets(ctx, sh, t, img, ecs.NewFromConfig(cfg), iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg))
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
		sh.Info("demo: created ECS service %s/%s running %s", t.Cluster, t.Service, img)
	}
	if created, err = deploy.EnsureLambdaFunction(ctx, lc, ic, t.Function, img.String()); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if created {
		sh.Info("demo: created Lambda function %s running %s", t.Function, img)
	}
	return nil
}
