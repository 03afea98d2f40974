package pipeline

import (
	"strings"
	"testing"
	"time"
)

// res is a bench result named name with one time per ms.
func res(name string, ms ...int) benchResult {
	r := benchResult{name: name}
	for _, m := range ms {
		r.times = append(r.times, time.Duration(m)*time.Millisecond)
		r.maxRSS = append(r.maxRSS, 20*1024)
	}
	return r
}

// checkNoGoals fails t when out shows an internal goal.
func checkNoGoals(t *testing.T, out string) {
	t.Helper()
	for _, goal := range []string{"MISSED", " met", "target "} {
		if strings.Contains(out, goal) {
			t.Errorf("the output shows an internal goal (%q):\n%s", goal, out)
		}
	}
}

func TestPrintBench_ShowsTheStartUpRatioAndNoGoals(t *testing.T) {
	t.Parallel()
	results := []benchResult{
		res("ecrLogin, no cache", 90, 100, 110), res("ecrLogin, cached", 40, 50, 60),
		res("aws", 900, 1000, 1100), res("docker login", 50, 60, 70),
		res(benchHello, 9, 10, 11), res(benchStartUp, 28, 30, 32),
	}
	var out strings.Builder
	if err := printBench(&out, 3, results, res("go run mage.go ecrLogin, cached", 600, 650, 700)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if want := "start-up: the targets binary's -l takes 3.00x a hello-world Go program's (30.0 ms against 10.0 ms)"; !strings.Contains(got, want) {
		t.Errorf("want %q in:\n%s", want, got)
	}
	checkNoGoals(t, got)
}

func TestPrintHelperBench_ShowsTheRatiosAndNoGoals(t *testing.T) {
	t.Parallel()
	results := []benchResult{
		res("hello", 10, 10, 10), res("warm", 30, 30, 30), res("cold", 120, 120, 120),
		res("ecr-login", 60, 60, 60), res("ecr-login without cgo", 48, 48, 48), res("fetcher", 60, 60, 60),
		res("pull after login", 100, 100, 100), res("pull through helper", 125, 125, 125),
	}
	var out strings.Builder
	if err := printHelperBench(&out, 3, results); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"helper warm get / hello-world: 3.00",
		"helper cold get / ecr-login cold get: 2.00",
		"helper cold get / ecr-login cold get, both built without cgo: 2.50",
		"fetcher alone / ecr-login cold get: 1.00",
		"docker pull through the helper / after docker login: 1.25",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
	checkNoGoals(t, got)
}
