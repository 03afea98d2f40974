package dax

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// level is a kind of log line: its label and its colour.
type level struct {
	label, color string
}

var (
	levelStep  = level{"==>", "\x1b[1;36m"}
	levelInfo  = level{"info:", "\x1b[32m"}
	levelWarn  = level{"warn:", "\x1b[33m"}
	levelError = level{"error:", "\x1b[1;31m"}
)

// logMu orders log lines, and what is drawn below them (liveViews),
// across goroutines.
var logMu sync.Mutex

// Step logs the start of a step of a script, like "==> Pushing image", to
// the default logger (standard error). format and args are as for
// fmt.Printf; a [Secret] prints as ***, and its value is redacted from the
// other arguments too.
//
// # Environment
//
// Lines are coloured when standard error is a terminal, unless NO_COLOR is
// set (to anything) or CI is true.
func Step(format string, args ...any) { defaultShell.Step(format, args...) }

// Info logs a line of information, like Step.
func Info(format string, args ...any) { defaultShell.Info(format, args...) }

// Warn logs a warning, like Step.
func Warn(format string, args ...any) { defaultShell.Warn(format, args...) }

// Error logs an error, like Step. It does not stop anything.
func Error(format string, args ...any) { defaultShell.Error(format, args...) }

// Step logs the start of a step to the Shell's logger; see the
// package-level [Step].
func (sh *Shell) Step(format string, args ...any) { sh.log(levelStep, format, args...) }

// Info logs a line of information to the Shell's logger.
func (sh *Shell) Info(format string, args ...any) { sh.log(levelInfo, format, args...) }

// Warn logs a warning to the Shell's logger.
func (sh *Shell) Warn(format string, args ...any) { sh.log(levelWarn, format, args...) }

// Error logs an error to the Shell's logger.
func (sh *Shell) Error(format string, args ...any) { sh.log(levelError, format, args...) }

func (sh *Shell) log(l level, format string, args ...any) {
	msg := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	msg = newRedactor(secretsIn(args)...).redact(msg)
	_, _, _, logger := sh.streams()
	if ciLog(logger, l, msg) {
		return
	}
	if useColor(logger) {
		writeLog(logger, l.color+l.label+"\x1b[0m "+msg)
	} else {
		writeLog(logger, l.label+" "+msg)
	}
}

// writeLog writes line and a newline to w as one log line: indented by
// the open groups ([Group]), and with any progress bar or prompt on the
// terminal moved below it rather than garbled.
func writeLog(w io.Writer, line string) {
	logMu.Lock()
	defer logMu.Unlock()
	nl := "\n"
	covers := len(liveViews) > 0 && isTerminal(w)
	if covers {
		clearLive()
		if rawLive() {
			nl = "\r\n" // a prompt turned output processing off
		}
	}
	if indent := indentOf(w); indent != "" {
		line = indent + strings.ReplaceAll(line, "\n", "\n"+indent)
	}
	if nl != "\n" {
		line = strings.ReplaceAll(line, "\n", nl)
	}
	_, _ = io.WriteString(w, line+nl) // a log line that cannot be written has nowhere to go
	if covers {
		drawLive()
	}
}

// useColor reports whether log lines to w get colours.
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return !isCI() && isTerminal(w)
}
