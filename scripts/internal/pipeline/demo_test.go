package pipeline

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/lib/deploy/deploytest"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

func TestEnsureDemoTargets_Sandbox_CreatesThemOnceRunningThePushedImage(t *testing.T) {
	t.Parallel()
	st := sandboxtest.Require(t)
	cfg := sandboxtest.AWSConfig(t, st)
	ec, ic, lc := ecs.NewFromConfig(cfg), iam.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	name := deploytest.Unique("godax-demo-test")
	names := demoTargets{Cluster: name, Service: name, Function: name}
	img, err := deploy.ParseImage(deploytest.RandomImage(st.RegistryHost() + "/" + name))
	if err != nil {
		t.Fatal(err)
	}
	ensure := func() (string, error) {
		var log strings.Builder
		sh, err := dax.New(dax.WithLogger(&log))
		if err != nil {
			t.Fatal(err)
		}
		err = ensureDemoTargets(context.Background(), sh, names, img, ec, ic, lc)
		return log.String(), err
	}
	// Several at once, as two demo runs might: each creates what is
	// missing, and together they create each target once.
	var wg sync.WaitGroup
	logs, errs := make([]string, 3), make([]error, 3)
	for i := range logs {
		wg.Go(func() { logs[i], errs[i] = ensure() })
	}
	wg.Wait()
	all := strings.Join(logs, "")
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	if n := strings.Count(all, "demo: created Lambda function "+name+" running "+img.String()); n != 1 {
		t.Errorf("%d runs created the Lambda function running %s, want 1:\n%s", n, img, all)
	}
	if again, err := ensure(); err != nil || again != "" {
		t.Errorf("a later run: %v, logged %q; want nothing created", err, again)
	}
	ecsTarget, err := deploy.NewECS(ec, name, name)
	if err != nil {
		t.Fatal(err)
	}
	lambdaTarget, err := deploy.NewLambda(lc, name)
	if err != nil {
		t.Fatal(err)
	}
	sts, err := deploy.StatusAll(context.Background(), []deploy.Target{ecsTarget, lambdaTarget})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Image != img.String() {
			t.Errorf("%s runs %s, want the pushed %s", s.Target, s.Image, img)
		}
	}
}
