// Command magerun is the front end of `go run mage.go`, which builds it
// once and runs it with its arguments. It runs mage with them, after two
// things mage does not do:
//
//   - Any command-line word that is not a target (or a target's argument)
//     stops the run before any target starts, with mage's own message
//     (Unknown target specified: "prod") and exit status 2. mage checks a
//     word only when its turn comes, so `mage deploy prod` would deploy
//     first.
//   - When mage is about to compile the targets and has no binary of them
//     yet, it says so: the first build takes a minute or so.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/magefile/mage/mage"
	"github.com/magefile/mage/mg"

	"github.com/godax/godax/lib/dax/signals"
	"github.com/godax/godax/scripts/settings"
)

// invokedAs is how the user runs the targets through this front end, as
// its messages and mage's -h usage line should spell it.
const invokedAs = "go run mage.go"

func main() {
	args := os.Args[1:]
	if word, suggestion, ok := unknownWord(args); !ok {
		fmt.Fprintf(os.Stderr, "Unknown target specified: %q\n", word)
		if suggestion != "" {
			fmt.Fprintf(os.Stderr, "Did you mean %s? %s -l lists the targets.\n", suggestion, invokedAs)
		} else {
			fmt.Fprintf(os.Stderr, "%s -l lists the targets.\n", invokedAs)
		}
		os.Exit(2)
	}
	if compiles(args) {
		fmt.Fprintln(os.Stderr, "godax: compiling the targets; a first build takes a minute or so, later ones reuse Go's build cache")
	}
	os.Exit(run(args))
}

// run runs mage with args and returns the status to exit with. A signal
// that stops a run (SIGINT, SIGTERM, SIGHUP) reaches the whole process
// group: the targets binary mage runs handles it, while this process
// waits for it, and then exits with 128 plus the signal's number, also
// when mage reports only that its child failed (killed before it could
// handle the signal, or a compile the signal stopped).
func run(args []string) int {
	_, done := signals.Context(context.Background())
	var stdout io.Writer = os.Stdout
	if asksHelp(args) {
		// -h's usage line says "mage TARGET"; here it is run otherwise.
		// Only help is filtered: targets keep the terminal as stdout.
		u := &usageWriter{w: os.Stdout}
		defer u.flush()
		stdout = u
	}
	code := mage.ParseAndRun(stdout, os.Stderr, os.Stdin, args)
	var stopped *signals.Error
	if errors.As(done(nil), &stopped) && code != 0 {
		return stopped.ExitStatus()
	}
	return code
}

// asksHelp reports whether args ask mage for a target's help (-h).
func asksHelp(args []string) bool {
	inv, cmd, err := mage.Parse(io.Discard, io.Discard, args)
	return err == nil && cmd == mage.None && inv.Help
}

// usageWriter passes what is written to w, with the usage line's "mage"
// spelled as [invokedAs], a line at a time.
type usageWriter struct {
	w       io.Writer
	partial []byte
}

func (u *usageWriter) Write(p []byte) (int, error) {
	u.partial = append(u.partial, p...)
	for {
		i := bytes.IndexByte(u.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := u.partial[:i+1]
		if rest, ok := bytes.CutPrefix(line, []byte("\tmage ")); ok {
			line = append([]byte("\t"+invokedAs+" "), rest...)
		}
		if _, err := u.w.Write(line); err != nil {
			return 0, err
		}
		u.partial = u.partial[i+1:]
	}
}

// flush writes what is left after the last line break.
func (u *usageWriter) flush() {
	if len(u.partial) > 0 {
		_, _ = u.w.Write(u.partial) // the end of help; nowhere to report a failure
		u.partial = nil
	}
}

// runsTargets parses args as mage does and returns the invocation when they
// ask to run targets (not -l, -h, -compile or another command).
func runsTargets(args []string) (mage.Invocation, bool) {
	inv, cmd, err := mage.Parse(io.Discard, io.Discard, args)
	if err != nil || cmd != mage.None || inv.List || inv.Help || inv.Autocomplete {
		return inv, false
	}
	if inv.Dir == "" {
		inv.Dir = "."
	}
	return inv, true
}

// unknownWord returns the first word of args that is neither a target of
// the magefiles nor an argument of the target before it, the target most
// like it (or ""), and false; or "", "" and true when every word is
// known, or when the targets cannot be known here (mage then judges).
func unknownWord(args []string) (word, suggestion string, ok bool) {
	inv, ok := runsTargets(args)
	if !ok || len(inv.Args) == 0 {
		return "", "", true
	}
	targets, aliases, ok := magefileTargets(inv.Dir)
	if !ok {
		return "", "", true
	}
	if word, ok = checkWords(inv.Args, targets, aliases); ok {
		return "", "", true
	}
	return word, closest(word, targets), false
}

// closest returns the target whose name is nearest word, when it is near
// enough to be what the user meant (a few letters off, or spelled with
// another separator), else "".
func closest(word string, targets map[string]int) string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == ':' || r == '.' {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	best, bestDist := "", 0
	for _, name := range slices.Sorted(maps.Keys(targets)) {
		d := distance(norm(word), norm(name))
		if best == "" || d < bestDist {
			best, bestDist = name, d
		}
	}
	if best == "" || bestDist > max(1, len(norm(best))/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// checkWords checks words against targets (name to number of arguments)
// and aliases, ignoring case as mage does.
func checkWords(words []string, targets map[string]int, aliases []string) (string, bool) {
	lower := map[string]int{}
	for name, n := range targets {
		lower[strings.ToLower(name)] = n
	}
	for i := 0; i < len(words); i++ {
		w := strings.ToLower(words[i])
		if n, ok := lower[w]; ok {
			i += n
			continue
		}
		if slices.ContainsFunc(aliases, func(a string) bool { return strings.ToLower(a) == w }) {
			continue
		}
		return words[i], false
	}
	return "", true
}

// magefileTargets reads the targets of the magefiles in dir (the .go
// files with the mage build tag). It returns false when it cannot tell
// them all: a file does not parse, or imports targets from elsewhere.
func magefileTargets(dir string) (map[string]int, []string, bool) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, false
	}
	targets := map[string]int{}
	var aliases []string
	found := false
	for _, f := range files {
		if !isMagefile(f) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, false
		}
		decls, as, imports, _, err := settings.MagefileTargets(src)
		if err != nil {
			return nil, nil, false
		}
		for _, imported := range imports {
			// godax's own targets are known here; another package's,
			// or godax's under a namespace, are mage's to judge.
			if imported != settings.ImportPath {
				return nil, nil, false
			}
			for _, t := range settings.Targets {
				if t.File == settings.TargetsFile {
					targets[t.Name] = 0
				}
			}
		}
		for name, d := range decls {
			targets[name] = d.Args
		}
		aliases = append(aliases, as...)
		found = true
	}
	return targets, aliases, found
}

// isMagefile reports whether the file at path is a magefile as mage
// tells them: built with the mage tag, and not without it.
func isMagefile(path string) bool {
	dir, name := filepath.Split(path)
	withTag := build.Default
	withTag.BuildTags = []string{"mage"}
	yes, err := withTag.MatchFile(dir, name)
	if err != nil || !yes {
		return false
	}
	no, err := build.Default.MatchFile(dir, name)
	return err == nil && !no
}

// compiles reports whether mage, given args, is about to build the
// targets binary while its cache has none for these magefiles.
func compiles(args []string) bool {
	inv, ok := runsTargets(args)
	if !ok {
		inv2, cmd, err := mage.Parse(io.Discard, io.Discard, args)
		if err != nil || cmd != mage.CompileStatic {
			return false
		}
		inv = inv2
		if inv.Dir == "" {
			inv.Dir = "."
		}
	}
	files, err := filepath.Glob(filepath.Join(inv.Dir, "*.go"))
	if err != nil {
		return false
	}
	files = slices.DeleteFunc(files, func(f string) bool { return !isMagefile(f) })
	exe, err := mage.ExeName(inv.GoCmd, mg.CacheDir(), files)
	if err != nil {
		return false
	}
	_, err = os.Stat(exe)
	return os.IsNotExist(err)
}
