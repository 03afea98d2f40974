package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/settings"
)

const (
	ecsARN    = "arn:aws:ecs:eu-west-1:111122223333:service/prod/web"
	lambdaARN = "arn:aws:lambda:us-east-1:444455556666:function:api:live"
)

func mustARN(t *testing.T, s string) deploy.ARN {
	t.Helper()
	a, err := deploy.ParseARN(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestReadDeploySettings_ReadsEveryVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DEPLOY_TARGETS": ecsARN + ",\n " + lambdaARN,
		"ECS_CLUSTER":    "prod", "ECS_SERVICE": "api", "ECS_CONTAINER": "app",
		"LAMBDA_FUNCTION": "worker", "LAMBDA_ALIAS": "live",
		"DEPLOY_IMAGE": "127.0.0.1:5000/web:v1", "DEPLOY_ROLE": "ci/deployer", "DEPLOY_CONCURRENCY": "3",
		"DEPLOY_TIMEOUT": "90s", "DRY_RUN": "1", "DEPLOY_ROLLBACK": "true", "DEPLOY_CONFIRM": "yes",
	}
	got, err := ReadDeploySettings(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	want := DeploySettings{
		Targets: []TargetRef{
			{ARN: mustARN(t, ecsARN), Name: ecsARN, Source: "DEPLOY_TARGETS line 1"},
			{ARN: mustARN(t, lambdaARN), Name: lambdaARN, Source: "DEPLOY_TARGETS line 2"},
			{ARN: deploy.ARN{Service: "ecs", Resource: "service/prod/api"}, Name: "ecs service prod/api", Source: "ECS_CLUSTER/ECS_SERVICE"},
			{ARN: deploy.ARN{Service: "lambda", Resource: "function:worker"}, Name: "lambda function worker", Source: "LAMBDA_FUNCTION"},
		},
		Container: "app", Alias: "live", Image: "127.0.0.1:5000/web:v1", Role: "ci/deployer", Concurrency: 3,
		Timeout: 90 * time.Second, DryRun: true, Rollback: true, Confirm: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}

func TestReadDeploySettings_DefaultsToTenMinutesEightAtOnceNoDryRunNoRollback(t *testing.T) {
	t.Parallel()
	got, err := ReadDeploySettings(envOf(map[string]string{"LAMBDA_FUNCTION": "api"}))
	if err != nil {
		t.Fatal(err)
	}
	want := DeploySettings{
		Targets:     []TargetRef{{ARN: deploy.ARN{Service: "lambda", Resource: "function:api"}, Name: "lambda function api", Source: "LAMBDA_FUNCTION"}},
		Concurrency: 8, Timeout: 10 * time.Minute,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}

func TestReadDeploySettings_TimeoutTakesPlainSeconds(t *testing.T) {
	t.Parallel()
	got, err := ReadDeploySettings(envOf(map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "10"}))
	if err != nil || got.Timeout != 10*time.Second {
		t.Fatalf("DEPLOY_TIMEOUT=10: timeout %s, error %v; want 10s", got.Timeout, err)
	}
}

func TestReadDeploySettings_RejectsBadSettingsNamingTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "no targets configured: set DEPLOY_TARGETS, or ECS_CLUSTER and ECS_SERVICE, or LAMBDA_FUNCTION"},
		{map[string]string{"ECS_CLUSTER": "prod"}, `ECS_CLUSTER="prod" is set but ECS_SERVICE is not: set both to deploy to ECS`},
		{map[string]string{"ECS_SERVICE": "web", "LAMBDA_FUNCTION": "api"}, `ECS_SERVICE="web" is set but ECS_CLUSTER is not: set both to deploy to ECS`},
		{map[string]string{"ECS_CONTAINER": "app", "LAMBDA_FUNCTION": "api"}, `ECS_CONTAINER="app" is set but no ECS service is listed (DEPLOY_TARGETS, or ECS_CLUSTER and ECS_SERVICE)`},
		{map[string]string{"LAMBDA_ALIAS": "live", "ECS_CLUSTER": "prod", "ECS_SERVICE": "web"}, `LAMBDA_ALIAS="live" is set but no Lambda function is listed (DEPLOY_TARGETS or LAMBDA_FUNCTION)`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "soon"}, `DEPLOY_TIMEOUT="soon": want a duration such as 90s, 15m or 1h, or a number of seconds`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "-1m"}, `DEPLOY_TIMEOUT="-1m": want a duration that is not negative`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "1ns"}, `DEPLOY_TIMEOUT="1ns" is under the minimum of 10s: a rollout needs time to start`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_CONCURRENCY": "0"}, `DEPLOY_CONCURRENCY="0": want a whole number of targets at once, 1 or more`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_ROLE": "arn:aws:iam::111122223333:role/x"}, `DEPLOY_ROLE="arn:aws:iam::111122223333:role/x": give the role's name (it is assumed in each target's account), not an ARN`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_IMAGE": "web"}, `DEPLOY_IMAGE: image "web": want REPOSITORY@sha256:<64 hex digits> or REPOSITORY:TAG`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DRY_RUN": "maybe"}, `DRY_RUN="maybe": want 1, true, yes or on, or 0, false, no or off`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_ROLLBACK": "2"}, `DEPLOY_ROLLBACK="2": want 1, true, yes or on, or 0, false, no or off`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_CONFIRM": "please"}, `DEPLOY_CONFIRM="please": want 1, true, yes or on, or 0, false, no or off`},
		{map[string]string{"LAMBDA_FUNCTION": "a:b"}, `LAMBDA_FUNCTION: lambda function name "a:b": want 1 to 64 letters, digits, '-' and '_' (or give its ARN)`},
	}
	for _, tt := range tests {
		_, err := ReadDeploySettings(envOf(tt.env))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: error %v, want %q", tt.env, err, tt.want)
		}
	}
}

func TestReadDeploySettings_ReadsATargetFileWithCommentsAndBlankLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fleet.txt")
	text := "# production\n\n" + ecsARN + "   # the web service\n\t" + lambdaARN + "\n\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDeploySettings(envOf(map[string]string{"DEPLOY_TARGETS": "@" + path}))
	if err != nil {
		t.Fatal(err)
	}
	want := []TargetRef{
		{ARN: mustARN(t, ecsARN), Name: ecsARN, Source: path + ":3"},
		{ARN: mustARN(t, lambdaARN), Name: lambdaARN, Source: path + ":4"},
	}
	if diff := cmp.Diff(want, got.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}

func TestReadDeploySettings_ATargetSpelledTwiceIsDeployedToOnce(t *testing.T) {
	t.Parallel()
	got, err := ReadDeploySettings(envOf(map[string]string{
		"DEPLOY_TARGETS":  ecsARN + ", " + lambdaARN + "\n" + ecsARN,
		"LAMBDA_FUNCTION": strings.TrimSuffix(lambdaARN, ":live"),
		"LAMBDA_ALIAS":    "live",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []TargetRef{
		{ARN: mustARN(t, ecsARN), Name: ecsARN, Source: "DEPLOY_TARGETS line 1"},
		{ARN: mustARN(t, lambdaARN), Name: lambdaARN, Source: "DEPLOY_TARGETS line 1"},
	}
	if diff := cmp.Diff(want, got.Targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}

func TestReadDeploySettings_MalformedEntryNamesTheEntryAndItsLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.txt")
	if err := os.WriteFile(path, []byte(ecsARN+"\n# ok so far\narn:aws:ecs:eu-west-1:1111:service/prod/web\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fnARN := strings.TrimSuffix(lambdaARN, ":live")
	tests := []struct{ targets, want string }{
		{"@" + path, path + `:3: "arn:aws:ecs:eu-west-1:1111:service/prod/web": account "1111" is not a 12-digit account id`},
		{"@" + filepath.Join(dir, "none.txt"), `DEPLOY_TARGETS="@` + filepath.Join(dir, "none.txt") + `": open ` + filepath.Join(dir, "none.txt") + `: no such file or directory`},
		{ecsARN + "\nweb", `DEPLOY_TARGETS line 2: "web" is not an ARN (want arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE or arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS])`},
		{"arn:aws:s3:::bucket", `DEPLOY_TARGETS line 1: "arn:aws:s3:::bucket": "s3" is not a kind of target this deploy knows (want ecs or lambda)`},
		{"arn:aws:ecs:mars-1:111122223333:service/prod/web", `DEPLOY_TARGETS line 1: "arn:aws:ecs:mars-1:111122223333:service/prod/web": "mars-1" is not a known AWS region`},
		{"arn:aws:ecs:eu-west-1:111122223333:service/web", `DEPLOY_TARGETS line 1: "arn:aws:ecs:eu-west-1:111122223333:service/web" is not an ECS service ARN (want arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE)`},
		{"arn:aws:lambda:eu-west-1:111122223333:function:api:7", `DEPLOY_TARGETS line 1: "arn:aws:lambda:eu-west-1:111122223333:function:api:7": qualifier "7" is not an alias (a version cannot be deployed to)`},
		{"arn:aws-cn:lambda:eu-west-1:111122223333:function:api", `DEPLOY_TARGETS line 1: "arn:aws-cn:lambda:eu-west-1:111122223333:function:api": region eu-west-1 is in partition aws, not "aws-cn"`},
		{lambdaARN + "\n" + fnARN + ":test", lambdaARN + " (DEPLOY_TARGETS line 1) and " + fnARN + `:test (DEPLOY_TARGETS line 2) are the same function with different aliases, "live" and "test": list it once`},
		{" , \n# nothing\n", `DEPLOY_TARGETS=", \n# nothing" lists no target`},
	}
	for _, tt := range tests {
		_, err := ReadDeploySettings(envOf(map[string]string{"DEPLOY_TARGETS": tt.targets}))
		if err == nil || err.Error() != tt.want {
			t.Errorf("DEPLOY_TARGETS=%q:\n got %v\nwant %s", tt.targets, err, tt.want)
		}
	}
}

func FuzzParseTargetList(f *testing.F) {
	for _, s := range []string{ecsARN, lambdaARN + "," + ecsARN, "# c\n\n" + lambdaARN, "arn:aws:ecs:::", "arn:aws:lambda:us-east-1:111122223333:function::x", "arn:aws:ecs:us-east-1:111122223333:service/a/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		refs, err := parseTargetList(text, "DEPLOY_TARGETS", false)
		if err != nil {
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "DEPLOY_TARGETS line ") {
				t.Fatalf("error %q is not one line naming the line", err)
			}
			return
		}
		for _, r := range refs {
			again, err := parseTarget(r.Name, deployKinds(DeploySettings{}, nil))
			if err != nil || again.ARN != r.ARN {
				t.Fatalf("%q parsed as %+v, which reads back as %+v, %v", r.Name, r.ARN, again.ARN, err)
			}
		}
	})
}

// TestDeploy_ChecksSettingsBeforeAnyNetworkCall points AWS at a closed
// port: a network call would fail differently, and slowly.
func TestDeploy_ChecksSettingsBeforeAnyNetworkCall(t *testing.T) {
	for _, k := range []string{"ECS_CLUSTER", "ECS_SERVICE", "ECS_CONTAINER", "LAMBDA_FUNCTION", "LAMBDA_ALIAS", "DEPLOY_TIMEOUT", "DRY_RUN",
		"DEPLOY_ROLLBACK", "DEPLOY_IMAGE", "DEPLOY_ROLE", "DEPLOY_CONCURRENCY", "DEPLOY_CONFIRM"} {
		t.Setenv(k, "")
	}
	t.Setenv("DEPLOY_TARGETS", ecsARN+"\narn:aws:ecs:eu-west-1:111122223333:cluster/prod")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	for name, step := range map[string]func(context.Context) error{"deploy": Deploy, "status": Status} {
		err := step(context.Background())
		want := name + `: DEPLOY_TARGETS line 2: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod" is not an ECS service ARN (want arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE)`
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
	}
}

// countingTarget is a deploy.Target that counts its deploys.
type countingTarget struct {
	mu      sync.Mutex
	name    string
	deploys int
}

func (c *countingTarget) String() string { return c.name }
func (c *countingTarget) Plan(_ context.Context, img deploy.Image) (deploy.Plan, error) {
	return deploy.Plan{Target: c.name, OldImage: "old", NewImage: img.String()}, nil
}
func (c *countingTarget) Deploy(_ context.Context, img deploy.Image) (deploy.Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deploys++
	return deploy.Result{Plan: deploy.Plan{Target: c.name, OldImage: "old", NewImage: img.String()}}, nil
}
func (c *countingTarget) Status(context.Context) (deploy.Status, error) { return deploy.Status{}, nil }
func (c *countingTarget) Rollback(context.Context, deploy.Result) error { return nil }

func TestDeployImage_RefusesAPushRecordOfAnotherRepositoryOrTag(t *testing.T) {
	t.Setenv("GODAX_STATE_DIR", t.TempDir())
	t.Setenv("ECR_REGISTRY", "127.0.0.1:5000")
	t.Setenv("IMAGE_REPOSITORY", "web")
	t.Setenv("IMAGE_TAG", "v2")
	d := "sha256:" + strings.Repeat("d", 64)
	for _, tt := range []struct {
		repo, tag, want string
	}{
		{"web", "v1", "the last push was 127.0.0.1:5000/web:v1, not 127.0.0.1:5000/web:v2, which this run builds"},
		{"api", "v2", "the last push was 127.0.0.1:5000/api:v2, not 127.0.0.1:5000/web:v2, which this run builds"},
		{"web", "v2", ""},
	} {
		rec := PushRecord{Registry: "127.0.0.1:5000", Repository: tt.repo, Tag: tt.tag, Digest: d, Reference: "127.0.0.1:5000/" + tt.repo + "@" + d}
		if err := NewSession(settings.Config{}).writePushRecord(rec); err != nil {
			t.Fatal(err)
		}
		img, err := deployImage(context.Background(), DeploySettings{}, nil)
		switch {
		case tt.want == "" && (err != nil || img.String() != rec.Reference):
			t.Errorf("record of %s:%s: %v, %v; want %s", tt.repo, tt.tag, img, err, rec.Reference)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("record of %s:%s: error %v, want %q", tt.repo, tt.tag, err, tt.want)
		}
	}
}

func TestStatus_WithNoTargetsSpeaksOfStatus(t *testing.T) {
	setCheckEnv(t, nil)
	err := Status(context.Background())
	if want := "status: no targets configured: set DEPLOY_TARGETS"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Status() = %v, want an error starting %q", err, want)
	}
}
