package dax

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Shell is a configured base for commands: the environment, working
// directory, standard streams, logger, commands and middleware they start
// with. Build one with [New]; the package-level [Cmd] uses a Shell with
// every default. A Shell is safe for concurrent use.
//
// Its options are fixed once built. Its state, the working directory and
// the variables commands start with, changes only through [Shell.Cd],
// [Shell.SetEnv] and commands run with [Command.ExportEnv]; each command
// takes a snapshot of it when it starts.
type Shell struct {
	// nil: os.Stdin, os.Stdout and os.Stderr as they are at run time.
	stdin                  io.Reader
	noStdin                bool
	stdout, stderr, logger io.Writer
	grace                  time.Duration
	noGroup                bool
	tailSize               int
	printCommands, quiet   bool
	shellOpts              map[string]bool
	commands               map[string]BuiltinFunc
	handlers               []func(interp.ExecHandlerFunc) interp.ExecHandlerFunc
	lookPaths              []func(name string) (string, bool)

	mu  sync.RWMutex
	env map[string]string // nil: the process environment at run time
	// envSet holds what SetEnv and ExportEnv changed on top of the
	// process environment when env is nil; a nil value unsets.
	envSet map[string]*string
	dir    string // "": the process working directory at run time
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
		grace:     2 * time.Second,
		tailSize:  4096,
		shellOpts: map[string]bool{"globstar": true},
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
		sh.envSet = nil
		return nil
	}
}

// WithDir sets the working directory commands start in; it must exist.
// The default is the process's working directory when each command runs.
func WithDir(dir string) Option {
	return func(sh *Shell) error {
		abs, err := checkDir(dir, "")
		sh.dir = abs
		return err
	}
}

// checkDir returns dir made absolute (from base, or the process's working
// directory when base is ""), and fails unless it is a directory.
func checkDir(dir, base string) (string, error) {
	abs := dir
	if !filepath.IsAbs(dir) {
		if base == "" {
			var err error
			if base, err = os.Getwd(); err != nil {
				return "", fmt.Errorf("working directory %q: %w", dir, err)
			}
		}
		abs = filepath.Join(base, dir)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("working directory %q is not a directory", dir)
	}
	return filepath.Clean(abs), nil
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
	vetPrintf(format, args...)
	r, err := render(format, args)
	c := Command{sh: sh, text: r, err: err}
	if err == nil {
		c.file, c.err = syntax.NewParser().Parse(strings.NewReader(r.exec), "")
		if c.err != nil {
			c.err = fmt.Errorf("parse %s: %w", r.shown, c.redactErr(c.err))
		} else {
			c.funcs = prepare(c.file)
		}
	}
	return c
}

// vetPrintf does nothing when it runs. Its body hands format and args on
// unchanged to fmt.Sprintf, and that is what makes go vet's printf check
// treat [Cmd] and [Shell.Cmd] as printf wrappers: it then reports a hole
// without an argument, an argument without a hole and a wrong verb.
func vetPrintf(format string, args ...any) {
	if false {
		_ = fmt.Sprintf(format, args...)
	}
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

// The shell options [WithShellOption] and [Command.ShellOption] take:
// bash's shopt options and the options of set -o that the interpreter
// supports.
var (
	bashOptions  = []string{"dotglob", "extglob", "globstar", "nocaseglob", "nullglob"}
	posixOptions = []string{"allexport", "errexit", "noglob", "nounset", "pipefail", "xtrace"}
)

// checkShellOption fails for an option the interpreter does not have.
func checkShellOption(name string) error {
	switch {
	case slices.Contains(bashOptions, name), slices.Contains(posixOptions, name):
		return nil
	case name == "failglob":
		return errors.New("shell option failglob is not supported by the interpreter (mvdan.cc/sh)")
	}
	return fmt.Errorf("unknown shell option %q; known: %s", name, strings.Join(slices.Concat(bashOptions, posixOptions), ", "))
}

// shellOption sets the option name (checked) on or off.
func shellOption(name string, on bool) interp.RunnerOption {
	if slices.Contains(bashOptions, name) {
		if on {
			return interp.BashOpts("-s", name)
		}
		return interp.BashOpts("-u", name)
	}
	if on {
		return interp.Params("-o", name)
	}
	return interp.Params("+o", name)
}

// WithShellOption sets the shell option name on or off for every command
// of the Shell, as `shopt -s NAME` or `set -o NAME` would. name is one of
// bash's dotglob, extglob, globstar, nocaseglob and nullglob, or one of
// allexport, errexit, noglob, nounset, pipefail and xtrace. globstar is on
// by default, so that ** matches directories recursively, as in dax;
// every other option is off, as in bash. failglob is not supported.
// [Command.ShellOption] sets one for a single command.
func WithShellOption(name string, on bool) Option {
	return func(sh *Shell) error {
		if err := checkShellOption(name); err != nil {
			return err
		}
		sh.shellOpts = maps.Clone(sh.shellOpts)
		sh.shellOpts[name] = on
		return nil
	}
}

// WithCommand makes name a command implemented by fn for the Shell's
// commands, ahead of any program of that name on PATH, of the commands
// registered with [Register], and of the shell's own builtins (echo,
// true, cd ...): any of them can be replaced. name must be a plain
// command word: letters, digits and "-_.+:@,%^" with no "/", "=", space,
// quote or glob character, and not a shell keyword.
func WithCommand(name string, fn BuiltinFunc) Option {
	return func(sh *Shell) error {
		if err := checkCommand(name, fn); err != nil {
			return err
		}
		sh.commands = maps.Clone(sh.commands)
		if sh.commands == nil {
			sh.commands = map[string]BuiltinFunc{}
		}
		sh.commands[name] = fn
		return nil
	}
}

// WithExecHandlers adds middleware around the commands the Shell runs,
// as interp.ExecHandlers does: each gets the next handler and returns
// one, which receives the command's arguments and finds its streams,
// directory and environment with interp.HandlerCtx. The first one given
// runs first. It sees every command that is not a shell builtin: programs,
// dax's builtins (cat, rm ...) and those added with [WithCommand] or
// [Register]. Use it to print, record, fake or skip commands (a dry run);
// each middleware should call next at most once. Nil middleware is an
// error.
func WithExecHandlers(mw ...func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc) Option {
	return func(sh *Shell) error {
		for i, m := range mw {
			if m == nil {
				return fmt.Errorf("exec handler %d is nil", i+1)
			}
		}
		sh.handlers = slices.Concat(sh.handlers, mw)
		return nil
	}
}

// WithLookPath makes fn answer [Shell.LookPath] before the Shell looks
// for name itself: a Shell whose middleware ([WithExecHandlers]) answers
// commands in place of programs uses it to say which names it runs, and
// what path to report for each. fn returns ok false to leave name to the
// Shell. The first one given is asked first. The default is none; a nil
// fn is an error.
func WithLookPath(fn func(name string) (path string, ok bool)) Option {
	return func(sh *Shell) error {
		if fn == nil {
			return errors.New("look-path func is nil")
		}
		sh.lookPaths = append(slices.Clone(sh.lookPaths), fn)
		return nil
	}
}

// lookupCommand returns the Go implementation of the command name: the
// Shell's own, or one registered for every Shell; nil when there is none.
func (sh *Shell) lookupCommand(name string) BuiltinFunc {
	if fn := sh.commands[name]; fn != nil {
		return fn
	}
	return lookupBuiltin(name)
}
