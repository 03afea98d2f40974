package daxtest

import (
	"fmt"
	"strings"

	"github.com/godax/godax/lib/dax"
)

// unexpected returns the message for the command argv, which no
// expectation matched: it names the expectation closest to it and how it
// differs. stdin is what the command read, when an expectation of the
// same arguments wanted a particular input.
func (s *Shell) unexpected(argv []string, readStdin bool, stdin string, secrets []dax.Secret) string {
	var b strings.Builder
	fmt.Fprintf(&b, "daxtest: unexpected command: %s", commandLine(argv, secrets))
	best, bestScore := (*Call)(nil), 0
	for _, c := range s.calls {
		if score := distance(c.args, argv); best == nil || score < bestScore {
			best, bestScore = c, score
		}
	}
	switch {
	case best == nil:
		b.WriteString("\n\tno command is expected")
	case best.matches(argv) && best.ran >= best.times:
		fmt.Fprintf(&b, "\n\texpected %d time(s), and it ran that often already", best.times)
	case best.matches(argv) && readStdin:
		fmt.Fprintf(&b, "\n\tclosest expectation: %s\n\tit wants stdin %s, the command read %s",
			best.text(secrets), shown(*best.stdin, secrets), shown(stdin, secrets))
	default:
		fmt.Fprintf(&b, "\n\tclosest expectation: %s", best.text(secrets))
		if why := firstDifference(best.args, argv, secrets); why != "" {
			b.WriteString("\n\t" + why)
		}
	}
	return b.String()
}

// shown quotes s for a message, or shows it as *** when it is a secret.
func shown(s string, secrets []dax.Secret) string {
	for _, sec := range secrets {
		if string(sec) == s {
			return "***"
		}
	}
	return fmt.Sprintf("%q", s)
}

// distance scores how far the command got is from the expectation want:
// a different program weighs more than all the arguments together, then
// it is the number of arguments to add, remove or change.
func distance(want, got []string) int {
	d := editDistance(want[1:], got[1:])
	if want[0] != got[0] {
		d += 1000
	}
	return d
}

// editDistance is the Levenshtein distance between two lists of words.
func editDistance(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] && a[i-1] != AnyArg {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// firstDifference says where got first differs from want.
func firstDifference(want, got []string, secrets []dax.Secret) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] && want[i] != AnyArg {
			if i == 0 {
				return fmt.Sprintf("the program is %s, want %s", quoteWord(got[0], secrets), quoteWord(want[0], secrets))
			}
			return fmt.Sprintf("argument %d is %s, want %s", i, quoteWord(got[i], secrets), quoteWord(want[i], secrets))
		}
	}
	switch {
	case len(got) > len(want):
		return fmt.Sprintf("extra arguments from %d: %s", len(want), commandLine(got[len(want):], secrets))
	case len(got) < len(want):
		return fmt.Sprintf("missing arguments from %d: %s", len(got), commandLine(want[len(got):], secrets))
	}
	return ""
}
