package scripts_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

func TestPushAndDeploy_InAGitHubActionsJobGroupTheLogSetTheOutputAndSummarizeWithoutSecrets(t *testing.T) {
	st := sandboxtest.Require(t)
	bin := targetsBinary(t)
	dir, _ := siteRepo(t)
	files := t.TempDir()
	output, summary := filepath.Join(files, "output"), filepath.Join(files, "summary.md")
	function := fmt.Sprintf("godax-gh-%d", time.Now().UnixNano())
	env := userEnv(st, "GITHUB_ACTIONS=true", "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
		"IMAGE_REPOSITORY="+function, "LAMBDA_FUNCTION="+function, "CI=true")

	runJob := func(target string) (stdout, stderr string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, target)
		cmd.Dir, cmd.Env = dir, env
		var errb strings.Builder
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("godax %s: %v\nstdout:\n%s\nstderr:\n%s", target, err, out, errb.String())
		}
		return string(out), errb.String()
	}
	pushOut, pushErr := runJob("push")
	ref := strings.TrimSpace(pushOut[strings.LastIndex(strings.TrimSpace(pushOut), "\n")+1:])

	cfg := sandboxtest.RoleConfig(t, st)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := deploy.EnsureLambdaFunction(ctx, lambda.NewFromConfig(cfg), iam.NewFromConfig(cfg), function, ref); err != nil {
		t.Fatal(err)
	}
	deployOut, deployErr := runJob("deploy")

	for _, want := range []string{"::group::building ", "::group::pushing ", "::endgroup::"} {
		if !strings.Contains(pushErr, want) {
			t.Errorf("push's log has no %q line:\n%s", want, pushErr)
		}
	}
	out, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	if want := "image=" + ref + "\n"; !strings.Contains(string(out), want) || !strings.Contains(ref, "@sha256:") {
		t.Errorf("GITHUB_OUTPUT = %q, want a line %q", out, want)
	}
	sum, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sum), "### godax deploy of ") || !strings.Contains(string(sum), "| ` lambda function "+function+" ` |") {
		t.Errorf("the job summary has no deploy table naming %s:\n%s", function, sum)
	}
	password := sandbox.Account + "-auth-token" // moto's ECR password for the account
	secrets := []string{password, base64.StdEncoding.EncodeToString([]byte("AWS:" + password)), sandbox.SecretAccessKey}
	for name, text := range map[string]string{"push stdout": pushOut, "push stderr": pushErr, "deploy stdout": deployOut,
		"deploy stderr": deployErr, "summary": string(sum), "output": string(out)} {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows a secret", name)
			}
		}
	}
}
