package dax

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// Shell is a configured base for commands: the environment, working
// directory, standard streams and logger they start with. A Shell is
// immutable and safe for concurrent use. Build one with [New]; the
// package-level [Cmd] uses a Shell with every default.
type Shell struct {
	env map[string]string // nil: the process environment at run time
	dir string            // "": the process working directory at run time
	// nil: os.Stdin, os.Stdout and os.Stderr as they are at run time.
	stdin                  io.Reader
	noStdin                bool
	stdout, stderr, logger io.Writer
	grace                  time.Duration
	noGroup                bool
	tailSize               int
}

// Option configures a [Shell] built by [New].
type Option func(*Shell) error

// defaultShell is what the package-level functions use.
var defaultShell = mustNew()

func mustNew() *Shell {
	sh, err := New()
	if err != nil {
		panic(err) // New without options cannot fail
	}
	return sh
}

// New returns a Shell configured by opts. It fails when an option's value
// is unusable, such as a working directory that does not exist.
func New(opts ...Option) (*Shell, error) {
	sh := &Shell{
		grace:    2 * time.Second,
		tailSize: 4096,
	}
	for _, opt := range opts {
		if err := opt(sh); err != nil {
			return nil, fmt.Errorf("dax.New: %w", err)
		}
	}
	return sh, nil
}

// WithEnv sets the environment commands start with, replacing the process
// environment. The default is the process environment as it is when each
// command runs. [Command.Env] adds to it.
func WithEnv(env map[string]string) Option {
	return func(sh *Shell) error {
		sh.env = cloneMap(env)
		if sh.env == nil {
			sh.env = map[string]string{}
		}
		return nil
	}
}

// WithDir sets the working directory commands start in; it must exist.
// The default is the process's working directory when each command runs.
func WithDir(dir string) Option {
	return func(sh *Shell) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("working directory %q: %w", dir, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return fmt.Errorf("working directory: %w", err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("working directory %q is not a directory", dir)
		}
		sh.dir = abs
		return nil
	}
}

// WithStdin sets where commands read standard input from when they are
// not given any with [Command.Stdin]. The default is os.Stdin as it is
// when each command runs; nil means no input (an empty stream).
func WithStdin(r io.Reader) Option {
	return func(sh *Shell) error {
		sh.stdin, sh.noStdin = r, r == nil
		return nil
	}
}

// WithStdout sets where [Command.Run] streams standard output. The
// default is os.Stdout as it is when each command runs. w must not be
// nil; use io.Discard for nothing.
func WithStdout(w io.Writer) Option {
	return func(sh *Shell) error {
		if w == nil {
			return errors.New("stdout writer is nil; use io.Discard to drop output")
		}
		sh.stdout = w
		return nil
	}
}

// WithStderr sets where commands' standard error is streamed. The default
// is os.Stderr as it is when each command runs. w must not be nil; use
// io.Discard for nothing.
func WithStderr(w io.Writer) Option {
	return func(sh *Shell) error {
		if w == nil {
			return errors.New("stderr writer is nil; use io.Discard to drop output")
		}
		sh.stderr = w
		return nil
	}
}

// WithLogger sets where [Command.PrintCommand] and the Shell's
// [Shell.Step], [Shell.Info], [Shell.Warn] and [Shell.Error] write. The
// default is os.Stderr as it is when each line is written. w must not be
// nil.
func WithLogger(w io.Writer) Option {
	return func(sh *Shell) error {
		if w == nil {
			return errors.New("logger writer is nil; use io.Discard to drop log lines")
		}
		sh.logger = w
		return nil
	}
}

// WithKillGrace sets how long a cancelled or timed-out command gets
// between the polite signal (SIGTERM to its process group) and SIGKILL.
// The default is 2s; it must not be negative.
func WithKillGrace(d time.Duration) Option {
	return func(sh *Shell) error {
		if d < 0 {
			return fmt.Errorf("kill grace %s is negative", d)
		}
		sh.grace = d
		return nil
	}
}

// WithoutProcessGroups makes external commands stay in the caller's
// process group. Cancellation then signals only the direct child, not the
// processes it started. The default is a new process group per external
// command, except when standard input is a terminal (see [Command]).
func WithoutProcessGroups() Option {
	return func(sh *Shell) error {
		sh.noGroup = true
		return nil
	}
}

// streams returns the Shell's stdin, stdout, stderr and logger, with the
// process's own for those not configured.
func (sh *Shell) streams() (stdin io.Reader, stdout, stderr, logger io.Writer) {
	stdin, stdout, stderr, logger = sh.stdin, sh.stdout, sh.stderr, sh.logger
	if stdin == nil && !sh.noStdin {
		stdin = os.Stdin
	}
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	if logger == nil {
		logger = os.Stderr
	}
	return stdin, stdout, stderr, logger
}

// Cmd returns a command run by sh; see the package-level [Cmd] for the
// format and its holes.
func (sh *Shell) Cmd(format string, args ...any) Command {
	r, err := render(format, args)
	c := Command{sh: sh, text: r, err: err}
	if err == nil {
		c.file, c.err = syntax.NewParser().Parse(strings.NewReader(r.exec), "")
		if c.err != nil {
			c.err = fmt.Errorf("parse %s: %w", r.shown, c.redactErr(c.err))
		}
	}
	return c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
