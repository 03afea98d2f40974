package deploy

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The integration tests talk to the sandbox's moto, started with
// MOTO_ECS_SERVICE_RUNNING=1, so a service whose desired count is 1 becomes
// stable and one whose desired count is 2 never does. Deploying needs no
// registry, so the images are digest references made up here. moto's state
// is shared, so every test uses names of its own.

const sandboxRepo = "127.0.0.1:5000/godax-deploy-test"

// unique returns prefix with a random suffix.
func unique(prefix string) string { return prefix + "-" + strings.ToLower(rand.Text()[:10]) }

// randomImage returns a made-up image in sandboxRepo.
func randomImage(t *testing.T) Image {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return mustImage(t, fmt.Sprintf("%s@sha256:%x", sandboxRepo, b))
}

type ecsTarget struct {
	client           *ecs.Client
	cluster, service string
	family           string
}

// newECSTarget creates a cluster and a service with desired tasks running
// a task definition with an app container in sandboxRepo, a sidecar, tags
// and settings beyond the containers.
func newECSTarget(t *testing.T, desired int32) ecsTarget {
	t.Helper()
	ctx := context.Background()
	c := ecs.NewFromConfig(sandboxConfig(t))
	tt := ecsTarget{client: c, cluster: unique("cluster"), service: unique("svc"), family: unique("family")}
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: &tt.cluster}); err != nil {
		t.Fatal(err)
	}
	reg, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: &tt.family,
		ContainerDefinitions: []types.ContainerDefinition{
			{Name: aws.String("app"), Image: aws.String(sandboxRepo + ":v1"), Essential: aws.Bool(true), Memory: aws.Int32(128),
				Environment:  []types.KeyValuePair{{Name: aws.String("MODE"), Value: aws.String("test")}},
				PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080), Protocol: types.TransportProtocolTcp}},
				Command:      []string{"/app", "--serve"}},
			{Name: aws.String("sidecar"), Image: aws.String("127.0.0.1:5000/sidecar:v3"), Essential: aws.Bool(false), Memory: aws.Int32(64)},
		},
		Cpu:              aws.String("256"),
		Memory:           aws.String("512"),
		NetworkMode:      types.NetworkModeBridge,
		ExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/exec"),
		TaskRoleArn:      aws.String("arn:aws:iam::123456789012:role/task"),
		Volumes:          []types.Volume{{Name: aws.String("scratch")}},
		Tags:             []types.Tag{{Key: aws.String("team"), Value: aws.String("godax")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: &tt.cluster, ServiceName: &tt.service, DesiredCount: aws.Int32(desired),
		TaskDefinition: reg.TaskDefinition.TaskDefinitionArn,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

// serviceDefinition returns the service's task definition and its tags.
func (tt ecsTarget) serviceDefinition(t *testing.T) (*types.TaskDefinition, []types.Tag) {
	t.Helper()
	ctx := context.Background()
	svc, err := tt.client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &tt.cluster, Services: []string{tt.service}})
	if err != nil || len(svc.Services) != 1 {
		t.Fatalf("describe service: %v %v", svc, err)
	}
	td, err := tt.client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: svc.Services[0].TaskDefinition, Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	return td.TaskDefinition, td.Tags
}

// current returns the ARN of the task definition the service runs.
func (tt ecsTarget) current(t *testing.T) string {
	t.Helper()
	td, _ := tt.serviceDefinition(t)
	return aws.ToString(td.TaskDefinitionArn)
}

// revisions returns the ARNs registered in the target's family. Tests
// compare them with an earlier list rather than count them: a count also
// includes a request of the setup's that reached moto twice.
func (tt ecsTarget) revisions(t *testing.T) []string {
	t.Helper()
	out, err := tt.client.ListTaskDefinitions(context.Background(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: &tt.family})
	if err != nil {
		t.Fatal(err)
	}
	return out.TaskDefinitionArns
}

func (tt ecsTarget) deployer(t *testing.T, opts ...ECSOption) *ECS {
	t.Helper()
	opts = append([]ECSOption{WithPollInterval(100*time.Millisecond, 200*time.Millisecond), WithTimeout(30 * time.Second), WithProgress(t.Output())}, opts...)
	d, err := NewECS(tt.client, tt.cluster, tt.service, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ignoreRegistration ignores what registering changes in a task
// definition: the fields ECS sets itself.
var ignoreRegistration = cmpopts.IgnoreFields(types.TaskDefinition{}, droppedFields...)

var ignoreUnexported = cmpopts.IgnoreUnexported(types.TaskDefinition{}, types.ContainerDefinition{}, types.KeyValuePair{},
	types.PortMapping{}, types.Volume{}, types.Tag{}, types.Attribute{})

func TestECSDeploy_Sandbox_MovesTheServiceToANewRevisionThatDiffersOnlyInTheImage(t *testing.T) {
	t.Parallel()
	tt := newECSTarget(t, 1)
	before, beforeTags := tt.serviceDefinition(t)
	img := randomImage(t)

	res, err := tt.deployer(t).Deploy(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	after, afterTags := tt.serviceDefinition(t)
	if after.Revision != before.Revision+1 || res.NewRevision != aws.ToString(after.TaskDefinitionArn) {
		t.Errorf("service on revision %d (%s), want %d (%s)", after.Revision, aws.ToString(after.TaskDefinitionArn), before.Revision+1, res.NewRevision)
	}
	if got := aws.ToString(after.ContainerDefinitions[0].Image); got != img.String() {
		t.Errorf("app image %q, want %q", got, img)
	}
	want := *before
	want.ContainerDefinitions = append([]types.ContainerDefinition(nil), before.ContainerDefinitions...)
	want.ContainerDefinitions[0].Image = aws.String(img.String())
	if diff := cmp.Diff(&want, after, ignoreRegistration, ignoreUnexported); diff != "" {
		t.Errorf("new revision differs beyond the image (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(beforeTags, afterTags, ignoreUnexported); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if aws.ToString(before.ContainerDefinitions[1].Image) != aws.ToString(after.ContainerDefinitions[1].Image) {
		t.Errorf("sidecar image changed")
	}
}

func TestECSDeploy_Sandbox_SameDigestTwiceRegistersOneRevision(t *testing.T) {
	t.Parallel()
	tt := newECSTarget(t, 1)
	img := randomImage(t)
	first, err := tt.deployer(t).Deploy(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	// Compare with the state after the first deploy rather than with fixed
	// revision numbers: those count every registration moto received.
	before := tt.revisions(t)
	res, err := tt.deployer(t).Deploy(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unchanged || res.NewRevision != first.NewRevision {
		t.Errorf("second deploy of %s: unchanged %v, on %s; want true, on %s", img, res.Unchanged, res.NewRevision, first.NewRevision)
	}
	if diff := cmp.Diff(before, tt.revisions(t)); diff != "" {
		t.Errorf("revisions changed by the second deploy (-before +after):\n%s", diff)
	}
	if got := tt.current(t); got != first.NewRevision {
		t.Errorf("service on %s, want %s", got, first.NewRevision)
	}
}

func TestECSPlan_Sandbox_ChangesNothing(t *testing.T) {
	t.Parallel()
	tt := newECSTarget(t, 1)
	revs, current := tt.revisions(t), tt.current(t)
	img := randomImage(t)
	plan, err := tt.deployer(t).Plan(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if plan.OldImage != sandboxRepo+":v1" || plan.NewImage != img.String() || plan.Change != "container app" {
		t.Errorf("plan %s: want app, %s:v1 -> %s", plan, sandboxRepo, img)
	}
	if diff := cmp.Diff(revs, tt.revisions(t)); diff != "" {
		t.Errorf("revisions changed by a plan (-before +after):\n%s", diff)
	}
	if got := tt.current(t); got != current {
		t.Errorf("service on %s after a plan, want %s", got, current)
	}
}

func TestECSDeploy_Sandbox_UnknownClusterOrServiceFailsAndRegistersNothing(t *testing.T) {
	t.Parallel()
	tt := newECSTarget(t, 1)
	revs := tt.revisions(t)
	for _, target := range [][2]string{{unique("no-cluster"), tt.service}, {tt.cluster, unique("no-service")}} {
		d, err := NewECS(tt.client, target[0], target[1])
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Deploy(context.Background(), randomImage(t))
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("deploy to %s/%s: error %v, want NotFoundError", target[0], target[1], err)
		}
		t.Logf("deploy to %s/%s: %v", target[0], target[1], err)
	}
	if diff := cmp.Diff(revs, tt.revisions(t)); diff != "" {
		t.Errorf("revisions changed by failed deploys (-before +after):\n%s", diff)
	}
}

func TestECSDeploy_Sandbox_ServiceThatNeverStabilizesTimesOut(t *testing.T) {
	t.Parallel()
	tt := newECSTarget(t, 2)
	res, err := tt.deployer(t, WithTimeout(time.Second)).Deploy(context.Background(), randomImage(t))
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("error %v, want a TimeoutError", err)
	}
	want := fmt.Sprintf("ecs service %s/%s: timed out after 1s waiting for the rollout (last status: 1/2 running", tt.cluster, tt.service)
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error\n got %s\nwant prefix %s", err, want)
	}
	if got := tt.current(t); got != res.NewRevision {
		t.Errorf("service on %s without rollback, want the new %s", got, res.NewRevision)
	}
}

func TestECSDeploy_Sandbox_RollbackRestoresThePreviousRevision(t *testing.T) {
	t.Parallel()
	tt := newECSTarget(t, 2)
	before, _ := tt.serviceDefinition(t)
	revs := tt.revisions(t)
	res, err := tt.deployer(t, WithTimeout(time.Second), WithRollback(true)).Deploy(context.Background(), randomImage(t))
	if !errors.Is(err, context.DeadlineExceeded) || !res.RolledBack {
		t.Fatalf("error %v, rolled back %v; want a timeout and a rollback", err, res.RolledBack)
	}
	after, _ := tt.serviceDefinition(t)
	if diff := cmp.Diff(aws.ToString(before.TaskDefinitionArn), aws.ToString(after.TaskDefinitionArn)); diff != "" {
		t.Errorf("service task definition after rollback (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append(revs, res.NewRevision), tt.revisions(t)); diff != "" {
		t.Errorf("revisions: want those before and the one rolled back from (-want +got):\n%s", diff)
	}
}

// newLambdaFunction creates an Image function running a made-up image,
// with a role to run as, and returns its name and image.
func newLambdaFunction(t *testing.T) (*lambda.Client, string, Image) {
	t.Helper()
	ctx := context.Background()
	cfg := sandboxConfig(t)
	trust, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect": "Allow", "Action": "sts:AssumeRole",
			"Principal": map[string]string{"Service": "lambda.amazonaws.com"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(unique("role")), AssumeRolePolicyDocument: aws.String(string(trust))})
	if err != nil {
		t.Fatal(err)
	}
	c := lambda.NewFromConfig(cfg)
	name, img := unique("fn"), randomImage(t)
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: &name, PackageType: lambdatypes.PackageTypeImage, Role: role.Role.Arn,
		Code: &lambdatypes.FunctionCode{ImageUri: aws.String(img.String())},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, name, img
}

func imageURI(t *testing.T, c *lambda.Client, name, qualifier string) string {
	t.Helper()
	in := &lambda.GetFunctionInput{FunctionName: &name}
	if qualifier != "" {
		in.Qualifier = &qualifier
	}
	out, err := c.GetFunction(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Code.ImageUri)
}

func TestLambdaDeploy_Sandbox_FunctionRunsTheDigestReferenceAndTheAliasFollows(t *testing.T) {
	t.Parallel()
	c, name, _ := newLambdaFunction(t)
	img := randomImage(t)
	d, err := NewLambda(c, name, WithAlias("live"), WithPollInterval(100*time.Millisecond, 200*time.Millisecond), WithProgress(t.Output()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Deploy(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if got := imageURI(t, c, name, ""); got != img.String() {
		t.Errorf("ImageUri %q, want %q", got, img)
	}
	if got := imageURI(t, c, name, "live"); got != img.String() {
		t.Errorf("alias live runs %q, want %q", got, img)
	}
	st, err := d.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Revision != res.NewRevision || res.NewRevision == "" || res.NewRevision == "$LATEST" {
		t.Errorf("alias on version %q, deploy published %q", st.Revision, res.NewRevision)
	}
}

func TestLambdaPlan_Sandbox_ChangesNothing(t *testing.T) {
	t.Parallel()
	c, name, old := newLambdaFunction(t)
	d, err := NewLambda(c, name, WithAlias("live"))
	if err != nil {
		t.Fatal(err)
	}
	img := randomImage(t)
	plan, err := d.Plan(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Plan{Target: "lambda function " + name, OldImage: old.String(), NewImage: img.String(), Change: "publish a version and point alias live at it"}, plan); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if got := imageURI(t, c, name, ""); got != old.String() {
		t.Errorf("ImageUri %q after a plan, want %q", got, old)
	}
	if _, err := c.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: &name, Name: aws.String("live")}); err == nil {
		t.Error("a plan created the alias")
	}
}

func TestLambdaDeploy_Sandbox_UnknownFunctionIsNotFound(t *testing.T) {
	t.Parallel()
	c := lambda.NewFromConfig(sandboxConfig(t))
	d, err := NewLambda(c, unique("no-fn"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Deploy(context.Background(), randomImage(t))
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error %v, want NotFoundError", err)
	}
}

func TestLambdaRollback_Sandbox_PointsTheAliasBackAtThePreviousVersion(t *testing.T) {
	t.Parallel()
	c, name, _ := newLambdaFunction(t)
	d, err := NewLambda(c, name, WithAlias("live"), WithRollback(true), WithPollInterval(100*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// moto answers GetFunction with $LATEST's image whatever the
	// qualifier, so the alias is followed by its version number.
	aliasVersion := func() string {
		t.Helper()
		alias, err := c.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: &name, Name: aws.String("live")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(alias.FunctionVersion)
	}
	first, err := d.Deploy(context.Background(), randomImage(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := d.Deploy(context.Background(), randomImage(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := aliasVersion(); got != second.NewRevision || second.Revision != first.NewRevision || got == first.NewRevision {
		t.Fatalf("alias on version %s after the second deploy, which moved it from %s to %s; the first published %s", got, second.Revision, second.NewRevision, first.NewRevision)
	}
	if err := d.Rollback(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	if got := aliasVersion(); got != first.NewRevision {
		t.Errorf("alias on version %s after the rollback, want %s", got, first.NewRevision)
	}
}
