package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// waitRecorder is a WaitReporter that records the waits, by target.
type waitRecorder struct {
	mu    sync.Mutex
	waits map[string][]string
}

func (r *waitRecorder) Progress(string, string) {}
func (r *waitRecorder) Done(Outcome)            {}

func (r *waitRecorder) Wait(_ context.Context, target, what string) Wait {
	r.add(target, "wait "+what)
	return recordedWait{r, target}
}

func (r *waitRecorder) add(target, event string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.waits == nil {
		r.waits = map[string][]string{}
	}
	r.waits[target] = append(r.waits[target], event)
}

type recordedWait struct {
	r      *waitRecorder
	target string
}

func (w recordedWait) Update(status string, done, total int) {
	w.r.add(w.target, fmt.Sprintf("update %q %d/%d", status, done, total))
}
func (w recordedWait) End() { w.r.add(w.target, "end") }

func TestRunAll_HandsEachWaitAndItsCountsOrStatusToAWaitReporter(t *testing.T) {
	t.Parallel()
	f := newFakeECS("prod", "web", webTaskDefinition(), webTags)
	f.service.DesiredCount = 2
	polls := 0
	f.describe = func(s *types.Service) {
		if len(f.updates) == 0 {
			return
		}
		polls++
		s.RunningCount = int32(min(polls-1, 2))
		if polls < 3 {
			s.Deployments = []types.Deployment{{Status: aws.String("PRIMARY"), RolloutState: types.DeploymentRolloutStateInProgress}, {Status: aws.String("ACTIVE")}}
		} else {
			s.Deployments = []types.Deployment{{Status: aws.String("PRIMARY"), RolloutState: types.DeploymentRolloutStateCompleted}}
		}
	}
	e, _ := newTestECS(t, f)
	fl := newFakeLambda("api", fnImage)
	fl.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress, lambdatypes.LastUpdateStatusSuccessful}
	l, _ := newTestLambda(t, fl)

	r := &waitRecorder{}
	if _, err := RunAll(context.Background(), []Target{e, l}, mustImage(t, repo+"@"+digestB), WithReporter(r)); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"ecs service prod/web": {`wait rolling out`, `update "" 0/2`, `update "" 1/2`, `update "" 2/2`, `end`},
		"lambda function api":  {`wait updating`, `update "InProgress" 0/0`, `update "Successful" 0/0`, `end`},
	}
	if diff := cmp.Diff(want, r.waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

// waitForLog waits until log holds want, and returns it.
func waitForLog(t *testing.T, log *syncBuffer, want string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if s := log.String(); strings.Contains(s, want) {
			return s
		}
	}
	t.Fatalf("the log never showed %q; it holds:\n%s", want, log)
	return ""
}

func TestShellReporter_WithoutATerminalLogsPlainLinesAndCountsEachFinishedTarget(t *testing.T) {
	t.Parallel()
	log := &syncBuffer{}
	sh, err := dax.New(dax.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := NewShellReporter(ctx, sh, 3)
	defer r.Close()
	r.Progress("ecs service prod/web", "registered web:2")
	w := r.Wait(ctx, "ecs service prod/web", "rolling out")
	defer w.End()
	w.Update("", 1, 2)
	r.Done(Outcome{Target: "lambda function api", Took: 1500 * time.Millisecond})
	r.Done(Outcome{Target: "lambda function jobs", Err: errors.New("lambda function jobs: boom")})

	waitForLog(t, log, "info: deploying (")
	got := waitForLog(t, log, "info: ecs service prod/web: rolling out (")
	if strings.Contains(got, "\x1b") {
		t.Errorf("without a terminal the log has escapes:\n%q", got)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	want := []string{
		"info: ecs service prod/web: registered web:2",
		"info: lambda function api: ok in 1.5s",
		"info: lambda function jobs: failed in 0s",
	}
	if diff := cmp.Diff(want, lines[:3]); diff != "" {
		t.Errorf("first lines (-want +got):\n%s", diff)
	}
	for _, l := range lines[3:] {
		if !strings.HasPrefix(l, "info: deploying (2/3, ") && !strings.HasPrefix(l, "info: ecs service prod/web: rolling out (1/2, ") {
			t.Errorf("unexpected line %q; want the count of finished targets (2/3) and the wait's running/desired (1/2)", l)
		}
	}
}

func TestShellReporter_WorkShorterThanShowAfterAddsNoProgressLines(t *testing.T) {
	t.Parallel()
	log := &syncBuffer{}
	sh, err := dax.New(dax.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	r := NewShellReporter(ctx, sh, 1)
	w := r.Wait(ctx, "lambda function api", "updating")
	w.Update("InProgress", 0, 0)
	w.End()
	r.Done(Outcome{Target: "lambda function api", Took: 20 * time.Millisecond})
	r.Close()
	if time.Since(start) >= ShowAfter {
		t.Skip("the machine took longer than ShowAfter to get here")
	}
	time.Sleep(ShowAfter + 500*time.Millisecond) // a bar that was not stopped would log by now
	if diff := cmp.Diff("info: lambda function api: ok in 20ms\n", log.String()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}
