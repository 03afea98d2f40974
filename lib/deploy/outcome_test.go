package deploy

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
)

func TestRunAll_AnInterruptedWaitAfterTheUpdateIsUnknownNotFailed(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	f.describe = func(s *types.Service) {
		neverStable(s)
		if len(f.updates) > 0 { // the update reached ECS; now the run is interrupted
			cancel()
		}
	}
	d, _ := newTestECS(t, f)
	outcomes, err := RunAll(ctx, []Target{d}, mustImage(t, repo+"@"+digestB))
	if err == nil || len(f.updates) != 1 {
		t.Fatalf("error %v, updates %v; want an interrupted deploy after one update", err, f.updates)
	}
	if diff := cmp.Diff("unknown", outcomes[0].Status()); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, outcomes); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(b.String()), "unknown: the change may have been applied") {
		t.Errorf("table:\n%s\nwant the row to say the change may have been applied", b.String())
	}
}

func TestRunAll_ATimedOutOrRefusedUpdateIsFailed(t *testing.T) {
	t.Parallel()
	slow := newFakeECS("prod", "web", webTaskDefinition(), nil)
	slow.describe = neverStable
	d1, _ := newTestECS(t, slow, WithTimeout(30*time.Millisecond))
	refused := &refusingECS{newFakeECS("prod", "api", webTaskDefinition(), nil)}
	d2, err := NewECS(refused, "prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	outcomes, _ := RunAll(context.Background(), []Target{d1, d2}, mustImage(t, repo+"@"+digestB))
	got := []string{outcomes[0].Status(), outcomes[1].Status()}
	if !strings.Contains(outcomes[1].Err.Error(), "update service") {
		t.Errorf("error %v, want UpdateService's", outcomes[1].Err)
	}
	if diff := cmp.Diff([]string{"failed", "failed"}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

// refusingECS is a fakeECS whose UpdateService AWS refuses.
type refusingECS struct{ *fakeECS }

func (refusingECS) UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return nil, &types.AccessDeniedException{Message: aws.String("not allowed")}
}

// frozenECS is a fakeECS whose calls named in frozen hang until their
// context ends, as an API that stopped answering does.
type frozenECS struct {
	*fakeECS
	frozen func(call string) bool
}

func (f *frozenECS) freeze(ctx context.Context, call string) error {
	if !f.frozen(call) {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func (f *frozenECS) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, o ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	if err := f.freeze(ctx, "DescribeServices"); err != nil {
		return nil, err
	}
	return f.fakeECS.DescribeServices(ctx, in, o...)
}

func (f *frozenECS) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, o ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	if err := f.freeze(ctx, "UpdateService"); err != nil {
		return nil, err
	}
	return f.fakeECS.UpdateService(ctx, in, o...)
}

func TestECSDeploy_TheTimeoutBoundsEachCallOfAFrozenAPI(t *testing.T) {
	t.Parallel()
	f := &frozenECS{fakeECS: newFakeECS("prod", "web", webTaskDefinition(), nil), frozen: func(string) bool { return true }}
	d, err := NewECS(f, "prod", "web", WithTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	outcomes, _ := RunAll(context.Background(), []Target{d}, mustImage(t, repo+"@"+digestB))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a frozen DescribeServices held the deploy %s; want at most a fifth of the 500ms timeout", took)
	}
	if got := outcomes[0].Status(); got != "failed" {
		t.Errorf("status %s, want failed: nothing was sent", got)
	}
}

func TestECSDeploy_ARollbackCutOffByAFrozenAPILeavesTheTargetUnknown(t *testing.T) {
	t.Parallel()
	fake := newFakeECS("prod", "web", webTaskDefinition(), nil)
	fake.describe = neverStable
	f := &frozenECS{fakeECS: fake, frozen: func(call string) bool {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		return call == "UpdateService" && len(fake.updates) == 1 // the rollback's
	}}
	d, err := NewECS(f, "prod", "web", WithTimeout(200*time.Millisecond), WithRollback(true), WithPollInterval(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	outcomes, _ := RunAll(context.Background(), []Target{d}, mustImage(t, repo+"@"+digestB))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a frozen rollback held the deploy %s", took)
	}
	if got := outcomes[0].Status(); got != "unknown" {
		t.Errorf("status %s (%v), want unknown: the rollback may or may not have reached ECS", got, outcomes[0].Err)
	}
}

func TestRunAll_ALambdaInterruptedAfterItsCodeUpdateIsUnknown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeLambda("api", repo+"@"+digestA)
	f.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress}
	f.onUpdate = cancel // the update reached Lambda; now the run is interrupted
	d, _ := newTestLambda(t, f)
	outcomes, err := RunAll(ctx, []Target{d}, mustImage(t, repo+"@"+digestB))
	if err == nil || f.updateCalls != 1 {
		t.Fatalf("error %v, %d updates; want an interrupted deploy after one update", err, f.updateCalls)
	}
	if got := outcomes[0].Status(); got != "unknown" {
		t.Errorf("status %s, want unknown", got)
	}
}

func TestLambdaDeploy_AfterItsPlanReadsTheFunctionOnlyToWait(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", repo+"@"+digestA)
	var reads int
	counting := &countingLambda{fakeLambda: f, reads: &reads}
	d, err := NewLambda(counting, "api", WithPollInterval(time.Millisecond, 2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	img := mustImage(t, repo+"@"+digestB)
	if _, err := PlanAll(context.Background(), []Target{d}, img); err != nil {
		t.Fatal(err)
	}
	if _, err := RunAll(context.Background(), []Target{d}, img); err != nil {
		t.Fatal(err)
	}
	if reads != 2 { // the plan's, and the wait's one poll
		t.Errorf("%d GetFunction calls, want 2", reads)
	}
}

// countingLambda is a fakeLambda counting its GetFunction calls.
type countingLambda struct {
	*fakeLambda
	reads *int
}

func (c *countingLambda) GetFunction(ctx context.Context, in *lambda.GetFunctionInput, o ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	c.mu.Lock()
	*c.reads++
	c.mu.Unlock()
	return c.fakeLambda.GetFunction(ctx, in, o...)
}
