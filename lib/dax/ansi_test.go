package dax_test

import (
	"strings"
	"testing"

	"github.com/godax/godax/lib/dax"
)

func TestStripAnsi_RemovesEscapeSequencesOnly(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain text":                               "plain text",
		"\x1b[1;31merror:\x1b[0m failed":           "error: failed",
		"\x1b[38;5;208morange\x1b[39m":             "orange",
		"\x1b[2K\rprogress\x1b[1A":                 "\rprogress",
		"\x1b]0;title\x07after":                    "after",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"\x1b(Bcharset":                            "charset",
		"\x1b7saved\x1b8":                          "saved",
		"\u009b31mC1 CSI":                          "C1 CSI",
		"héllo \x1b[32mwörld\x1b[0m ✓":             "héllo wörld ✓",
		"cut off \x1b[31":                          "cut off ",
		"lone escape\x1b":                          "lone escape",
		"escape before é: \x1bé":                   "escape before é: é",
		"\x1b[\nnewline kept":                      "\nnewline kept",
	} {
		if got := dax.StripAnsi(in); got != want {
			t.Errorf("StripAnsi(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzStripAnsi(f *testing.F) {
	for _, s := range []string{"", "a", "\x1b[31mred\x1b[0m", "\x1b]0;t\x07", "\x1b[", "\x1b\x1b[m", "\u009b1m", "é\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := dax.StripAnsi(s)
		if strings.ContainsAny(got, "\x1b\u009b") {
			t.Errorf("StripAnsi(%q) = %q, still has an escape", s, got)
		}
		if again := dax.StripAnsi(got); again != got {
			t.Errorf("StripAnsi is not idempotent on %q: %q then %q", s, got, again)
		}
		if !strings.ContainsAny(s, "\x1b\u009b") && got != s {
			t.Errorf("StripAnsi(%q) = %q, want it unchanged", s, got)
		}
		if len(got) > len(s) {
			t.Errorf("StripAnsi(%q) = %q grew", s, got)
		}
	})
}
