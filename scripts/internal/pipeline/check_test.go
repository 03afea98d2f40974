package pipeline

import (
	"context"
	"strings"
	"testing"
)

// setCheckEnv clears every setting the checks read, then sets env.
func setCheckEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range []string{
		"AWS_PROFILE", "ECR_ACCOUNT", "ECR_ROLE", "ECR_ROLE_SESSION_NAME", "ECR_ROLE_DURATION", "ECR_ROLE_EXTERNAL_ID",
		"ECR_ROLE_MFA_SERIAL", "ECR_REGIONS", "ECR_REGISTRY", "ECR_NO_CACHE", "CONTAINER_CLI",
		"IMAGE_REPOSITORY", "IMAGE_TAG", "BUILD_CONTEXT", "DOCKERFILE", "IMAGE_PLATFORM",
		"ECS_CLUSTER", "ECS_SERVICE", "ECS_CONTAINER", "LAMBDA_FUNCTION", "LAMBDA_ALIAS",
		"DEPLOY_TIMEOUT", "DRY_RUN", "DEPLOY_ROLLBACK", "DEPLOY_TARGETS", "DEPLOY_IMAGE", "DEPLOY_ROLE", "DEPLOY_CONCURRENCY", "DEPLOY_CONFIRM",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("GODAX_STATE_DIR", t.TempDir())
	t.Setenv("BUILD_CONTEXT", exampleContext)
	for k, v := range env {
		t.Setenv(k, v)
	}
}

func TestCheckDeploy_NamesTheStepAndVariableAtFault(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no target", map[string]string{"IMAGE_REPOSITORY": "web", "IMAGE_TAG": "v1"},
			"deploy: no targets configured"},
		{"bad timeout", map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "soon"},
			`deploy: DEPLOY_TIMEOUT="soon"`},
		{"push setting missing", map[string]string{"LAMBDA_FUNCTION": "api", "IMAGE_TAG": "v1"},
			"build: IMAGE_REPOSITORY is not set"},
		{"login setting wrong", map[string]string{"LAMBDA_FUNCTION": "api", "IMAGE_REPOSITORY": "web", "IMAGE_TAG": "v1", "ECR_ACCOUNT": "1234"},
			`ecrLogin: ECR_ACCOUNT="1234" is not a 12-digit AWS account id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setCheckEnv(t, tt.env)
			push, err := CheckDeploy(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v, want one starting %q", err, tt.want)
			}
			if push {
				t.Error("push true alongside an error")
			}
		})
	}
}

// A check that says to push describes the targets first: the sandbox
// test TestCheckDeploy_Sandbox_AContainerNoServiceHasStopsTheRunBeforeTheBuild
// sees it say so.
func TestCheckDeploy_DoesNotPushForADryRunOrAPromotion(t *testing.T) {
	setCheckEnv(t, map[string]string{"LAMBDA_FUNCTION": "api", "DRY_RUN": "1"})
	// a dry run builds nothing, so needs no build settings
	push, err := CheckDeploy(context.Background())
	if err != nil || push {
		t.Fatalf("dry run: CheckDeploy = %v, %v; want false, nil", push, err)
	}

	t.Setenv("DRY_RUN", "")
	t.Setenv("DEPLOY_IMAGE", "127.0.0.1:5000/web:v1") // promoting builds nothing either
	push, err = CheckDeploy(context.Background())
	if err != nil || push {
		t.Fatalf("promotion: CheckDeploy = %v, %v; want false, nil", push, err)
	}
}

func TestCheckPush_ChecksLoginAndBuildSettings(t *testing.T) {
	setCheckEnv(t, map[string]string{"IMAGE_REPOSITORY": "web", "IMAGE_TAG": "v1"})
	if err := CheckPush(context.Background()); err != nil {
		t.Fatalf("good settings: %v", err)
	}
	t.Setenv("CONTAINER_CLI", "dockr")
	err := CheckPush(context.Background())
	if want := `ecrLogin: CONTAINER_CLI: unknown container CLI "dockr"`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
	t.Setenv("CONTAINER_CLI", "")
	t.Setenv("IMAGE_TAG", "-bad")
	err = CheckPush(context.Background())
	if want := "build: IMAGE_TAG"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}
