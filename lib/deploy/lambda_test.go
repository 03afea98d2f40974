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

func TestLambdaDeploy_RollbackPointsTheAliasBackWhenTheUpdateFails(t *testing.T) {
	t.Parallel()
	f := newFakeLambda("api", fnImage)
	f.versions = []string{fnImage, fnImage}
	f.aliases["live"] = "2"
	// The alias was moved by someone else meanwhile; rollback must put it
	// back where the plan found it.
	f.statuses = []lambdatypes.LastUpdateStatus{lambdatypes.LastUpdateStatusInProgress, lambdatypes.LastUpdateStatusFailed}
	var moved bool
	d, _ := newTestLambda(t, f, WithAlias("live"), WithRollback(true))
	f.onUpdate = func() {
		if !moved {
			f.aliases["live"] = "1"
			moved = true
		}
	}
	res, err := d.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB))
	want := "lambda function api: rollout failed: update failed: image not found (ImageDeleted); alias live is back on version 2"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
	if !res.RolledBack || f.aliases["live"] != "2" || len(f.published) != 0 {
		t.Errorf("rolled back %v, alias on %s, %d published; want true, 2, none", res.RolledBack, f.aliases["live"], len(f.published))
	}

	f2 := newFakeLambda("api", fnImage)
	f2.statuses = f.statuses
	f2.aliases["live"] = "1"
	f2.versions = []string{fnImage}
	d2, _ := newTestLambda(t, f2, WithAlias("live"))
	if res, err := d2.Deploy(context.Background(), mustImage(t, "127.0.0.1:5000/godax-demo@"+digestB)); err == nil || res.RolledBack {
		t.Errorf("without WithRollback: rolled back %v, error %v", res.RolledBack, err)
	}
}

// fakeChecker answers HasManifest from a set of references.
type fakeChecker struct {
	has   map[string]bool
	asked []string
}

func (c *fakeChecker) HasManifest(_ context.Context, img Image) (bool, error) {
	c.asked = append(c.asked, img.String())
	return c.has[img.String()], nil
}

func TestLambdaDeploy_ImageMustBeInTheRegistryOfTheFunctionsRegion(t *testing.T) {
	t.Parallel()
	pushed := "111122223333.dkr.ecr.us-east-1.amazonaws.com/web@" + digestB
	replica := "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@" + digestB
	check := &fakeChecker{has: map[string]bool{}}
	f := newFakeLambda("api", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:v1")
	d, _ := newTestLambda(t, f, WithRegion("eu-west-1"), WithImageCheck(check))
	_, err := d.Deploy(context.Background(), mustImage(t, pushed))
	want := "lambda function api: image " + replica + " is not in the registry of region eu-west-1, where the function runs: copy it there first (ECR replication does)"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
	if f.updateCalls != 0 {
		t.Errorf("%d updates of a function whose region lacks the image", f.updateCalls)
	}
	check.has[replica] = true
	res, err := d.Deploy(context.Background(), mustImage(t, pushed))
	if err != nil || f.image != replica || res.NewImage != replica {
		t.Errorf("deploy once replicated: %v; function runs %s, want %s", err, f.image, replica)
	}
	if diff := cmp.Diff([]string{replica, replica}, check.asked); diff != "" {
		t.Errorf("asked about (-want +got):\n%s", diff)
	}
}

func TestForRegion_MovesOnlyPrivateECRImages(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web@" + digestB: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/web@" + digestB,
		"111122223333.dkr.ecr-fips.us-east-1.amazonaws.com/web@" + digestB: "111122223333.dkr.ecr-fips.eu-west-1.amazonaws.com/web@" + digestB,
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@" + digestB:      "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@" + digestB,
		"127.0.0.1:5000/web@" + digestB:                                    "127.0.0.1:5000/web@" + digestB,
		"public.ecr.aws/docker/library/busybox@" + digestB:                 "public.ecr.aws/docker/library/busybox@" + digestB,
	}
	for in, want := range tests {
		if got := ForRegion(mustImage(t, in), "eu-west-1").String(); got != want {
			t.Errorf("ForRegion(%s)\n got %s\nwant %s", in, got, want)
		}
	}
}
