package scripts

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

func TestReadDeploySettings_ReadsEveryVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"ECS_CLUSTER": "prod", "ECS_SERVICE": "web", "ECS_CONTAINER": "app",
		"LAMBDA_FUNCTION": "api", "LAMBDA_ALIAS": "live",
		"DEPLOY_TIMEOUT": "90s", "DRY_RUN": "1", "DEPLOY_ROLLBACK": "true",
	}
	got, err := ReadDeploySettings(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := DeploySettings{Cluster: "prod", Service: "web", Container: "app", Function: "api", Alias: "live",
		Timeout: 90 * time.Second, DryRun: true, Rollback: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}

func TestReadDeploySettings_DefaultsToTenMinutesNoDryRunNoRollback(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LAMBDA_FUNCTION": "api"}
	got, err := ReadDeploySettings(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DeploySettings{Function: "api", Timeout: 10 * time.Minute}, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if got.ECS() || !got.Lambda() {
		t.Errorf("ECS() = %v, Lambda() = %v; want false, true", got.ECS(), got.Lambda())
	}
}

func TestReadDeploySettings_RejectsBadSettingsNamingTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "nothing to deploy to: set ECS_CLUSTER and ECS_SERVICE, or LAMBDA_FUNCTION, or both"},
		{map[string]string{"ECS_CLUSTER": "prod"}, `ECS_CLUSTER="prod" is set but ECS_SERVICE is not: set both to deploy to ECS`},
		{map[string]string{"ECS_SERVICE": "web", "LAMBDA_FUNCTION": "api"}, `ECS_SERVICE="web" is set but ECS_CLUSTER is not: set both to deploy to ECS`},
		{map[string]string{"ECS_CONTAINER": "app", "LAMBDA_FUNCTION": "api"}, `ECS_CONTAINER="app" is set but ECS_CLUSTER and ECS_SERVICE are not`},
		{map[string]string{"LAMBDA_ALIAS": "live", "ECS_CLUSTER": "prod", "ECS_SERVICE": "web"}, `LAMBDA_ALIAS="live" is set but LAMBDA_FUNCTION is not`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "10"}, `DEPLOY_TIMEOUT="10": want a positive Go duration such as 90s or 15m`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_TIMEOUT": "-1m"}, `DEPLOY_TIMEOUT="-1m": want a positive Go duration such as 90s or 15m`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DRY_RUN": "maybe"}, `DRY_RUN="maybe": want 1 (on) or 0 (off)`},
		{map[string]string{"LAMBDA_FUNCTION": "api", "DEPLOY_ROLLBACK": "2"}, `DEPLOY_ROLLBACK="2": want 1 (on) or 0 (off)`},
	}
	for _, tt := range tests {
		_, err := ReadDeploySettings(func(k string) string { return tt.env[k] })
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: error %v, want %q", tt.env, err, tt.want)
		}
	}
}

// TestDeploy_ChecksSettingsBeforeAnyNetworkCall points AWS at a closed
// port: a network call would fail differently, and slowly.
func TestDeploy_ChecksSettingsBeforeAnyNetworkCall(t *testing.T) {
	for _, k := range []string{"ECS_CLUSTER", "ECS_CONTAINER", "LAMBDA_FUNCTION", "LAMBDA_ALIAS", "DEPLOY_TIMEOUT", "DRY_RUN", "DEPLOY_ROLLBACK"} {
		t.Setenv(k, "")
	}
	t.Setenv("ECS_SERVICE", "web")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	err := Deploy(context.Background())
	want := `deploy: ECS_SERVICE="web" is set but ECS_CLUSTER is not: set both to deploy to ECS`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}

// sandboxClients returns clients for the sandbox's moto, with its static
// keys and nothing from this process's environment.
func sandboxClients(t *testing.T) (*ecs.Client, *iam.Client, *lambda.Client, string) {
	t.Helper()
	st := sandboxtest.Require(t)
	cfg := sandboxtest.AWSConfig(t, st)
	return ecs.NewFromConfig(cfg), iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg), st.RegistryHost()
}

// demoFixture is a set of demo targets with names of their own (moto's
// state is shared between tests) and clients to reach them.
type demoFixture struct {
	targets demoTargets
	ecs     *ecs.Client
	iam     *iam.Client
	lambda  *lambda.Client
}

func newDemoFixture(t *testing.T) demoFixture {
	t.Helper()
	ec, ic, lc, registry := sandboxClients(t)
	name := "godax-test-" + strings.ToLower(rand.Text()[:8])
	env := map[string]string{
		"ECS_CLUSTER": name, "ECS_SERVICE": name, "LAMBDA_FUNCTION": name,
		"ECR_REGISTRY": registry, "IMAGE_REPOSITORY": name,
	}
	targets, err := readDemoTargets(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return demoFixture{targets: targets, ecs: ec, iam: ic, lambda: lc}
}

// ensure runs ensureDemoTargets and returns what it logged.
func (f demoFixture) ensure(t *testing.T) string {
	t.Helper()
	var log strings.Builder
	sh, err := dax.New(dax.WithLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	if err := ensureDemoTargets(context.Background(), sh, f.targets, f.ecs, f.iam, f.lambda); err != nil {
		t.Fatal(err)
	}
	return log.String()
}

func (f demoFixture) settings() DeploySettings {
	return DeploySettings{Cluster: f.targets.Cluster, Service: f.targets.Service, Function: f.targets.Function, Timeout: time.Minute}
}

func (f demoFixture) summary(t *testing.T, s DeploySettings) string {
	t.Helper()
	var b strings.Builder
	if err := writeSummary(context.Background(), &b, s, f.ecs, f.lambda); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// randomImage returns a made-up image in the fixture's repository.
func (f demoFixture) randomImage(t *testing.T) deploy.Image {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	img, err := deploy.ParseImage(fmt.Sprintf("%s@sha256:%x", f.targets.Repository, b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestEnsureDemoTargets_Sandbox_CreatesWhatIsMissingOnlyOnce(t *testing.T) {
	t.Parallel()
	f := newDemoFixture(t)
	first := f.ensure(t)
	for _, want := range []string{"created ECS cluster", "created ECS service", "created IAM role", "created Lambda function"} {
		if !strings.Contains(first, want) {
			t.Errorf("first run's log lacks %q:\n%s", want, first)
		}
	}
	if second := f.ensure(t); second != "" {
		t.Errorf("second run created something:\n%s", second)
	}
	placeholder := f.targets.Repository + "@" + demoPlaceholderDigest
	want := fmt.Sprintf("ecs service %[1]s/%[1]s -> task definition %[1]s:1 -> app=%[2]s (1/1 running)\n"+
		"lambda function %[1]s -> %[2]s (last update Successful)\n", f.targets.Cluster, placeholder)
	if diff := cmp.Diff(want, f.summary(t, f.settings())); diff != "" {
		t.Errorf("summary after setup (-want +got):\n%s", diff)
	}
}

func TestEnsureDemoTargets_Sandbox_ConcurrentRunsAllSucceed(t *testing.T) {
	t.Parallel()
	f := newDemoFixture(t)
	var wg sync.WaitGroup
	logs := make([]strings.Builder, 4)
	errs := make([]error, len(logs))
	for i := range logs {
		wg.Go(func() {
			sh, err := dax.New(dax.WithLogger(&logs[i]))
			if err == nil {
				err = ensureDemoTargets(context.Background(), sh, f.targets, f.ecs, f.iam, f.lambda)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	created := 0
	for i := range logs {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
		}
		created += strings.Count(logs[i].String(), "created Lambda function")
	}
	if created != 1 {
		t.Errorf("%d runs say they created the Lambda function, want 1", created)
	}
	if got := f.summary(t, f.settings()); !strings.Contains(got, "lambda function "+f.targets.Function+" -> ") {
		t.Errorf("summary after concurrent setup:\n%s", got)
	}
}

func TestRunDeploy_Sandbox_RollsOutToBothTargetsAtOnce(t *testing.T) {
	t.Parallel()
	f := newDemoFixture(t)
	f.ensure(t)
	img := f.randomImage(t)
	s := f.settings()
	s.Alias = "live"
	var log strings.Builder
	if err := RunDeploy(context.Background(), s, img, f.ecs, f.lambda, &log); err != nil {
		t.Fatalf("deploy: %v\nlog:\n%s", err, log.String())
	}
	t.Logf("deploy log:\n%s", log.String())
	want := fmt.Sprintf("ecs service %[1]s/%[1]s -> task definition %[1]s:2 -> app=%[2]s (1/1 running)\n"+
		"lambda function %[1]s -> %[2]s (last update Successful, alias live -> version 1)\n", f.targets.Cluster, img)
	if diff := cmp.Diff(want, f.summary(t, s)); diff != "" {
		t.Errorf("summary after deploy (-want +got):\n%s\nlog:\n%s", diff, log.String())
	}
	for _, line := range []string{"deployed: ecs service", "deployed: lambda function", "stable on " + f.targets.Service + ":2"} {
		if !strings.Contains(log.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, log.String())
		}
	}
}

func TestRunDeploy_Sandbox_DryRunPrintsThePlanAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := newDemoFixture(t)
	f.ensure(t)
	before := f.summary(t, f.settings())
	img := f.randomImage(t)
	s := f.settings()
	s.DryRun = true
	var log strings.Builder
	if err := RunDeploy(context.Background(), s, img, f.ecs, f.lambda, &log); err != nil {
		t.Fatal(err)
	}
	placeholder := f.targets.Repository + "@" + demoPlaceholderDigest
	for _, line := range []string{
		fmt.Sprintf("plan (dry run): ecs service %[1]s/%[1]s, container app (task definition %[1]s:1): %[2]s -> %[3]s", f.targets.Cluster, placeholder, img),
		fmt.Sprintf("plan (dry run): lambda function %s: %s -> %s", f.targets.Function, placeholder, img),
	} {
		if !strings.Contains(log.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, log.String())
		}
	}
	if diff := cmp.Diff(before, f.summary(t, f.settings())); diff != "" {
		t.Errorf("a dry run changed the targets (-before +after):\n%s", diff)
	}
}

func TestRunDeploy_Sandbox_ReportsEveryTargetThatFailed(t *testing.T) {
	t.Parallel()
	f := newDemoFixture(t)
	f.ensure(t)
	s := f.settings()
	s.Service, s.Function = "missing-"+s.Service, "missing-"+s.Function
	err := RunDeploy(context.Background(), s, f.randomImage(t), f.ecs, f.lambda, new(strings.Builder))
	for _, want := range []string{
		fmt.Sprintf("ecs service %s/%s not found", s.Cluster, s.Service),
		fmt.Sprintf("lambda function %s not found", s.Function),
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}
}

func TestRunDeploy_Sandbox_SuggestsEcsContainerWhenNoContainerUsesTheRepository(t *testing.T) {
	t.Parallel()
	f := newDemoFixture(t)
	f.ensure(t)
	s := f.settings()
	s.Function = ""
	img, err := deploy.ParseImage("127.0.0.1:5000/elsewhere@" + demoPlaceholderDigest)
	if err != nil {
		t.Fatal(err)
	}
	err = RunDeploy(context.Background(), s, img, f.ecs, f.lambda, new(strings.Builder))
	if err == nil || !strings.HasSuffix(err.Error(), "(set ECS_CONTAINER)") {
		t.Fatalf("error %v, want a hint to set ECS_CONTAINER", err)
	}
	s.Container = "app"
	if err := RunDeploy(context.Background(), s, img, f.ecs, f.lambda, new(strings.Builder)); err != nil {
		t.Fatalf("with ECS_CONTAINER=app: %v", err)
	}
}
