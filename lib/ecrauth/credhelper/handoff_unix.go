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

// fetcherEnv is env for the fetcher: when the caller tunes neither, the
// garbage collector is off below a memory limit. The fetcher lives for
// one AWS call and allocates a few MiB, mostly the SDK's tables at init,
// which a collection would only walk again.
func fetcherEnv(env []string) []string {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return env
	}
	return append(env, "GOGC=off", "GOMEMLIMIT="+fetcherMemLimit)
}

// fetcherMemLimit bounds the fetcher's heap while its collector is off:
// past it, the collector runs again.
const fetcherMemLimit = "128MiB"
