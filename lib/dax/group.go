package dax

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
)

// groupIndent is what each open group adds before a log line.
const groupIndent = "  "

// groupDepth counts the open groups of each logger; logMu guards it. It
// is made by the first group, so that init does no work for it.
var groupDepth map[any]int

// groupKey returns the key of the logger w in groupDepth: w itself, or
// nil, shared, for the rare writer that cannot be a map key.
func groupKey(w io.Writer) any {
	if t := reflect.TypeOf(w); t == nil || !t.Comparable() {
		return nil
	}
	return w
}

// indentOf returns the indentation of lines logged to w. logMu must be
// held.
func indentOf(w io.Writer) string {
	return strings.Repeat(groupIndent, groupDepth[groupKey(w)])
}

// Group logs a title as a step, like [Step], then indents every line
// logged to the same logger (standard error), from any goroutine, until
// end is called. Groups nest. format and args are as for fmt.Printf; an
// empty format logs no title. Calling end more than once ends the group
// once.
//
//	end := dax.Group("Deploying %d targets", len(targets))
//	defer end()
//
// As in dax, groups belong to the logger, not to a goroutine: a line
// another goroutine logs to it while a group is open is indented too.
func Group(format string, args ...any) (end func()) { return defaultShell.Group(format, args...) }

// Group logs a title to the Shell's logger and indents the lines logged
// to it until end is called; see the package-level [Group].
func (sh *Shell) Group(format string, args ...any) (end func()) {
	_, _, _, logger := sh.streams()
	var ciEnd func()
	if format != "" {
		if ciEnd = ciGroup(logger, fmt.Sprintf(format, args...)); ciEnd == nil {
			sh.log(levelStep, format, args...)
		}
	}
	key := groupKey(logger)
	logMu.Lock()
	if groupDepth == nil {
		groupDepth = map[any]int{}
	}
	groupDepth[key]++
	logMu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			logMu.Lock()
			if groupDepth[key]--; groupDepth[key] <= 0 {
				delete(groupDepth, key)
			}
			logMu.Unlock()
			if ciEnd != nil {
				ciEnd()
			}
		})
	}
}
