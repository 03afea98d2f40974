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
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/magefile/mage/mage"
	"github.com/magefile/mage/mg"

	"github.com/godax/godax/lib/dax/signals"
	"github.com/godax/godax/scripts/settings"
)

func main() {
	args := os.Args[1:]
	if word, ok := unknownWord(args); !ok {
		fmt.Fprintf(os.Stderr, "Unknown target specified: %q\n", word)
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
	code := mage.ParseAndRun(os.Stdout, os.Stderr, os.Stdin, args)
	var stopped *signals.Error
	if errors.As(done(nil), &stopped) && code != 0 {
		return stopped.ExitStatus()
	}
	return code
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
// the magefiles nor an argument of the target before it, and false; or ""
// and true when every word is known, or when the targets cannot be known
// here (mage then judges).
func unknownWord(args []string) (string, bool) {
	inv, ok := runsTargets(args)
	if !ok || len(inv.Args) == 0 {
		return "", true
	}
	targets, aliases, ok := magefileTargets(inv.Dir)
	if !ok {
		return "", true
	}
	return checkWords(inv.Args, targets, aliases)
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
