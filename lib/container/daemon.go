package container

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

// DefaultPingTimeout bounds [CLI.Ping].
const DefaultPingTimeout = 20 * time.Second

// DaemonError is a container CLI that is installed but cannot reach the
// daemon (or machine) it builds and pushes with.
type DaemonError struct {
	// CLI is the tool's name.
	CLI string
	// Where says which daemon was asked, e.g. "DOCKER_HOST=unix:///run/x.sock".
	Where string
	// Reason is the last line of the tool's error output.
	Reason string
	// Err is the command's error.
	Err error
}

// Error reads "docker daemon not reachable at DOCKER_HOST=...: reason".
func (e *DaemonError) Error() string {
	return fmt.Sprintf("%s daemon not reachable at %s: %s", e.CLI, e.Where, e.Reason)
}

// Unwrap returns the command's error.
func (e *DaemonError) Unwrap() error { return e.Err }

// Ping checks, before any work, that the CLI is on PATH and that its
// daemon answers: `docker version` asks the server for its version;
// podman, nerdctl and finch run `info`. It is bounded by
// [DefaultPingTimeout].
//
// # Environment
//
// The tool reads its own variables: DOCKER_HOST, DOCKER_CONTEXT and
// DOCKER_CONFIG for docker, CONTAINER_HOST for podman, CONTAINERD_ADDRESS
// for nerdctl. The error names the one in effect.
//
// # Error handling
//
// A tool missing from PATH is an error saying so; a daemon that does not
// answer is a [*DaemonError].
func (c CLI) Ping(ctx context.Context) error {
	if err := c.lookPath(); err != nil {
		return err
	}
	cmd := c.cmd("%s info", c.Name)
	if c.Name == "docker" {
		cmd = c.cmd("docker version --format %s", "{{.Server.Version}}")
	}
	_, err := cmd.Quiet().Timeout(DefaultPingTimeout).Text(ctx)
	if err == nil {
		return nil
	}
	reason := err.Error()
	var ce *dax.CommandError
	if errors.As(err, &ce) {
		reason = lastLine(ce.Stderr)
		if ce.TimedOut() {
			reason = fmt.Sprintf("no answer within %s", ce.Timeout)
		} else if reason == "" {
			reason = fmt.Sprintf("exit status %d", ce.Code)
		}
	}
	return &DaemonError{CLI: c.Name, Where: c.daemonAddress(), Reason: reason, Err: err}
}

// daemonAddress names the daemon the CLI talks to, from its environment.
func (c CLI) daemonAddress() string {
	vars := map[string][]string{
		"docker":  {"DOCKER_HOST", "DOCKER_CONTEXT"},
		"podman":  {"CONTAINER_HOST", "CONTAINER_CONNECTION"},
		"nerdctl": {"CONTAINERD_ADDRESS"},
	}[c.Name]
	for _, k := range vars {
		if v := os.Getenv(k); v != "" {
			return k + "=" + v
		}
	}
	if len(vars) == 0 {
		return "its default address"
	}
	return "the default address (" + strings.Join(vars, " and ") + " unset)"
}

// lookPath checks the CLI is a program on PATH: its Shell's PATH, or for
// a Shell that answers the tool's commands itself (a test's), the Shell's
// word for it.
func (c CLI) lookPath() error {
	find := dax.Which
	if c.Shell != nil {
		find = c.Shell.LookPath
	}
	if _, err := find(c.Name); err != nil {
		return fmt.Errorf("container CLI %q not found on PATH: install it or set CONTAINER_CLI to one of %s", c.Name, strings.Join(Names, ", "))
	}
	return nil
}
