package scripts

import (
	"strings"
	"testing"
	"time"
)

func TestPrintBench_ShowsTheStartUpRatioAndNoGoals(t *testing.T) {
	t.Parallel()
	res := func(name string, ms ...int) benchResult {
		r := benchResult{name: name}
		for _, m := range ms {
			r.times = append(r.times, time.Duration(m)*time.Millisecond)
			r.maxRSS = append(r.maxRSS, 20*1024)
		}
		return r
	}
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
	for _, goal := range []string{"MISSED", " met", "target "} {
		if strings.Contains(got, goal) {
			t.Errorf("the output shows an internal goal (%q):\n%s", goal, got)
		}
	}
}
