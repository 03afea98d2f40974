package deploy_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
	. "github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/lib/deploy/deploytest"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// fleetRepo is the repository of the fleet's made-up images.
const fleetRepo = "127.0.0.1:5000/godax-fleet"

func mustParse(tb testing.TB, ref string) Image {
	tb.Helper()
	img, err := ParseImage(ref)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// The fleet's two accounts, reached through a role as in production, and
// two regions.
var (
	fleetAccounts = []string{"111122223333", "444455556666"}
	fleetRegions  = []string{"us-east-1", "eu-west-1"}
)

// places returns one place per account and region, each acting through
// the role godax-deployer assumed in its account.
func places(tb testing.TB, st *sandbox.State) []deploytest.Place {
	return deploytest.RolePlaces(sandboxtest.AWSConfig(tb, st), "godax-deployer", fleetAccounts, fleetRegions)
}

// fleetTargets makes a target of each ARN through the place of its
// account and region.
func fleetTargets(tb testing.TB, ps []deploytest.Place, arns []string, opts ...Option) []Target {
	tb.Helper()
	targets, err := deploytest.Targets(ps, map[string]Kind{"ecs": ECSKind(), "lambda": LambdaKind()}, arns,
		append([]Option{WithPollInterval(100*time.Millisecond, 200*time.Millisecond)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return targets
}

func TestRegistry_Sandbox_ResolvesATagToTheDigestThePushStored(t *testing.T) {
	t.Parallel()
	st := sandboxtest.Require(t)
	ctx := context.Background()
	repo := deploytest.Unique("godax-registry-test")
	digest, err := deploytest.PushImage(ctx, nil, st.RegistryHost(), sandbox.RegistryUser, sandbox.RegistryPassword, repo, "v1")
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	reg := NewRegistry(nil, func(_ context.Context, host string) (string, dax.Secret, error) {
		hosts = append(hosts, host)
		return sandbox.RegistryUser, sandbox.RegistryPassword, nil
	})
	tagged, err := ParseReference(st.RegistryHost() + "/" + repo + ":v1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := reg.Resolve(ctx, tagged)
	if err != nil || got.String() != st.RegistryHost()+"/"+repo+"@"+digest {
		t.Fatalf("resolve %s: %v, %v; want digest %s", tagged, got, err, digest)
	}
	if ok, err := reg.HasManifest(ctx, got); !ok || err != nil {
		t.Errorf("HasManifest(%s) = %v, %v; want true", got, ok, err)
	}
	other := got
	other.Digest = "sha256:" + strings.Repeat("0", 64)
	if ok, err := reg.HasManifest(ctx, other); ok || err != nil {
		t.Errorf("HasManifest(%s) = %v, %v; want false", other, ok, err)
	}
	tagged.Tag = "v2"
	if _, err := reg.Resolve(ctx, tagged); err == nil || !strings.Contains(err.Error(), "no such image in the registry") {
		t.Errorf("resolve of a missing tag: %v", err)
	}
	if hosts[0] != st.RegistryHost() {
		t.Errorf("signed in to %v, want %s", hosts, st.RegistryHost())
	}
	anonymous := NewRegistry(nil, nil)
	if _, err := anonymous.Digest(ctx, got); err == nil || !strings.Contains(err.Error(), "401 Unauthorized (log in first") {
		t.Errorf("without credentials: %v, want a 401 saying to log in", err)
	}
}

// BenchmarkRunAll_Sandbox deploys a new image to one target, then to 23
// (15 ECS services and 8 Lambda functions in two accounts and two
// regions), with the default concurrency and with all at once. Compare
// the medians of one run: go test -run '^$' -bench RunAll_Sandbox -count 6 ./lib/deploy/
func BenchmarkRunAll_Sandbox(b *testing.B) {
	st := sandboxtest.Require(b)
	ctx := context.Background()
	ps := places(b, st)
	prefix := deploytest.Unique("bench")
	arns, err := deploytest.Fleet(ctx, ps, prefix, 15, 8, deploytest.RandomImage(fleetRepo))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		arns  []string
		limit int
	}{
		{"targets=1", arns[:1], DefaultConcurrency},
		{"targets=1/lambda", arns[15:16], DefaultConcurrency},
		{"targets=23/concurrency=1", arns, 1},
		{"targets=23/concurrency=8", arns, DefaultConcurrency},
		{"targets=23/concurrency=23", arns, 23},
	} {
		targets := fleetTargets(b, ps, bc.arns)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				img := mustParse(b, deploytest.RandomImage(fleetRepo))
				b.StartTimer()
				if _, err := RunAll(ctx, targets, img, Concurrency(bc.limit)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestRunAll_Sandbox_FleetOfTwoKindsInTwoAccountsAndRegionsEndsOnTheImageAndNamesTheMissingOne(t *testing.T) {
	t.Parallel()
	st := sandboxtest.Require(t)
	ctx := context.Background()
	ps := places(t, st)
	prefix := deploytest.Unique("fleet")
	arns, err := deploytest.Fleet(ctx, ps, prefix, 8, 4, deploytest.RandomImage(fleetRepo))
	if err != nil {
		t.Fatal(err)
	}
	// svc-03 is in the last place: the second account's second region.
	missing := fmt.Sprintf("arn:aws:ecs:eu-west-1:444455556666:service/%s-svc-03/%s-nope", prefix, prefix)
	targets := fleetTargets(t, ps, append(slices.Clone(arns), missing))
	img := mustParse(t, deploytest.RandomImage(fleetRepo))
	outcomes, err := RunAll(ctx, targets, img)
	if err == nil || err.Error() != missing+": ecs service "+prefix+"-svc-03/"+prefix+"-nope not found" {
		t.Fatalf("error %v, want only the missing service, named by its ARN", err)
	}
	if len(outcomes) != len(arns)+1 || outcomes[len(arns)].Status() != "failed" {
		t.Fatalf("outcomes %v", outcomes)
	}
	sts, err := StatusAll(ctx, targets[:len(arns)])
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sts {
		want := img.String()
		if strings.Contains(arns[i], ":ecs:") {
			want = "app=" + img.String() + ", sidecar=" + deploytest.Sidecar
		}
		if s.Image != want {
			t.Errorf("%s runs %s, want %s", arns[i], s.Image, want)
		}
	}
}
