package dax

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ciFlavour is a CI system whose log markup dax writes: GitHub Actions'
// workflow commands or GitLab's collapsible sections.
type ciFlavour int

const (
	ciNone ciFlavour = iota
	ciGitHub
	ciGitLab
)

// ciFor returns the CI system whose runner reads what is written to w:
// GitHub Actions when GITHUB_ACTIONS is true, GitLab when GITLAB_CI is
// true, and none otherwise or when w is not the process's own standard
// output or error, the streams the runner reads.
func ciFor(w io.Writer) ciFlavour {
	if w != io.Writer(os.Stdout) && w != io.Writer(os.Stderr) {
		return ciNone
	}
	switch {
	case os.Getenv("GITHUB_ACTIONS") == "true":
		return ciGitHub
	case os.Getenv("GITLAB_CI") == "true":
		return ciGitLab
	}
	return ciNone
}

// writeCI writes line and a newline to w, not indented: the runner takes
// a command only at the start of a line.
func writeCI(w io.Writer, line string) {
	logMu.Lock()
	defer logMu.Unlock()
	_, _ = io.WriteString(w, line+"\n") // a log line that cannot be written has nowhere to go
}

// githubEscape escapes s as the data of a workflow command, as GitHub's
// runner unescapes it: %, carriage return and newline.
func githubEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ciLog writes a warning or an error as the CI system's annotation, and
// reports whether it did.
func ciLog(w io.Writer, l level, msg string) bool {
	if ciFor(w) != ciGitHub {
		return false
	}
	switch l {
	case levelWarn:
		writeCI(w, "::warning::"+githubEscape(msg))
	case levelError:
		writeCI(w, "::error::"+githubEscape(msg))
	default:
		return false
	}
	return true
}

// sectionCount numbers GitLab sections, whose names must be unique in a
// job's log.
var sectionCount atomic.Uint64

// ciGroup opens a collapsible group titled title in the CI system's log,
// and returns what closes it; nil when w's CI system has none.
func ciGroup(w io.Writer, title string) (end func()) {
	switch ciFor(w) {
	case ciGitHub:
		writeCI(w, "::group::"+githubEscape(title))
		return func() { writeCI(w, "::endgroup::") }
	case ciGitLab:
		name := fmt.Sprintf("dax_group_%d", sectionCount.Add(1))
		title = strings.NewReplacer("\r", " ", "\n", " ").Replace(title)
		writeCI(w, fmt.Sprintf("\x1b[0Ksection_start:%d:%s[collapsed=true]\r\x1b[0K%s", time.Now().Unix(), name, title))
		return func() {
			writeCI(w, fmt.Sprintf("\x1b[0Ksection_end:%d:%s\r\x1b[0K", time.Now().Unix(), name))
		}
	}
	return nil
}

// masked holds the values announced to GitHub's runner with add-mask, so
// that each is announced once per process.
var masked sync.Map

// minMaskedEncoding is the shortest base64 form of a secret worth
// masking: a shorter one would hide common text all over the log.
const minMaskedEncoding = 8

// maskSecrets asks GitHub's runner, reading w, to hide secrets wherever
// a log line shows them, and their base64 forms, before a command that
// could show them runs. Elsewhere it does nothing.
func maskSecrets(w io.Writer, secrets []string) {
	if len(secrets) == 0 || ciFor(w) != ciGitHub {
		return
	}
	for _, s := range secrets {
		for _, v := range maskForms(s) {
			if _, seen := masked.LoadOrStore(v, true); !seen {
				writeCI(w, "::add-mask::"+githubEscape(v))
			}
		}
	}
}

// maskForms returns what to mask for secret: each of its lines (the
// runner masks line by line), and for each line the part of its base64
// encoding that does not depend on what comes before or after it, at
// each of the three alignments a prefix can give it, in the standard and
// the URL alphabet. docker, for one, prints base64("AWS:" + password).
func maskForms(secret string) []string {
	var forms []string
	for line := range strings.Lines(secret) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		forms = append(forms, line)
		for k := range 3 {
			core := base64Fragment(base64.StdEncoding, line, k)
			if len(core) < minMaskedEncoding {
				continue
			}
			forms = append(forms, core)
			if url := strings.NewReplacer("+", "-", "/", "_").Replace(core); url != core {
				forms = append(forms, url)
			}
		}
	}
	return forms
}
