package daxtest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindShown_SkipsEscapesAndEndsJustPastTheText(t *testing.T) {
	t.Parallel()
	out := "a\x1b[1mbc\x1b[0md"
	type result struct {
		End   int
		Found bool
	}
	got := map[string]result{}
	for _, want := range []string{"bc", "cd", "abcd", "x", ""} {
		end, ok := findShown(out, want)
		got[want] = result{end, ok}
	}
	want := map[string]result{
		"bc":   {len("a\x1b[1mbc"), true},
		"cd":   {len(out), true},
		"abcd": {len(out), true},
		"x":    {0, false},
		"":     {0, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findShown (-want +got):\n%s", diff)
	}
}
