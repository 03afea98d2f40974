package scripts

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/godax/godax/lib/dax"
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

// callerSettings are AWS settings from the caller's shell that would point
// the SDK somewhere other than the sandbox.
var callerSettings = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
	"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "ECR_REGIONS",
	"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_ECS",
	"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_IAM",
}

// DemoSetup starts the sandbox when it is not running, points this
// process's environment at it, and creates the demo's ECS service and Lambda
// function there when they are missing. Mage then runs the pipeline targets
// in the same process, so they all act on the sandbox.
func DemoSetup(ctx context.Context) error {
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
		if err := os.Setenv(name, value); err != nil {
			return err
		}
	}
	dax.Step("demo: deploying %s to the sandbox (ECS %s/%s, Lambda %s)",
		demoSettings["IMAGE_REPOSITORY"], demoSettings["ECS_CLUSTER"],
		demoSettings["ECS_SERVICE"], demoSettings["LAMBDA_FUNCTION"])
	return EnsureDemoTargets(ctx)
}
