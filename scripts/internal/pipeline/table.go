package pipeline

import (
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/godax/godax/lib/deploy"
)

// shortDigestHex is how many hex digits of a digest a table shows on a
// terminal, as docker does for image IDs.
const shortDigestHex = 12

// onTerminal reports whether w is a terminal, where people read tables,
// rather than a pipe or a file, where programs do.
func onTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// shortDigests shortens every sha256 digest in s to its first
// [shortDigestHex] hex digits.
func shortDigests(s string) string {
	const prefix = "@sha256:"
	var b strings.Builder
	for {
		i := strings.Index(s, prefix)
		if i < 0 {
			return b.String() + s
		}
		hex := i + len(prefix)
		end := hex
		for end < len(s) && strings.IndexByte("0123456789abcdef", s[end]) >= 0 {
			end++
		}
		b.WriteString(s[:min(end, hex+shortDigestHex)])
		s = s[end:]
	}
}

// forTerminal returns outcomes with their digests shortened when w is a
// terminal, so the table fits one; elsewhere they stay whole for the
// programs that read them.
func forTerminal(w io.Writer, outcomes []deploy.Outcome) []deploy.Outcome {
	if !onTerminal(w) {
		return outcomes
	}
	out := make([]deploy.Outcome, len(outcomes))
	for i, o := range outcomes {
		o.Result.OldImage, o.Result.NewImage = shortDigests(o.Result.OldImage), shortDigests(o.Result.NewImage)
		out[i] = o
	}
	return out
}

// statusForTerminal is [forTerminal] for a status table.
func statusForTerminal(w io.Writer, sts []deploy.Status) []deploy.Status {
	if !onTerminal(w) {
		return sts
	}
	out := make([]deploy.Status, len(sts))
	for i, st := range sts {
		st.Image = shortDigests(st.Image)
		out[i] = st
	}
	return out
}
