package pipeline

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"golang.org/x/sync/errgroup"

	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/lib/deploy/deploytest"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// requestTally is a reverse proxy on loopback in front of moto that
// counts the requests through it by API action, for benchmarks (the
// tests' [newCountingProxy] takes a *testing.T).
type requestTally struct {
	srv *httptest.Server

	mu sync.Mutex
	n  map[string]int
}

func newRequestTally(tb testing.TB, target string) *requestTally {
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &requestTally{n: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := r.Header.Get("X-Amz-Target")
		if action == "" && r.Method == http.MethodPost {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			action = form.Get("Action")
		}
		if action == "" { // Lambda's REST API
			action = r.Method + " " + r.URL.Path[:min(len(r.URL.Path), strings.Index(r.URL.Path+"/functions/", "/functions/")+len("/functions/"))]
		}
		action = action[strings.LastIndexByte(action, '.')+1:]
		p.mu.Lock()
		p.n[action]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(p.srv.Close)
	return p
}

// take returns the counts so far, and their total, and starts again.
func (p *requestTally) take() (map[string]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, total := p.n, 0
	for _, v := range n {
		total += v
	}
	p.n = map[string]int{}
	return n, total
}

// benchFleet creates, in each of places, services ECS services in
// clusters of ten, and functions Lambda functions, all running image,
// and returns their ARNs.
func benchFleet(tb testing.TB, places []deploytest.Place, name string, services, functions int, image string) []string {
	ctx := tb.Context()
	arns := make([]string, services)
	var g errgroup.Group
	g.SetLimit(8)
	for i := range services {
		p := places[i%len(places)]
		cluster := fmt.Sprintf("%s-c%02d", name, i/len(places)/10)
		svc := fmt.Sprintf("%s-svc-%03d", name, i)
		arns[i] = fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", p.Config.Region, p.Account, cluster, svc)
		g.Go(func() error {
			_, err := deploy.EnsureECSService(ctx, ecs.NewFromConfig(p.Config), cluster, svc, []ecstypes.ContainerDefinition{
				{Name: aws.String("app"), Image: aws.String(image), Essential: aws.Bool(true), Memory: aws.Int32(128)},
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		tb.Fatal(err)
	}
	fns, err := deploytest.Fleet(ctx, places, name, 0, functions, image)
	if err != nil {
		tb.Fatal(err)
	}
	return append(arns, fns...)
}

// BenchmarkDeploy_Sandbox_RequestsPerTargetOf200 promotes a freshly
// pushed tag (DEPLOY_IMAGE, so no build) to 200 targets, 160 ECS services
// in clusters of ten and 40 Lambda functions, in two accounts reached
// through DEPLOY_ROLE and two regions, and reports the AWS requests each
// target cost, counted by a proxy in front of moto; it prints the
// requests of the last run by action. Run it with:
//
//	go test -run '^$' -bench RequestsPerTarget -benchtime 1x ./scripts/internal/pipeline/
func BenchmarkDeploy_Sandbox_RequestsPerTargetOf200(b *testing.B) {
	const services, functions = 160, 40
	st := sandboxtest.Require(b)
	places := deploytest.RolePlaces(sandboxtest.AWSConfig(b, st), "godax-deployer",
		[]string{"111122223333", "444455556666"}, []string{"us-east-1", "eu-west-1"})
	name := deploytest.Unique("godax-rbench")
	repo := st.RegistryHost() + "/" + name
	arns := benchFleet(b, places, name, services, functions, deploytest.RandomImage(repo))
	file := filepath.Join(b.TempDir(), "fleet.txt")
	if err := os.WriteFile(file, []byte(strings.Join(arns, "\n")+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	proxy := newRequestTally(b, st.Endpoint())
	var last map[string]int
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		tag := fmt.Sprintf("v%d", i)
		if _, err := deploytest.PushImage(b.Context(), nil, st.RegistryHost(), sandbox.RegistryUser, sandbox.RegistryPassword, name, tag); err != nil {
			b.Fatal(err)
		}
		proxy.take()
		b.StartTimer()
		_, _, err := runStep(b, st, "deploy", map[string]string{
			"AWS_ENDPOINT_URL": proxy.srv.URL, "DEPLOY_TARGETS": "@" + file, "DEPLOY_ROLE": "godax-deployer",
			"DEPLOY_IMAGE": repo + ":" + tag, "DEPLOY_CONCURRENCY": "25", "DEPLOY_TIMEOUT": "120",
		})
		if err != nil {
			b.Fatal(err)
		}
		var total int
		last, total = proxy.take()
		b.ReportMetric(float64(total)/float64(len(arns)), "requests/target")
	}
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(last)) {
		lines = append(lines, fmt.Sprintf("%s %d", k, last[k]))
	}
	fmt.Printf("requests of the last run, by action, for %d targets: %s\n", len(arns), strings.Join(lines, ", "))
}
