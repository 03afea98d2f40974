package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
)

const fnImage = "127.0.0.1:5000/godax-demo@" + digestA

func newTestLambda(t *testing.T, f *fakeLambda, opts ...LambdaOption) (*Lambda, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	opts = append([]LambdaOption{WithProgress(out), WithPollInterval(time.Millisecond, 2*time.Millisecond), WithConflictRetries(3, time.Millisecond)}, opts...)
	d, err := NewLambda(f, f.name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d, out
}

func TestLambdaPlan_ShowsOldAndNewImageAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	d, _ := newTestLambda(t, f, WithAlias("live"))
	got, err := d.Plan(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB))
	if err != nil {
		t.Fatal(err)
	}
	want := Plan{Target: "lambda function api", OldImage: fnImage, NewImage: "127.0.0.1:5000/godax-demo@" + digestB, Change: "publish a version and point alias live at it"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	wantLine := "lambda function api (publish a version and point alias live at it): " + fnImage + " -> 127.0.0.1:5000/godax-demo@" + digestB
	if diff := cmp.Diff(wantLine, got.String()); diff != "" {
		t.Errorf("plan line (-want +got):\n%s", diff)
	}
	if f.updateCalls != 0 || len(f.published) != 0 || len(f.aliases) != 0 {
		t.Errorf("plan made %d updates, %d publishes, %d aliases; want none", f.updateCalls, len(f.published), len(f.aliases))
	}
}

func TestLambdaDeploy_RetriesWhileAnotherUpdateIsInProgress(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.conflicts = 2
	f.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress, lambdatypes.LastUpdateStatusInProgress, lambdatypes.LastUpdateStatusSuccessful}
	d, out := newTestLambda(t, f)
	newImage := "127.0.0.1:5000/godax-demo@" + digestB
	res, err := d.Deploy(context.Background(), mustImage(t, newImage))
	if err != nil {
		t.Fatalf("deploy: %v\nprogress:\n%s", err, out)
	}
	if f.updateCalls != 3 || f.image != newImage {
		t.Errorf("%d update calls, image %q; want 3 calls ending on %q", f.updateCalls, f.image, newImage)
	}
	if res.NewRevision != "$LATEST" || len(f.published) != 0 {
		t.Errorf("published version %q without WithPublish", res.NewRevision)
	}
	wantOut := strings.Join([]string{
		"lambda function api: another update is in progress; trying again in 1ms (try 2 of 3)",
		"lambda function api: another update is in progress; trying again in 2ms (try 3 of 3)",
		"lambda function api: update InProgress",
		"lambda function api: update Successful",
		"lambda function api: updated to " + newImage,
		"",
	}, "\n")
	if diff := cmp.Diff(wantOut, out.String()); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestLambdaDeploy_GivesUpAfterTheLastConflictRetry(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.conflicts = 10
	d, _ := newTestLambda(t, f)
	_, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB))
	var conflict *lambdatypes.ResourceConflictException
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), "lambda function api: update function code: another update was still in progress after 3 tries") {
		t.Fatalf("error %v, want a conflict after 3 tries", err)
	}
	if f.updateCalls != 3 || f.image != fnImage {
		t.Errorf("%d update calls, image %q; want 3 calls and the old image", f.updateCalls, f.image)
	}
}

func TestLambdaDeploy_PublishesTheUpdatedCodeAndMovesTheAlias(t *testing.T) {
	t.Parallel()
	for _, existing := range []bool{false, true} {
		f := newFakeLambda("api", fnImage)
		if existing {
			f.versions = []string{fnImage}
			f.aliases["live"] = "1"
		}
		d, _ := newTestLambda(t, f, WithAlias("live"))
		newImage := "127.0.0.1:5000/godax-demo@" + digestB
		res, err := d.Deploy(context.Background(), mustImage(t, newImage))
		if err != nil {
			t.Fatalf("alias existed %v: %v", existing, err)
		}
		want := "1"
		if existing {
			want = "2"
		}
		if res.NewRevision != want || f.aliases["live"] != want || f.versions[len(f.versions)-1] != newImage {
			t.Errorf("alias existed %v: version %q, alias on %q, last version image %q; want %s, %s, %s",
				existing, res.NewRevision, f.aliases["live"], f.versions[len(f.versions)-1], want, want, newImage)
		}
		if diff := cmp.Diff("lambda function api runs "+newImage+" as version "+want, res.String()); diff != "" {
			t.Errorf("alias existed %v: result line (-want +got):\n%s", existing, diff)
		}
		if diff := cmp.Diff([]string{"sha-" + newImage}, f.published); diff != "" {
			t.Errorf("alias existed %v: PublishVersion CodeSha256 (-want +got):\n%s", existing, diff)
		}
	}
}

func TestLambdaDeploy_FailedUpdateSaysWhy(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress, lambdatypes.LastUpdateStatusFailed}
	d, _ := newTestLambda(t, f, WithAlias("live"))
	_, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB))
	want := "lambda function api: rollout failed: update failed: image not found (ImageDeleted)"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
	if len(f.published) != 0 || len(f.aliases) != 0 {
		t.Errorf("published %d versions and set %d aliases after a failed update, want none", len(f.published), len(f.aliases))
	}
}

func TestLambdaDeploy_UpdateThatNeverFinishesIsATimeout(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress}
	d, _ := newTestLambda(t, f, WithTimeout(20*time.Millisecond))
	_, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB))
	var te *TimeoutError
	if !errors.As(err, &te) || err.Error() != "lambda function api: timed out after 20ms waiting for the rollout (last status: update InProgress)" {
		t.Fatalf("error %v, want a timeout", err)
	}
}

func TestLambdaDeploy_RefusesMissingAndZipFunctions(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	d, err := NewLambda(f, "nope")
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Deploy(context.Background(), mustImage(t, fnImage))
	var nf *NotFoundError
	if !errors.As(err, &nf) || err.Error() != "lambda function nope not found" {
		t.Errorf("missing function: error %v, want NotFoundError", err)
	}

	f.pkg = lambdatypes.PackageTypeZip
	d, _ = newTestLambda(t, f)
	_, err = d.Deploy(context.Background(), mustImage(t, fnImage))
	if want := `lambda function api: package type is "Zip"; only Image functions can be deployed from an image`; err == nil || err.Error() != want {
		t.Errorf("zip function: error %v, want %s", err, want)
	}
	if f.updateCalls != 0 {
		t.Errorf("%d update calls, want none", f.updateCalls)
	}
}

func TestLambdaStatus_ReportsImageAndAliasVersion(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.aliases["live"] = "4"
	d, _ := newTestLambda(t, f, WithAlias("live"))
	got, err := d.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Status{Target: "lambda function api", Image: fnImage, Revision: "4", Detail: "alias live -> version 4; last update Successful"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	wantLine := "lambda function api -> version 4 -> " + fnImage + " (alias live -> version 4; last update Successful)"
	if diff := cmp.Diff(wantLine, got.String()); diff != "" {
		t.Errorf("status line (-want +got):\n%s", diff)
	}
}

func TestLambdaDeploy_SameImageLeavesTheCodeAloneButStillPublishes(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	d, out := newTestLambda(t, f, WithAlias("live"))
	img := mustImage(t, fnImage)

	plan, err := d.Plan(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	wantPlan := "lambda function api (publish a version and point alias live at it): already runs " + fnImage + "; nothing to change"
	if diff := cmp.Diff(wantPlan, plan.String()); diff != "" {
		t.Errorf("plan line (-want +got):\n%s", diff)
	}

	res, err := d.Deploy(context.Background(), img)
	if err != nil {
		t.Fatalf("deploy: %v\nprogress:\n%s", err, out)
	}
	if f.updateCalls != 0 {
		t.Errorf("UpdateFunctionCode called %d times, want 0", f.updateCalls)
	}
	if diff := cmp.Diff([]string{"sha-" + fnImage}, f.published); diff != "" {
		t.Errorf("PublishVersion CodeSha256 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("lambda function api runs "+fnImage+" as version 1 (unchanged)", res.String()); diff != "" {
		t.Errorf("result line (-want +got):\n%s", diff)
	}
}

func TestLambdaDeploy_SameImageAfterAFailedUpdateUpdatesAgain(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.before = lambdatypes.LastUpdateStatusFailed
	d, out := newTestLambda(t, f)
	res, err := d.Deploy(context.Background(), mustImage(t, fnImage))
	if err != nil {
		t.Fatalf("deploy: %v\nprogress:\n%s", err, out)
	}
	if f.updateCalls != 1 || res.Unchanged {
		t.Errorf("UpdateFunctionCode called %d times, unchanged %v; want 1, false: a failed last update must be retried", f.updateCalls, res.Unchanged)
	}
}
