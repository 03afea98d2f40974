package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/lib/deploy/deploytest"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
	"github.com/godax/godax/scripts/settings"
)

// deployHelperEnv names the step TestDeployHelperProcess runs.
const deployHelperEnv = "GODAX_TEST_DEPLOY_STEP"

// TestDeployHelperProcess runs one deploy step in a process of its own, so
// that the process-wide AWS configuration and environment are the test's.
func TestDeployHelperProcess(t *testing.T) {
	step := os.Getenv(deployHelperEnv)
	if step == "" {
		t.Skip("the deploy tests run this as a helper process")
	}
	steps := map[string]func(context.Context) error{
		"deploy": Deploy,
		"status": Status,
		"check": func(ctx context.Context) error {
			push, err := CheckDeploy(ctx)
			fmt.Println("push:", push)
			return err
		},
		// all is the deploy target as scripts.Deploy runs it: the check,
		// then login, build and push when it says so, then the deploy.
		"all": func(ctx context.Context) error {
			ctx = WithSession(ctx, NewSession(settings.Config{}))
			push, err := CheckDeploy(ctx)
			if err != nil {
				return err
			}
			if push {
				for _, step := range []func(context.Context) error{EcrLogin, Build, Push} {
					if err := step(ctx); err != nil {
						return err
					}
				}
			}
			return Deploy(ctx)
		},
	}
	if err := steps[step](context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// deployVars are the settings a helper process starts without, unless env
// sets them.
var deployVars = []string{
	"DEPLOY_TARGETS", "DEPLOY_ROLE", "DEPLOY_IMAGE", "DEPLOY_CONCURRENCY", "DEPLOY_TIMEOUT", "DEPLOY_ROLLBACK", "DEPLOY_CONFIRM", "DRY_RUN",
	"ECS_CLUSTER", "ECS_SERVICE", "ECS_CONTAINER", "LAMBDA_FUNCTION", "LAMBDA_ALIAS",
	"IMAGE_REPOSITORY", "IMAGE_TAG", "BUILD_CONTEXT", "DOCKERFILE", "IMAGE_PLATFORM", "CONTAINER_CLI", "ECR_REGIONS", "ECR_NO_CACHE",
}

// runStep runs step in a helper process with the sandbox's settings and
// env, and returns its standard output and error and whether it failed.
func runStep(t testing.TB, st *sandbox.State, step string, env map[string]string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDeployHelperProcess$")
	drop := append(slices.Clone(sandbox.UnsetVars), deployVars...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(drop, k) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, st.Env()...)
	cmd.Env = append(cmd.Env, deployHelperEnv+"="+step)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("%s %v:\nstdout:\n%s\nstderr:\n%s", step, env, stdout.String(), stderr.String())
	return stdout.String(), stderr.String(), err
}

// sandboxFleet is a fleet in the sandbox's two accounts and two regions,
// reached through the role godax-deployer, and an image pushed to the
// sandbox's registry for it.
type sandboxFleet struct {
	st      *sandbox.State
	places  []deploytest.Place
	arns    []string
	repo    string // HOST/REPO in the registry
	digest  string // the digest of repo:v1
	targets string // the ARNs, one a line, for DEPLOY_TARGETS
}

func newSandboxFleet(t *testing.T, services, functions int) sandboxFleet {
	t.Helper()
	st := sandboxtest.Require(t)
	ctx := context.Background()
	f := sandboxFleet{st: st, places: deploytest.RolePlaces(sandboxtest.AWSConfig(t, st), "godax-deployer",
		[]string{"111122223333", "444455556666"}, []string{"us-east-1", "eu-west-1"})}
	name := deploytest.Unique("godax-fleet")
	f.repo = st.RegistryHost() + "/" + name
	var err error
	if f.digest, err = deploytest.PushImage(ctx, nil, st.RegistryHost(), sandbox.RegistryUser, sandbox.RegistryPassword, name, "v1"); err != nil {
		t.Fatal(err)
	}
	if f.arns, err = deploytest.Fleet(ctx, f.places, name, services, functions, deploytest.RandomImage(f.repo)); err != nil {
		t.Fatal(err)
	}
	f.targets = "# a fleet made by " + t.Name() + "\n\n" + strings.Join(f.arns, "\n") + "\n"
	return f
}

// status reads what each of the fleet's targets runs.
func (f sandboxFleet) status(t *testing.T) []deploy.Status {
	t.Helper()
	targets, err := deploytest.Targets(f.places, map[string]deploy.Kind{"ecs": deploy.ECSKind(), "lambda": deploy.LambdaKind(deploy.WithAlias("live"))}, f.arns)
	if err != nil {
		t.Fatal(err)
	}
	sts, err := deploy.StatusAll(context.Background(), targets)
	if err != nil {
		t.Fatal(err)
	}
	return sts
}

// writeTargets writes text to a file and returns DEPLOY_TARGETS for it.
func writeTargets(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fleet.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return "@" + path
}

// revisions returns the task definitions of the fleet's services, in
// every account and region, so that a test sees whether a deploy
// registered one.
func (f sandboxFleet) revisions(t *testing.T) []string {
	t.Helper()
	var all []string
	family := f.repo[strings.LastIndex(f.repo, "/")+1:]
	for _, p := range f.places {
		pages := ecs.NewListTaskDefinitionsPaginator(ecs.NewFromConfig(p.Config), &ecs.ListTaskDefinitionsInput{})
		for pages.HasMorePages() {
			out, err := pages.NextPage(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, arn := range out.TaskDefinitionArns {
				if strings.Contains(arn, ":task-definition/"+family+"-") {
					all = append(all, arn)
				}
			}
		}
	}
	slices.Sort(all)
	return all
}

func TestDeploy_Sandbox_AMissingTargetChangesNothingAnywhereAndIsNamedOnItsLine(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 16, 8)
	missing := f.arns[0] + "-missing" // its cluster exists, the service does not
	env := map[string]string{
		"DEPLOY_TARGETS":  writeTargets(t, f.targets+missing+"  # does not exist\n"),
		"LAMBDA_FUNCTION": "nope",
		"DEPLOY_ROLE":     "godax-deployer",
		"DEPLOY_IMAGE":    f.repo + ":v1",
		"LAMBDA_ALIAS":    "live",
		"DEPLOY_TIMEOUT":  "60",
	}
	before, revisions := f.status(t), f.revisions(t)
	wantLines := []string{
		missing + ": ecs service " + strings.TrimPrefix(missing[strings.Index(missing, "service/"):], "service/") + " not found",
		"lambda function nope not found",
	}

	// A dry run lists every missing target, and a real run refuses the
	// whole fleet, naming each on a line of its own.
	for _, dry := range []string{"1", "0"} {
		env["DRY_RUN"] = dry
		stdout, stderr, err := runStep(t, f.st, "all", env)
		if err == nil {
			t.Fatalf("DRY_RUN=%s: deploy with missing targets succeeded", dry)
		}
		lines := strings.Split(stderr, "\n")
		for _, want := range wantLines {
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasSuffix(l, want) }) {
				t.Errorf("DRY_RUN=%s: no line of the error ends %q", dry, want)
			}
		}
		if dry == "0" && (!strings.Contains(stderr, "2 of 26 target(s) cannot be deployed to, so nothing was changed") || stdout != "") {
			t.Errorf("DRY_RUN=0: the error does not say that nothing changed, or a table was printed:\n%s", stdout)
		}
		if diff := cmp.Diff(before, f.status(t)); diff != "" {
			t.Errorf("DRY_RUN=%s: the fleet changed (-before +after):\n%s", dry, diff)
		}
		if diff := cmp.Diff(revisions, f.revisions(t)); diff != "" {
			t.Errorf("DRY_RUN=%s: task definitions were registered (-before +after):\n%s", dry, diff)
		}
	}

	// Without the missing targets, the whole fleet is promoted.
	delete(env, "DRY_RUN")
	delete(env, "LAMBDA_FUNCTION")
	env["DEPLOY_TARGETS"] = writeTargets(t, f.targets)
	stdout, _, err := runStep(t, f.st, "all", env)
	if err != nil {
		t.Fatal(err)
	}
	pinned := f.repo + "@" + f.digest
	for _, s := range f.status(t) {
		want := pinned
		if strings.Contains(s.Target, ":ecs:") {
			want = "app=" + pinned + ", sidecar=" + deploytest.Sidecar
		}
		if s.Image != want {
			t.Errorf("%s runs %s, want %s", s.Target, s.Image, want)
		}
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 1+len(f.arns) {
		t.Fatalf("table has %d lines, want a header and %d rows", len(lines), len(f.arns))
	}
	for i, arn := range f.arns {
		row := strings.Fields(lines[i+1])
		if row[0] != arn || row[len(row)-1] != "ok" || row[2] != pinned {
			t.Errorf("row %q, want %s ... %s ... ok", lines[i+1], arn, pinned)
		}
	}
}

func TestDeploy_Sandbox_AMissingFunctionStopsTheBuildPathBeforeARepositoryOrTagIsMade(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 1, 0)
	repo := deploytest.Unique("godax-never-pushed")
	revisions := f.revisions(t)
	_, stderr, err := runStep(t, f.st, "all", map[string]string{
		"DEPLOY_TARGETS": writeTargets(t, f.targets), "DEPLOY_ROLE": "godax-deployer",
		"LAMBDA_FUNCTION": "nope", "ECS_CONTAINER": "app", "IMAGE_REPOSITORY": repo, "IMAGE_TAG": "v1",
	})
	if err == nil || !strings.Contains(stderr, "1 of 2 target(s) cannot be deployed to, so nothing was built, pushed or changed:\nlambda function nope not found") {
		t.Fatalf("deploy to a missing function: %v; want it to fail naming the function before the build", err)
	}
	_, err = ecr.NewFromConfig(sandboxtest.RoleConfig(t, f.st)).DescribeRepositories(context.Background(),
		&ecr.DescribeRepositoriesInput{RepositoryNames: []string{repo}})
	if err == nil || !strings.Contains(err.Error(), "RepositoryNotFoundException") {
		t.Errorf("ECR repository %s: %v; want it never created", repo, err)
	}
	if code := registryStatus(t, f.st, "/v2/"+repo+"/tags/list"); code != http.StatusNotFound {
		t.Errorf("registry tags of %s: HTTP %d, want 404: nothing pushed", repo, code)
	}
	if diff := cmp.Diff(revisions, f.revisions(t)); diff != "" {
		t.Errorf("task definitions were registered (-before +after):\n%s", diff)
	}
}

// registryStatus returns the HTTP status of GET path on the sandbox's
// registry, signed in.
func registryStatus(t *testing.T, st *sandbox.State, path string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+st.RegistryHost()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sandbox.RegistryUser, string(sandbox.RegistryPassword))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestDeploy_Sandbox_DryRunPlansTheResolvedImageAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 2, 2)
	before := f.status(t)
	_, stderr, err := runStep(t, f.st, "deploy", map[string]string{
		"DEPLOY_TARGETS": writeTargets(t, f.targets), "DEPLOY_ROLE": "godax-deployer",
		"DEPLOY_IMAGE": f.repo + ":v1", "DRY_RUN": "1",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, arn := range f.arns {
		if !strings.Contains(stderr, arn) || strings.Count(stderr, "-> "+f.repo+"@"+f.digest) != len(f.arns) {
			t.Errorf("the plan does not show %s moving to %s@%s", arn, f.repo, f.digest)
		}
	}
	if diff := cmp.Diff(before, f.status(t)); diff != "" {
		t.Errorf("a dry run changed the targets (-before +after):\n%s", diff)
	}
}

func TestDeploy_Sandbox_DryRunWithoutDeployImageSaysWhichTagAndWhetherTheRegistryHasIt(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 1, 1)
	before := f.status(t)
	repo := strings.TrimPrefix(f.repo, f.st.RegistryHost()+"/")
	for tag, want := range map[string]string{
		"v1": "a real run would build and push " + f.repo + ":v1; the registry already holds it as " + f.digest,
		"v2": "a real run would build and push " + f.repo + ":v2; the registry does not hold it yet",
	} {
		_, stderr, err := runStep(t, f.st, "deploy", map[string]string{
			"DEPLOY_TARGETS": writeTargets(t, f.targets), "DEPLOY_ROLE": "godax-deployer",
			"IMAGE_REPOSITORY": repo, "IMAGE_TAG": tag, "DRY_RUN": "1",
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stderr, want) {
			t.Errorf("IMAGE_TAG=%s: the dry run does not say %q", tag, want)
		}
	}
	if diff := cmp.Diff(before, f.status(t)); diff != "" {
		t.Errorf("a dry run changed the targets (-before +after):\n%s", diff)
	}
}

func TestStatus_Sandbox_ShowsImageRevisionCountsAndAlias(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 1, 1)
	env := map[string]string{
		"DEPLOY_TARGETS": writeTargets(t, f.targets), "DEPLOY_ROLE": "godax-deployer",
		"DEPLOY_IMAGE": f.repo + "@" + f.digest, "LAMBDA_ALIAS": "live",
	}
	if _, _, err := runStep(t, f.st, "deploy", env); err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runStep(t, f.st, "status", env)
	if err != nil {
		t.Fatal(err)
	}
	pinned := f.repo + "@" + f.digest
	svc := strings.TrimPrefix(f.arns[0][strings.LastIndex(f.arns[0], "/"):], "/")
	for _, want := range []string{
		f.arns[0] + " app=" + pinned + ", sidecar=" + deploytest.Sidecar + " " + svc + ":2 1/1 running, 0 pending; no events",
		f.arns[1] + " " + pinned + " 1 alias live -> version 1; last update Successful",
	} {
		if !strings.Contains(strings.Join(strings.Fields(stdout), " "), want) {
			t.Errorf("status lacks %q", want)
		}
	}
}

func TestCheckDeploy_Sandbox_AContainerNoServiceHasStopsTheRunBeforeTheBuild(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 2, 1)
	env := map[string]string{
		"DEPLOY_TARGETS": writeTargets(t, f.targets), "DEPLOY_ROLE": "godax-deployer",
		"IMAGE_REPOSITORY": strings.TrimPrefix(f.repo, f.st.RegistryHost()+"/"), "IMAGE_TAG": "v3",
	}
	stdout, _, err := runStep(t, f.st, "check", env)
	if err != nil || !strings.Contains(stdout, "push: true") {
		t.Fatalf("check with good settings: %v, %q; want push: true", err, stdout)
	}
	env["ECS_CONTAINER"] = "nope"
	_, stderr, err := runStep(t, f.st, "check", env)
	if err == nil {
		t.Fatal("check with ECS_CONTAINER=nope succeeded")
	}
	for _, arn := range f.arns[:2] {
		if !strings.Contains(stderr, arn+": task definition ") || !strings.Contains(stderr, `no container named "nope" (containers: app, sidecar)`) {
			t.Errorf("the error does not name %s and the missing container", arn)
		}
	}
}

func TestDeploy_Sandbox_AServiceGivenAsARNAndAsShorthandIsDeployedToOnce(t *testing.T) {
	t.Parallel()
	f := newSandboxFleet(t, 1, 0) // in the caller's account and region
	name := f.arns[0][strings.LastIndex(f.arns[0], "/")+1:]
	before := f.revisions(t)
	stdout, stderr, err := runStep(t, f.st, "all", map[string]string{
		"DEPLOY_TARGETS": f.arns[0], "DEPLOY_ROLE": "godax-deployer", "DEPLOY_IMAGE": f.repo + ":v1",
		"ECS_CLUSTER": name, "ECS_SERVICE": name, "DEPLOY_TIMEOUT": "60",
	})
	if err != nil {
		t.Fatal(err)
	}
	after := f.revisions(t)
	if len(after) != len(before)+1 {
		t.Errorf("task definitions %q after the deploy, were %q; want exactly one more", after, before)
	}
	if rows := strings.Split(strings.TrimSpace(stdout), "\n"); len(rows) != 2 {
		t.Errorf("table:\n%s\nwant a header and one row", stdout)
	}
	if want := "ecs service " + name + "/" + name + " (ECS_CLUSTER/ECS_SERVICE) is " + f.arns[0] + " (DEPLOY_TARGETS line 1) again; deploying to it once"; strings.Count(stderr, want) != 1 {
		t.Errorf("the warning %q shows %d times, want once", want, strings.Count(stderr, want))
	}
}
