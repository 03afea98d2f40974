//go:build unix

package credhelper

import (
	"fmt"
	"os"
	"syscall"
)

// handoff replaces this process with the program named fetcher, which
// serves the get itself: one program start on a miss instead of two, and
// nothing to pass back. It returns only when the fetcher cannot be run.
func handoff(serverURL, fetcher string) error {
	path, err := fetcherPath(fetcher)
	if err != nil {
		return err
	}
	err = syscall.Exec(path, []string{path, HandoffAction, serverURL}, fetcherEnv(os.Environ()))
	return fmt.Errorf("run %s: %w", path, err)
}

// fetcherEnv is env for the fetcher: unless the caller sets GOMAXPROCS,
// the fetcher runs on one processor. Its work is one step after another;
// with more processors the runtime starts threads to run the HTTP
// client's goroutines beside the caller's, which here cost 1.3 to 2.3 ms
// of a 28 ms fetch (interleaved runs, medians). A program the fetcher
// starts (a credential_process) sees the setting too.
func fetcherEnv(env []string) []string {
	if os.Getenv("GOMAXPROCS") != "" {
		return env
	}
	return append(env, "GOMAXPROCS=1")
}
