package container

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	// Code is the exit status: 124 when the login timed out or was
	// cancelled, -1 when the tool could not run.
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
// so a tool that echoes the password cannot show it. It is bounded by ctx's
// deadline, or by [DefaultLoginTimeout] when ctx has none. Login is shorthand for [CLI.StartLogin] followed
// by [PendingLogin.Finish].
//
// # Error handling
//
// A tool missing from PATH is an error saying so. A failed login is a
// [*LoginError] whose text has the password replaced by ***.
func (c CLI) Login(ctx context.Context, host, user string, password dax.Secret) error {
	p, err := c.StartLogin(ctx, host, user)
	if err != nil {
		return err
	}
	return p.Finish(password)
}

// PendingLogin is a login whose tool is running and waiting for the
// password on its standard input. Starting the tool before the password
// is known hides its start-up time behind the token request.
type PendingLogin struct {
	cli, host string
	ctx       context.Context // the login's; its deadline is the login's
	proc      *dax.Process
	stdinR    *io.PipeReader
	stdin     *io.PipeWriter
	read      chan struct{} // closed once the tool's output is all read
	out       []byte
}

// StartLogin starts `CLI login --username USER --password-stdin HOST` and
// returns at once; the tool waits for [PendingLogin.Finish] to give it the
// password, or [PendingLogin.Abort] to stop it. One of the two must be
// called. The login is bounded by ctx's deadline, or by
// [DefaultLoginTimeout] from now when ctx has none.
func (c CLI) StartLogin(ctx context.Context, host, user string) (*PendingLogin, error) {
	if err := c.lookPath(); err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	cmd := c.cmd("%s login --username %s --password-stdin %s", c.Name, user, host).Stdin(pr).Combined()
	if _, ok := ctx.Deadline(); !ok {
		cmd = cmd.Timeout(DefaultLoginTimeout)
	}
	proc, err := cmd.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s login %s: %w", c.Name, host, err)
	}
	p := &PendingLogin{cli: c.Name, host: host, ctx: ctx, proc: proc, stdinR: pr, stdin: pw, read: make(chan struct{})}
	go func() {
		defer close(p.read)
		// The output is kept, not streamed, so that a tool echoing the
		// password cannot show it. Its error is the command's, which
		// Wait returns.
		p.out, _ = io.ReadAll(proc.Stdout())
	}()
	return p, nil
}

var (
	errLoginOver    = errors.New("login already over")
	errLoginAborted = errors.New("login aborted")
)

// wait waits for the tool and its output, and ends the password's pipe.
func (p *PendingLogin) wait() error {
	<-p.read
	err := p.proc.Wait()
	// Unblock a Finish still writing to a tool that has exited.
	p.stdinR.CloseWithError(errLoginOver)
	return err
}

// Finish gives the tool the password, waits for it and reports how the
// login went (see [CLI.Login]).
func (p *PendingLogin) Finish(password dax.Secret) error {
	go func() {
		_, err := io.WriteString(p.stdin, string(password))
		p.stdin.CloseWithError(err) // nil: a clean end of input
	}()
	err := p.wait()
	if err == nil {
		return nil
	}
	le := &LoginError{CLI: p.cli, Host: p.host, Code: -1, Output: lastLine(redact(string(p.out), string(password)))}
	var ce *dax.CommandError
	if errors.As(err, &ce) {
		le.Code = ce.Code
		le.TimedOut = ce.TimedOut() || (ce.Cancelled() && errors.Is(p.ctx.Err(), context.DeadlineExceeded))
	}
	le.Refused = refused(le.Output)
	return le
}

// Abort stops the tool without giving it a password and waits for it.
func (p *PendingLogin) Abort() {
	p.proc.Kill()
	p.stdin.CloseWithError(errLoginAborted)
	_ = p.wait() // aborted: the tool's error is expected
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
