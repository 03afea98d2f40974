package dax_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestProgress_DrawsABarOnATerminalAndErasesItWhenDone(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	bar := term.sh.Progress(context.Background(), "rolling out api", dax.ProgressLength(4))
	bar.SetPosition(2)
	at := term.WaitFor(t, 0, "2/4")
	if got := render(term.Shown()[:at]); len(got) != 1 || !strings.HasPrefix(got[0], "rolling out api [") {
		t.Errorf("screen %q, want one bar line", got)
	}
	bar.SetMessage("rolling out worker")
	bar.SetLength(3)
	bar.Add(1)
	term.WaitFor(t, at, "rolling out worker")
	term.WaitFor(t, at, "3/3")
	bar.Done()
	term.sh.Info("rolled out")
	term.WaitFor(t, at, "rolled out")
	if diff := cmp.Diff([]string{"info: rolled out"}, render(term.Shown())); diff != "" {
		t.Errorf("screen after Done (-want +got):\n%s", diff)
	}
}

func TestProgress_SpinsWithoutALength(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	bar := term.sh.Progress(context.Background(), "waiting for moto")
	defer bar.Done()
	at := term.WaitFor(t, 0, "⠋ waiting for moto")
	term.WaitFor(t, at, "⠙ waiting for moto")
}

func TestProgress_KeepsLinesOtherGoroutinesLogWhole(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	ctx := context.Background()
	fleet := term.sh.Progress(ctx, "fleet", dax.ProgressLength(100))
	other := term.sh.Progress(ctx, "lambda updates")
	var want []string
	var wg sync.WaitGroup
	for g := range 4 {
		for i := range 25 {
			want = append(want, fmt.Sprintf("info: goroutine %d logs line %02d", g, i))
		}
		wg.Go(func() {
			for i := range 25 {
				term.sh.Info("goroutine %d logs line %02d", g, i)
				fleet.Add(1)
				if i%5 == 0 {
					time.Sleep(redrawPause)
				}
			}
		})
	}
	wg.Wait()
	term.WaitFor(t, 0, "100/100")
	other.Done()
	fleet.Done()
	term.sh.Info("end")
	term.WaitFor(t, 0, "info: end")
	want = append(want, "info: end")
	got := render(term.Shown())
	slices.Sort(got[:len(got)-1]) // goroutines interleave, lines stay whole
	slices.Sort(want[:len(want)-1])
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("screen (-want +got):\n%s", diff)
	}
}

// redrawPause lets a progress bar be redrawn between log lines.
const redrawPause = 30 * time.Millisecond

func TestProgress_IsIndentedInAGroup(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	end := term.sh.Group("deploy")
	bar := term.sh.Progress(context.Background(), "rolling out", dax.ProgressLength(2))
	at := term.WaitFor(t, 0, "0/2")
	got := render(term.Shown()[:at])
	bar.Done()
	end()
	if len(got) != 2 || got[0] != "==> deploy" || !strings.HasPrefix(got[1], "  rolling out [") {
		t.Errorf("screen %q, want the bar indented under the group's title", got)
	}
}

func TestProgress_ErasesItselfWhenTheContextIsDone(t *testing.T) {
	noCI(t)
	term := newTerminal(t)
	ctx, cancel := context.WithCancel(context.Background())
	bar := term.sh.Progress(ctx, "waiting", dax.ProgressLength(2))
	term.WaitFor(t, 0, "0/2")
	cancel()
	bar.Done() // returns once the bar is erased
	term.sh.Info("cancelled")
	term.WaitFor(t, 0, "cancelled")
	if diff := cmp.Diff([]string{"info: cancelled"}, render(term.Shown())); diff != "" {
		t.Errorf("screen after cancelling (-want +got):\n%s", diff)
	}
}

func TestProgress_LogsPlainLinesOnATerminalInCI(t *testing.T) {
	t.Setenv("CI", "true")
	term := newTerminal(t)
	bar := term.sh.Progress(context.Background(), "waiting", dax.ProgressLength(2))
	bar.Done()
	term.sh.Info("end")
	term.WaitFor(t, 0, "end")
	if got, want := term.Shown(), "info: waiting (0/2)\r\ninfo: end\r\n"; got != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
}
