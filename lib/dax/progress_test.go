package dax_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
)

// lockedBuffer is a log safe to read while a progress bar writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSuffix(l.b.String(), "\n"), "\n")
}

func TestProgress_LogsPlainLinesAtMostEveryPeriodWithoutATerminal(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	sh, err := dax.New(dax.WithLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	const every = 40 * time.Millisecond
	began := time.Now()
	bar := sh.Progress(context.Background(), "rolling out", dax.ProgressLength(1000), dax.ProgressEvery(every))
	if got := log.lines(); len(got) != 1 || got[0] != "info: rolling out (0/1000)" {
		t.Fatalf("logged %q at once, want the first line", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for i := 1; len(log.lines()) < 3 && time.Now().Before(deadline); i++ {
		bar.SetPosition(i)
		time.Sleep(time.Millisecond)
	}
	bar.Done()
	elapsed := time.Since(began)
	got := log.lines()
	if len(got) < 3 {
		t.Fatalf("logged %q, want lines as the position changes", got)
	}
	if max := int(elapsed/every) + 1; len(got) > max {
		t.Errorf("logged %d lines in %s, want at most one every %s (%d)", len(got), elapsed, every, max)
	}
	if !strings.HasPrefix(got[1], "info: rolling out (") || got[1] == got[0] {
		t.Errorf("second line %q, want the new position", got[1])
	}
	n := len(got)
	time.Sleep(3 * every)
	if got := log.lines(); len(got) != n {
		t.Errorf("logged %q after Done", got[n:])
	}
}

func TestProgress_LogsAPlainLineNowAndThenWhenNothingChanges(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	sh, err := dax.New(dax.WithLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	const every = 10 * time.Millisecond
	bar := sh.Progress(context.Background(), "waiting", dax.ProgressEvery(every))
	defer bar.Done()
	time.Sleep(3 * every)
	if got := log.lines(); len(got) != 1 {
		t.Errorf("logged %q with nothing changed after 3 periods, want one line", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(log.lines()) < 2 && time.Now().Before(deadline) {
		time.Sleep(every)
	}
	if got := log.lines(); len(got) < 2 {
		t.Errorf("logged %q, want a line after six quiet periods", got)
	}
}

func TestProgress_StopsLoggingWhenTheContextIsDone(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	sh, err := dax.New(dax.WithLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	bar := sh.Progress(ctx, "waiting", dax.ProgressEvery(time.Millisecond))
	cancel()
	bar.Done()
	n := len(log.lines())
	bar.SetPosition(5)
	time.Sleep(20 * time.Millisecond)
	if got := log.lines(); len(got) != n {
		t.Errorf("logged %q after the context was done", got[n:])
	}
}

func TestProgressDelay_ShowsTheProgressOnlyOnceTheDelayHasPassed(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	sh, err := dax.New(dax.WithLogger(&log))
	if err != nil {
		t.Fatal(err)
	}
	bar := sh.Progress(context.Background(), "waiting", dax.ProgressDelay(20*time.Millisecond))
	defer bar.Done()
	if got := log.lines(); len(got) != 1 || got[0] != "" {
		t.Errorf("logged %q before the delay, want nothing", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for log.lines()[0] == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := log.lines(); got[0] != "info: waiting" {
		t.Errorf("logged %q after the delay, want the progress", got)
	}
}
