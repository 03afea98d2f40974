package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
)

// fakeTarget is a Target that deploys after a pause, or fails.
type fakeTarget struct {
	name     string
	fail     error
	pause    time.Duration
	inFlight *atomic.Int32
	most     *atomic.Int32
	deployed atomic.Bool
	ctxErr   atomic.Value // ctx.Err() seen after the pause
}

func (f *fakeTarget) String() string { return f.name }

func (f *fakeTarget) Plan(_ context.Context, img Image) (Plan, error) {
	return Plan{Target: f.name, OldImage: "old", NewImage: img.String()}, f.fail
}

func (f *fakeTarget) Deploy(ctx context.Context, img Image) (Result, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.most.Load()
		if n <= m || f.most.CompareAndSwap(m, n) {
			break
		}
	}
	Progress(ctx, nil, f.name, "working")
	time.Sleep(f.pause)
	f.ctxErr.Store(fmt.Sprint(ctx.Err()))
	if f.fail != nil {
		return Result{}, f.fail
	}
	f.deployed.Store(true)
	return Result{Plan: Plan{Target: f.name, OldImage: "old", NewImage: img.String(), Revision: "1"}, NewRevision: "2"}, nil
}

func (f *fakeTarget) Status(context.Context) (Status, error) {
	return Status{Target: f.name, Image: "old"}, f.fail
}

func (f *fakeTarget) Rollback(context.Context, Result) error { return nil }

// recordingReporter keeps what it is told.
type recordingReporter struct {
	mu       sync.Mutex
	progress []string
	done     []string
}

func (r *recordingReporter) Progress(target, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, target+": "+line)
}

func (r *recordingReporter) Done(o Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = append(r.done, o.Target+": "+o.Status())
}

func fakeFleet(n int, pause time.Duration, failing map[int]error) []Target {
	var inFlight, most atomic.Int32
	targets := make([]Target, n)
	for i := range n {
		targets[i] = &fakeTarget{name: fmt.Sprintf("t%02d", i), fail: failing[i], pause: pause, inFlight: &inFlight, most: &most}
	}
	return targets
}

const imgRef = "127.0.0.1:5000/web@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

func TestRunAll_NeverRunsMoreTargetsAtOnceThanTheLimit(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 3, 8} {
		targets := fakeFleet(12, 5*time.Millisecond, nil)
		if _, err := RunAll(context.Background(), targets, mustImage(t, imgRef), Concurrency(limit)); err != nil {
			t.Fatal(err)
		}
		if most := targets[0].(*fakeTarget).most.Load(); most > int32(limit) || most < 1 {
			t.Errorf("limit %d: %d targets ran at once", limit, most)
		}
	}
	targets := fakeFleet(DefaultConcurrency+4, 20*time.Millisecond, nil)
	if _, err := RunAll(context.Background(), targets, mustImage(t, imgRef)); err != nil {
		t.Fatal(err)
	}
	if most := targets[0].(*fakeTarget).most.Load(); most > DefaultConcurrency {
		t.Errorf("default limit: %d targets ran at once, want at most %d", most, DefaultConcurrency)
	}
}

func TestRunAll_OneFailureNeitherStopsNorCancelsTheOthersAndEveryErrorNamesItsTarget(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	targets := fakeFleet(6, 10*time.Millisecond, map[int]error{0: boom, 4: fmt.Errorf("t04: already named")})
	rep := &recordingReporter{}
	outcomes, err := RunAll(context.Background(), targets, mustImage(t, imgRef), Concurrency(6), WithReporter(rep))
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want it to wrap boom", err)
	}
	if want := "t00: boom\nt04: already named"; err.Error() != want {
		t.Errorf("error\n got %q\nwant %q", err, want)
	}
	for i, tt := range targets {
		f := tt.(*fakeTarget)
		if got := f.ctxErr.Load(); got != "<nil>" {
			t.Errorf("%s saw its context end (%v) while another target failed", f.name, got)
		}
		if ok := f.deployed.Load(); ok != (i != 0 && i != 4) {
			t.Errorf("%s deployed %v", f.name, ok)
		}
	}
	var statuses []string
	for _, o := range outcomes {
		statuses = append(statuses, o.Target+" "+o.Status())
	}
	want := []string{"t00 failed", "t01 ok", "t02 ok", "t03 ok", "t04 failed", "t05 ok"}
	if diff := cmp.Diff(want, statuses); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if len(rep.progress) != 6 || len(rep.done) != 6 {
		t.Errorf("reporter got %d progress lines and %d outcomes, want 6 and 6: %v %v", len(rep.progress), len(rep.done), rep.progress, rep.done)
	}
}

func TestPlanAllAndStatusAll_JoinEveryErrorNamingItsTarget(t *testing.T) {
	t.Parallel()
	targets := fakeFleet(3, 0, map[int]error{1: errors.New("no such service")})
	plans, err := PlanAll(context.Background(), targets, mustImage(t, imgRef))
	if err == nil || err.Error() != "t01: no such service" {
		t.Errorf("plan error %v, want t01: no such service", err)
	}
	if len(plans) != 3 || plans[2].NewImage != imgRef || plans[1].Target != "t01" {
		t.Errorf("plans %v", plans)
	}
	sts, err := StatusAll(context.Background(), targets)
	if err == nil || err.Error() != "t01: no such service" || len(sts) != 3 {
		t.Errorf("status error %v, statuses %v", err, sts)
	}
}

func TestWriteTable_ShowsEveryTargetsImagesRevisionAndResult(t *testing.T) {
	t.Parallel()
	outcomes := []Outcome{
		{Target: "arn:aws:ecs:eu-west-1:111122223333:service/c/s", Result: Result{Plan: Plan{OldImage: "r@sha256:1", NewImage: "r@sha256:2",
			Revision: "arn:aws:ecs:eu-west-1:111122223333:task-definition/s:3"}, NewRevision: "arn:aws:ecs:eu-west-1:111122223333:task-definition/s:4"}},
		{Target: "arn:aws:lambda:us-east-1:111122223333:function:f:live", Result: Result{Plan: Plan{OldImage: "r@sha256:1", NewImage: "r@sha256:2", Revision: "7"}, NewRevision: "8"}},
		{Target: "arn:aws:ecs:eu-west-1:111122223333:service/c/missing", Err: errors.New("not found")},
	}
	var b strings.Builder
	if err := WriteTable(&b, outcomes); err != nil {
		t.Fatal(err)
	}
	want := `TARGET                                                 OLD IMAGE   NEW IMAGE   REVISION    RESULT
arn:aws:ecs:eu-west-1:111122223333:service/c/s         r@sha256:1  r@sha256:2  s:3 -> s:4  ok
arn:aws:lambda:us-east-1:111122223333:function:f:live  r@sha256:1  r@sha256:2  7 -> 8      ok
arn:aws:ecs:eu-west-1:111122223333:service/c/missing   -           -           -           failed
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s\ngot:\n%s", diff, b.String())
	}
}

// checkWaitsTheWholeTimeout runs deploy, whose target never finishes and
// has a 500ms timeout, and checks that it waits all of it, as its error says.
func checkWaitsTheWholeTimeout(t *testing.T, deploy func() error) {
	t.Helper()
	start := time.Now()
	err := deploy()
	took := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) || te.After != 500*time.Millisecond {
		t.Fatalf("error %v, want a timeout after 500ms", err)
	}
	if took < 500*time.Millisecond {
		t.Errorf("gave up after %s but says %q", took, err)
	}
}

// The waiter's own arithmetic gave up once a second pause would overrun
// the limit: here after about 200ms of 500ms.
var slowPolls = WithPollInterval(200*time.Millisecond, 400*time.Millisecond)

func TestECSDeploy_WaitsAsLongAsTheTimeoutItReports(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), nil)
	f.describe = neverStable
	d, _ := newTestECS(t, f, WithTimeout(500*time.Millisecond), slowPolls)
	checkWaitsTheWholeTimeout(t, func() error {
		_, err := d.Deploy(context.Background(), mustImage(t, repo+"@"+digestB))
		return err
	})
}

func TestLambdaDeploy_WaitsAsLongAsTheTimeoutItReports(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress}
	d, _ := newTestLambda(t, f, WithTimeout(500*time.Millisecond), slowPolls)
	checkWaitsTheWholeTimeout(t, func() error {
		_, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB))
		return err
	})
}

// BenchmarkRunAll_WaitingTargets runs targets whose rollout is 100ms of
// waiting, as a real one mostly is, to compare one target with 23: the
// ratio is the number of waves, ceil(23/limit). Compare the medians:
// go test -run '^$' -bench RunAll_WaitingTargets -count 6 ./lib/deploy/
func BenchmarkRunAll_WaitingTargets(b *testing.B) {
	img, err := ParseImage(imgRef)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name     string
		n, limit int
	}{
		{"targets=1", 1, DefaultConcurrency},
		{"targets=23/concurrency=8", 23, DefaultConcurrency},
		{"targets=23/concurrency=23", 23, 23},
	} {
		targets := fakeFleet(bc.n, 100*time.Millisecond, nil)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := RunAll(context.Background(), targets, img, Concurrency(bc.limit)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
