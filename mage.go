//go:build ignore

// This file lets the targets in magefile.go run without installing mage:
//
//	go run mage.go <target>
//	go run mage.go -l
//
// It hands its arguments to the targets' front end, scripts/internal/magerun,
// with `go tool magerun`: Go builds that once and keeps it in its build
// cache. When the build takes more than a moment (the first run, or after
// Go or mage is upgraded), this file says so, since nothing else would
// print while it runs. It imports only what a program needs to start
// another, so that it compiles at once itself.
package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"time"
)

// quietFor is how long the front end may take to start before this file
// says that Go is compiling it.
const quietFor = time.Second

func main() {
	// A file the front end creates as it starts: until it exists, Go is
	// still compiling it.
	f, err := os.CreateTemp("", "godax-magerun-")
	if err != nil {
		fail(err)
	}
	started := f.Name()
	if err := f.Close(); err != nil {
		fail(err)
	}
	if err := os.Remove(started); err != nil {
		fail(err)
	}
	defer os.Remove(started)

	cmd := exec.Command("go", append([]string{"tool", "magerun"}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "GODAX_MAGERUN_STARTED="+started)
	// An interrupt reaches the whole process group; the targets handle it
	// and this file waits for them to finish.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	notice := time.AfterFunc(quietFor, func() {
		if _, err := os.Stat(started); err != nil {
			os.Stderr.WriteString("godax: compiling the targets' front end (mage); this happens once, later runs reuse Go's build cache\n")
		}
	})
	err = cmd.Wait()
	notice.Stop()
	os.Remove(started)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code > 0 {
			os.Exit(code)
		}
		os.Exit(1) // killed by a signal
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	os.Stderr.WriteString("mage.go: " + err.Error() + "\n")
	os.Exit(1)
}
