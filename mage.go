//go:build ignore

// This file lets the targets in magefile.go run without installing mage:
//
//	go run mage.go <target>
//	go run mage.go -l
//
// It hands its arguments to the targets' front end, scripts/internal/magerun,
// which checks them and runs mage. It compiles the front end once into the
// user cache folder, under a name that hashes everything the build depends
// on (go.mod, go.sum, the front end's sources and the Go version), and
// says so while it does, since nothing else would print then. Later runs
// start the compiled front end at once, and mark it used. A build removes
// the front ends no run has used for a month (a checkout whose sources
// differ has its own), so they do not pile up in the cache folder. It
// imports only the standard library's basics (FNV rather than SHA-256 for the hash: crypto packages
// take longer to compile on a cold build cache), so that it compiles
// quickly itself.
package main

import (
	"encoding/hex"
	"errors"
	"hash/fnv"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// frontEnd is the front end's package, and the folders of this module
// whose Go files it is built from.
const frontEnd = "./scripts/internal/magerun"

var frontEndSources = []string{"scripts/internal/magerun", "scripts/settings", "lib/dax/signals"}

// unusedFor is how long a front end may go unused before a build of
// another removes it. One removed while a checkout still needs it is
// built again by its next run.
const unusedFor = 30 * 24 * time.Hour

func main() {
	exe, err := frontEndPath()
	if err != nil {
		fail(err)
	}
	if _, err := os.Stat(exe); errors.Is(err, fs.ErrNotExist) {
		os.Stderr.WriteString("godax: compiling the targets' front end (mage); this happens once, later runs start it at once\n")
		if err := build(exe); err != nil {
			fail(err)
		}
		removeUnused(exe)
	} else if err != nil {
		fail(err)
	} else {
		_ = os.Chtimes(exe, time.Time{}, time.Now()) // used now; a zero time leaves the access time alone
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// A signal that stops a run (Ctrl-C's SIGINT, the SIGTERM of timeout,
	// systemd or a CI runner, a closed terminal's SIGHUP) reaches the
	// whole process group: the targets handle it, and this program waits
	// for them and exits with their status. go run itself exits at once
	// on SIGTERM and SIGHUP, and 1 whatever the status, so scripts that
	// need the status run the compiled targets (go run mage.go install).
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			os.Exit(128 + int(ws.Signal())) // as a shell reports a program a signal ended
		}
		if code := exit.ExitCode(); code > 0 {
			os.Exit(code)
		}
		os.Exit(1)
	}
	if err != nil {
		fail(err)
	}
}

// frontEndPath is where the front end built from these sources lives.
func frontEndPath() (string, error) {
	h := fnv.New128a()
	h.Write([]byte(runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + " " + os.Getenv("GOFLAGS") + "\n"))
	files := []string{"go.mod", "go.sum"}
	for _, dir := range frontEndSources {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return "", err
		}
		for _, n := range names {
			if !strings.HasSuffix(n, "_test.go") {
				files = append(files, n)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write([]byte(filepath.ToSlash(f) + "\n"))
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	name := "magerun-" + hex.EncodeToString(h.Sum(nil))
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(cache, "godax", name), nil
}

// build compiles the front end to exe, through a file of its own in the
// same folder, renamed into place: runs that build at once each rename a
// whole binary.
func build(exe string) error {
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(exe), filepath.Base(exe)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := f.Close(); err != nil {
		return err
	}
	defer os.Remove(tmp)
	cmd := exec.Command("go", "build", "-o", tmp, frontEnd)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return errors.New("go build " + frontEnd + ": " + err.Error())
	}
	return os.Rename(tmp, exe)
}

// removeUnused removes the other front ends beside exe that no run has
// used for [unusedFor]. It is best effort: one that cannot be removed
// stays until the next build.
func removeUnused(exe string) {
	others, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), "magerun-*"))
	for _, p := range others {
		if p == exe || strings.HasSuffix(p, ".tmp") {
			continue
		}
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > unusedFor {
			_ = os.Remove(p)
		}
	}
}

func fail(err error) {
	os.Stderr.WriteString("mage.go: " + err.Error() + "\n")
	os.Exit(1)
}
