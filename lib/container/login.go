package container

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

// DefaultLoginTimeout bounds one login when the caller's context has no
// earlier deadline.
const DefaultLoginTimeout = 30 * time.Second

// LoginError is a failed `CLI login`. Its text never holds the password:
// the tool's output is redacted before it is kept.
type LoginError struct {
	// CLI is the tool that ran.
	CLI string
	// Host is the registry logged in to.
	Host string
	// Refused is true when the registry turned the credentials down.
	Refused bool
	// Code is the exit status, or -1 when the tool did not exit by itself.
	Code int
	// TimedOut is true when the login ran out of time.
	TimedOut bool
	// Output is the last line of the tool's output, password redacted.
	Output string
}

// Error names the tool, the host and what went wrong.
func (e *LoginError) Error() string {
	what := fmt.Sprintf("exit status %d", e.Code)
	switch {
	case e.TimedOut:
		what = "timed out"
	case e.Refused:
		what = "the registry refused the password (***)"
	}
	if e.Output == "" {
		return fmt.Sprintf("%s login %s: %s", e.CLI, e.Host, what)
	}
	return fmt.Sprintf("%s login %s: %s: %s", e.CLI, e.Host, what, e.Output)
}

// ExitStatus returns the tool's exit status, or 1 when it had none.
func (e *LoginError) ExitStatus() int {
	if e.Code > 0 {
		return e.Code
	}
	return 1
}

// Login runs `CLI login --username USER --password-stdin HOST`: the
// password goes on the tool's standard input only, never in its argv, its
// environment or any output. The tool's output is captured, not streamed,
// so a tool that echoes the password cannot show it. It is bounded by
// [DefaultLoginTimeout].
//
// # Error handling
//
// A tool missing from PATH is an error saying so. A failed login is a
// [*LoginError] whose text has the password replaced by ***.
func (c CLI) Login(ctx context.Context, host, user string, password dax.Secret) error {
	if _, err := dax.Which(c.Name); err != nil {
		return fmt.Errorf("container CLI %q not found on PATH: install it or set CONTAINER_CLI to one of %s", c.Name, strings.Join(Names, ", "))
	}
	out, err := dax.Cmd("%s login --username %s --password-stdin %s", c.Name, user, host).
		StdinSecret(password).
		Combined().
		Quiet().
		Timeout(DefaultLoginTimeout).
		Text(ctx)
	if err == nil {
		return nil
	}
	le := &LoginError{CLI: c.Name, Host: host, Code: -1, Output: lastLine(redact(out, string(password)))}
	var ce *dax.CommandError
	if errors.As(err, &ce) {
		le.Code, le.TimedOut = ce.Code, ce.TimedOut
		if le.Output == "" {
			le.Output = lastLine(redact(ce.Stderr, string(password)))
		}
	}
	le.Refused = refused(le.Output)
	return le
}

// refused reports whether a login's output says the credentials were wrong.
func refused(out string) bool {
	o := strings.ToLower(out)
	for _, s := range []string{"unauthorized", "401", "incorrect username or password", "authentication required", "denied"} {
		if strings.Contains(o, s) {
			return true
		}
	}
	return false
}

// redact replaces every occurrence of secret in s by ***.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "***")
}

// lastLine returns the last non-empty line of s, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
