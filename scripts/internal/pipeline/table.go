package pipeline

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/godax/godax/lib/deploy"
)

// onTerminal reports whether w is a terminal, where people read tables,
// rather than a pipe or a file, where programs do.
func onTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// forLog returns s for a log line: with its digests shortened when the
// log (standard error) is a terminal, so that lines fit one; whole
// otherwise.
func forLog(s string) string {
	if onTerminal(os.Stderr) {
		return deploy.ShortDigests(s)
	}
	return s
}

// logReporter is a deploy's [deploy.ShellReporter] whose progress lines
// go through [forLog].
type logReporter struct{ *deploy.ShellReporter }

// Progress logs "target: line", its digests shortened on a terminal.
func (r logReporter) Progress(target, line string) { r.ShellReporter.Progress(target, forLog(line)) }

// writeTable writes outcomes to w: compact on a terminal, where people
// read it ([deploy.WriteCompactTable]); whole elsewhere (a pipe, CI), for
// programs ([deploy.WriteTable]).
func writeTable(w io.Writer, outcomes []deploy.Outcome) error {
	if onTerminal(w) {
		return deploy.WriteCompactTable(w, outcomes)
	}
	return deploy.WriteTable(w, outcomes)
}

// writeStatusTable is [writeTable] for a status table.
func writeStatusTable(w io.Writer, sts []deploy.Status) error {
	if onTerminal(w) {
		return deploy.WriteCompactStatusTable(w, sts)
	}
	return deploy.WriteStatusTable(w, sts)
}
