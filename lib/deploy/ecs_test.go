package deploy

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	repo     = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web"
	digestB  = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	sidecarI = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
)

// webTaskDefinition returns a task definition with an app container in
// repo, a sidecar from elsewhere, and fields set beyond the containers.
func webTaskDefinition() types.TaskDefinition {
	return types.TaskDefinition{
		Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{
			{Name: aws.String("app"), Image: aws.String(repo + ":v1"), Essential: aws.Bool(true), Memory: aws.Int32(256),
				Environment:  []types.KeyValuePair{{Name: aws.String("MODE"), Value: aws.String("prod")}},
				PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080)}}},
			{Name: aws.String("otel"), Image: aws.String(sidecarI), Essential: aws.Bool(false)},
		},
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		NetworkMode:             types.NetworkModeAwsvpc,
		ExecutionRoleArn:        aws.String("arn:aws:iam::111122223333:role/exec"),
		TaskRoleArn:             aws.String("arn:aws:iam::111122223333:role/task"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Compatibilities:         []types.Compatibility{types.CompatibilityEc2, types.CompatibilityFargate},
		RequiresAttributes:      []types.Attribute{{Name: aws.String("com.amazonaws.ecs.capability.ecr-auth")}},
		RegisteredAt:            aws.Time(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		Volumes:                 []types.Volume{{Name: aws.String("scratch")}},
	}
}

var webTags = []types.Tag{{Key: aws.String("team"), Value: aws.String("payments")}}

func mustImage(t *testing.T, ref string) Image {
	t.Helper()
	img, err := ParseImage(ref)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func newTestECS(t *testing.T, f *fakeECS, opts ...ECSOption) (*ECS, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	opts = append([]ECSOption{WithProgress(out), WithPollInterval(time.Millisecond, 5*time.Millisecond)}, opts...)
	d, err := NewECS(f, f.cluster, aws.ToString(f.service.ServiceName), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d, out
}

// fill sets every exported field of the struct v points at to a value
// that is not zero.
func fill(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.String:
			f.SetString("x")
		case reflect.Int32, reflect.Int64, reflect.Int:
			f.SetInt(7)
		case reflect.Bool:
			f.SetBool(true)
		default:
			panic("fill: unhandled kind " + f.Kind().String() + " of " + v.Type().Field(i).Name)
		}
	}
}

func TestRegistration_CopiesEveryFieldExceptTheOnesECSRefuses(t *testing.T) {
	t.Parallel()
	var td types.TaskDefinition
	fill(reflect.ValueOf(&td).Elem())
	in := registration(&td, webTags)

	src, dst := reflect.ValueOf(td), reflect.ValueOf(*in)
	for i := range src.NumField() {
		name := src.Type().Field(i).Name
		if !src.Type().Field(i).IsExported() {
			continue
		}
		got := dst.FieldByName(name)
		if slices.Contains(droppedFields, name) {
			if got.IsValid() && !got.IsZero() {
				t.Errorf("field %s: ECS refuses it on registration, but it was copied", name)
			}
			continue
		}
		if !got.IsValid() {
			t.Errorf("field %s: RegisterTaskDefinitionInput has no such field; add it to droppedFields if ECS refuses it", name)
			continue
		}
		if !reflect.DeepEqual(src.Field(i).Interface(), got.Interface()) {
			t.Errorf("field %s: not copied (registration copies every field it does not drop)", name)
		}
	}
	if diff := cmp.Diff(webTags, in.Tags, cmpopts.IgnoreUnexported(types.Tag{})); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

func TestRegistration_LeavesTheCurrentDefinitionUnchanged(t *testing.T) {
	t.Parallel()
	td := webTaskDefinition()
	in := registration(&td, nil)
	in.ContainerDefinitions[0].Image = aws.String("changed")
	if got := aws.ToString(td.ContainerDefinitions[0].Image); got != repo+":v1" {
		t.Errorf("current definition's image = %q after changing the copy, want %q", got, repo+":v1")
	}
	if in.Tags != nil {
		t.Errorf("tags = %v, want nil when the definition has none (ECS refuses an empty list)", in.Tags)
	}
}

func TestPickContainer_ChoosesByRepositoryOrName(t *testing.T) {
	t.Parallel()
	cs := []types.ContainerDefinition{
		{Name: aws.String("app"), Image: aws.String("127.0.0.1:5000/godax-demo@" + digestA)},
		{Name: aws.String("worker"), Image: aws.String("127.0.0.1:5000/godax-demo-worker:v2")},
		{Name: aws.String("proxy"), Image: aws.String("127.0.0.1:5000/godax-demo:old")},
	}
	tests := []struct {
		name, container, repository string
		want                        int
		wantErr                     string
	}{
		{name: "the only container in the repository", repository: "127.0.0.1:5000/godax-demo-worker", want: 1},
		{name: "a container named explicitly", container: "proxy", repository: "127.0.0.1:5000/elsewhere", want: 2},
		{name: "two containers in the repository", repository: "127.0.0.1:5000/godax-demo", want: -1, wantErr: "containers app, proxy all use repository"},
		{name: "no container in the repository", repository: "127.0.0.1:5000/other", want: -1, wantErr: "no container uses repository 127.0.0.1:5000/other (containers: app, worker, proxy)"},
		{name: "an unknown name", container: "api", repository: "127.0.0.1:5000/godax-demo", want: -1, wantErr: `no container named "api"`},
	}
	for _, tt := range tests {
		got, err := pickContainer(cs, tt.container, tt.repository)
		if got != tt.want {
			t.Errorf("%s: index %d, want %d", tt.name, got, tt.want)
		}
		if tt.wantErr == "" && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.wantErr != "" && (!errors.Is(err, ErrNoContainer) || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: error %v, want ErrNoContainer containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestECSPlan_ShowsOldAndNewImageAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), webTags)
	d, _ := newTestECS(t, f)
	got, err := d.Plan(context.Background(), mustImage(t, repo+"@"+digestB))
	if err != nil {
		t.Fatal(err)
	}
	want := Plan{
		Target: "ecs service prod/web", Change: "container app",
		Revision: "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
		OldImage: repo + ":v1", NewImage: repo + "@" + digestB,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	wantLine := "ecs service prod/web (container app), now web:1: " + repo + ":v1 -> " + repo + "@" + digestB
	if diff := cmp.Diff(wantLine, got.String()); diff != "" {
		t.Errorf("plan line (-want +got):\n%s", diff)
	}
	if len(f.registered) != 0 || len(f.updates) != 0 {
		t.Errorf("plan registered %d definitions and updated the service %d times, want none", len(f.registered), len(f.updates))
	}
}

func TestECSDeploy_RegistersACopyWithTheNewImageAndWaitsUntilStable(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), webTags)
	polls := 0
	f.describe = func(s *types.Service) {
		if len(f.updates) == 0 {
			return
		}
		// The new deployment starts beside the old one, then replaces it.
		polls++
		switch polls {
		case 1:
			s.Deployments = []types.Deployment{{Status: aws.String("PRIMARY"), RolloutState: types.DeploymentRolloutStateInProgress}, {Status: aws.String("ACTIVE")}}
			s.RunningCount = 0
		case 2:
			s.Events = append([]types.ServiceEvent{{Id: aws.String("e1"), Message: aws.String("(service web) has started 1 tasks")}}, s.Events...)
		default:
			s.Deployments = []types.Deployment{{Status: aws.String("PRIMARY"), RolloutState: types.DeploymentRolloutStateCompleted}}
			s.RunningCount = 1
		}
	}
	d, out := newTestECS(t, f)
	res, err := d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
	if err != nil {
		t.Fatalf("deploy: %v\nprogress:\n%s", err, out)
	}

	want := registration(new(webTaskDefinition()), webTags)
	want.ContainerDefinitions[0].Image = aws.String(repo + "@" + digestB)
	if len(f.registered) != 1 {
		t.Fatalf("registered %d task definitions, want 1", len(f.registered))
	}
	if diff := cmp.Diff(want, f.registered[0], cmpopts.IgnoreUnexported(ecs.RegisterTaskDefinitionInput{}, types.ContainerDefinition{}, types.KeyValuePair{}, types.PortMapping{}, types.Volume{}, types.Tag{})); diff != "" {
		t.Errorf("registered definition (-want +got):\n%s", diff)
	}
	newARN := "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2"
	if diff := cmp.Diff([]string{newARN}, f.updates); diff != "" {
		t.Errorf("service updates (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("ecs service prod/web runs "+repo+"@"+digestB+" as web:2", res.String()); diff != "" {
		t.Errorf("result line (-want +got):\n%s", diff)
	}
	if res.NewRevision != newARN || res.RolledBack {
		t.Errorf("result: new task definition %q, rolled back %v; want %q, false", res.NewRevision, res.RolledBack, newARN)
	}
	wantOut := strings.Join([]string{
		"ecs service prod/web: registered web:2",
		"ecs service prod/web: 0/1 running, 0 pending, 2 deployment(s), rollout in_progress",
		"ecs service prod/web: event: (service web) has started 1 tasks",
		"ecs service prod/web: 1/1 running, 0 pending, 1 deployment(s), rollout completed",
		"ecs service prod/web: stable on web:2",
		"",
	}, "\n")
	if diff := cmp.Diff(wantOut, out.String()); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestECSDeploy_WithoutAMatchingContainerRegistersNothing(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	d, _ := newTestECS(t, f)
	_, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/other@"+digestB))
	if !errors.Is(err, ErrNoContainer) {
		t.Fatalf("error %v, want ErrNoContainer", err)
	}
	if want := "ecs service prod/web: task definition web:1: no container to update: no container uses repository 127.0.0.1:5000/other (containers: app, otel); name the container to update"; err.Error() != want {
		t.Errorf("error\n got %s\nwant %s", err, want)
	}
	if len(f.registered) != 0 || len(f.updates) != 0 {
		t.Errorf("registered %d definitions and updated the service %d times, want none", len(f.registered), len(f.updates))
	}
}

func TestECSDeploy_NamedContainerGetsTheImage(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	d, _ := newTestECS(t, f, WithContainer("otel"))
	res, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/otel@"+digestB))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{aws.ToString(f.registered[0].ContainerDefinitions[0].Image), aws.ToString(f.registered[0].ContainerDefinitions[1].Image)}
	if diff := cmp.Diff([]string{repo + ":v1", "127.0.0.1:5000/otel@" + digestB}, got); diff != "" {
		t.Errorf("container images (-want +got):\n%s", diff)
	}
	if res.Change != "container otel" || res.OldImage != sidecarI {
		t.Errorf("plan change %q old image %q, want container otel, %q", res.Change, res.OldImage, sidecarI)
	}
}

func TestECSDeploy_UnknownClusterOrServiceIsNotFound(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	tests := map[[2]string]string{
		{"nope", "web"}:  "ecs cluster nope not found",
		{"prod", "nope"}: "ecs service prod/nope not found",
	}
	for target, want := range tests {
		d, err := NewECS(f, target[0], target[1])
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
		var nf *NotFoundError
		if !errors.As(err, &nf) || err.Error() != want {
			t.Errorf("%v: error %v, want NotFoundError %q", target, err, want)
		}
	}
	if len(f.registered) != 0 {
		t.Errorf("registered %d task definitions, want none", len(f.registered))
	}
}

// neverStable keeps a service one task short of its desired count.
func neverStable(s *types.Service) {
	s.DesiredCount, s.RunningCount = 2, 1
}

func TestECSDeploy_TimeoutIsReportedAsATimeoutAndLeavesTheNewRevision(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	f.describe = neverStable
	d, _ := newTestECS(t, f, WithTimeout(50*time.Millisecond))
	res, err := d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a TimeoutError", err)
	}
	want := "ecs service prod/web: timed out after 50ms waiting for the rollout (last status: 1/2 running, 0 pending, 1 deployment(s), rollout completed)"
	if err.Error() != want {
		t.Errorf("error\n got %s\nwant %s", err, want)
	}
	if res.RolledBack || len(f.updates) != 1 {
		t.Errorf("rolled back %v, service updates %v; want no rollback", res.RolledBack, f.updates)
	}
}

func TestECSDeploy_RollbackPointsTheServiceBackAfterATimeout(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	f.describe = neverStable
	d, _ := newTestECS(t, f, WithTimeout(30*time.Millisecond), WithRollback(true))
	res, err := d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasSuffix(err.Error(), "; rolled the service back to web:1") {
		t.Fatalf("error %v, want a timeout that says the service was rolled back to web:1", err)
	}
	want := []string{
		"arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2",
		"arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
	}
	if diff := cmp.Diff(want, f.updates); diff != "" {
		t.Errorf("service updates (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("ecs service prod/web is back on web:1 (web:2 did not roll out)", res.String()); diff != "" {
		t.Errorf("result line (-want +got):\n%s", diff)
	}
	if !res.RolledBack || aws.ToString(f.service.TaskDefinition) != want[1] {
		t.Errorf("rolled back %v, service on %s; want true, %s", res.RolledBack, aws.ToString(f.service.TaskDefinition), want[1])
	}
}

func TestECSDeploy_FailedRolloutSaysWhyAndRollsBack(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	f.describe = func(s *types.Service) {
		s.RunningCount = 0
		s.Deployments = []types.Deployment{{Id: aws.String("ecs-svc/1"), Status: aws.String("PRIMARY"), RolloutState: types.DeploymentRolloutStateFailed,
			RolloutStateReason: aws.String("ECS deployment circuit breaker: tasks failed to start.")}}
	}
	d, _ := newTestECS(t, f, WithRollback(true))
	_, err := d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
	want := "ecs service prod/web: rollout failed: deployment ecs-svc/1 failed: ECS deployment circuit breaker: tasks failed to start.; rolled the service back to web:1"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Error("a failed rollout is reported as a timeout")
	}
}

func TestECSDeploy_ServiceDeletedWhileWaitingIsAFailure(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	f.describe = func(s *types.Service) {
		if len(f.updates) > 0 {
			s.Status = aws.String("DRAINING")
		}
	}
	d, _ := newTestECS(t, f)
	_, err := d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
	if want := "ecs service prod/web: rollout failed: the service is draining"; err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
}

func TestNewECS_RejectsBadSettingsBeforeAnyCall(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	tests := []struct {
		cluster, service string
		opts             []ECSOption
		want             string
	}{
		{"prod", "", nil, `ecs deploy: cluster "prod" and service "" must both be set`},
		{"prod", "web", []ECSOption{WithTimeout(0)}, "ecs deploy prod/web: deploy timeout 0s: must be positive"},
		{"prod", "web", []ECSOption{WithPollInterval(time.Second, time.Millisecond)}, "ecs deploy prod/web: deploy poll interval 1s to 1ms: want 0 < min <= max"},
	}
	for _, tt := range tests {
		_, err := NewECS(f, tt.cluster, tt.service, tt.opts...)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewECS(%q, %q): error %v, want %q", tt.cluster, tt.service, err, tt.want)
		}
	}
	d, _ := newTestECS(t, f)
	if _, err := d.Deploy(context.Background(), Image{}); err == nil || !strings.Contains(err.Error(), "no image to deploy") {
		t.Errorf("deploy of the zero image: error %v, want no image to deploy", err)
	}
	if len(f.registered) != 0 {
		t.Errorf("registered %d task definitions, want none", len(f.registered))
	}
}

func TestECSStatus_ReportsTaskDefinitionImagesAndCounts(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	d, _ := newTestECS(t, f)
	got, err := d.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Status{
		Target: "ecs service prod/web", Revision: "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
		Image:  "app=" + repo + ":v1, otel=" + sidecarI,
		Detail: "1/1 running, 0 pending; last event: an event from before",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	wantLine := "ecs service prod/web -> web:1 -> app=" + repo + ":v1, otel=" + sidecarI + " (1/1 running, 0 pending; last event: an event from before)"
	if diff := cmp.Diff(wantLine, got.String()); diff != "" {
		t.Errorf("status line (-want +got):\n%s", diff)
	}
}

func TestECSDeploy_SameImageRegistersNothingAndConfirmsStable(t *testing.T) {
	t.Parallel()
	td := webTaskDefinition()
	td.ContainerDefinitions[0].Image = aws.String(repo + "@" + digestB)
	f := newFakeECS("prod", "web", td, webTags)
	d, out := newTestECS(t, f, WithRollback(true))
	img := mustImage(t, repo+"@"+digestB)

	plan, err := d.Plan(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	wantPlan := "ecs service prod/web (container app), now web:1: already runs " + repo + "@" + digestB + "; nothing to change"
	if diff := cmp.Diff(wantPlan, plan.String()); diff != "" {
		t.Errorf("plan line (-want +got):\n%s", diff)
	}

	res, err := d.Deploy(context.Background(), img)
	if err != nil {
		t.Fatalf("deploy: %v\nprogress:\n%s", err, out)
	}
	if len(f.registered) != 0 || len(f.updates) != 0 {
		t.Errorf("registered %d definitions and updated the service %d times, want none", len(f.registered), len(f.updates))
	}
	if !res.Unchanged || res.RolledBack || res.NewRevision != res.Revision {
		t.Errorf("result: unchanged %v, rolled back %v, new %q, old %q; want true, false, new == old",
			res.Unchanged, res.RolledBack, res.NewRevision, res.Revision)
	}
	if diff := cmp.Diff("ecs service prod/web runs "+repo+"@"+digestB+" as web:1 (unchanged)", res.String()); diff != "" {
		t.Errorf("result line (-want +got):\n%s", diff)
	}
	if !strings.Contains(out.String(), "web:1 already runs "+repo+"@"+digestB+"; registering nothing") {
		t.Errorf("progress does not say nothing was registered:\n%s", out)
	}
}
