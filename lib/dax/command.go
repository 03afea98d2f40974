package dax

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// Command is a shell command waiting to run: its text, with the holes of
// its format filled, and its settings. It is an immutable value: every
// modifier ([Command.Env], [Command.Dir], [Command.Quiet] ...) returns a
// new Command and leaves the receiver unchanged, so a configured base
// command can be reused and shared between goroutines. The sinks
// ([Command.Run], [Command.Text], [Command.Code] ...) run it.
//
// # Cancellation
//
// When the sink's context is done or the [Command.Timeout] passes, the
// command stops: builtins return, and each external program gets SIGTERM
// (or the signal set with [Command.CancelSignal]), sent to its whole
// process group so that what it started (grandchildren, background jobs)
// gets it too. Whatever still runs after the Shell's kill grace
// ([WithKillGrace], 2s by default) gets SIGKILL. The sink returns once the
// group is gone, with the exit status 124, as timeout(1) and dax report,
// and a [*CommandError] whose TimedOut or Cancelled says which happened
// ([Command.NoThrow] accepts it). Outside Unix the program is killed at
// once and what it started is not tracked.
//
// # Process groups and terminals
//
// On Unix each external program starts in a new process group, so that
// cancellation can reach everything it started. A command whose standard
// input is a terminal (a script run by hand, its stdin not redirected) is
// the exception: a new group would not be the terminal's foreground group,
// so reading the terminal would stop its programs (SIGTTIN) and Ctrl-C
// would not reach them. Its programs stay in the caller's group, work
// interactively, get Ctrl-C from the terminal like the caller, and on
// cancellation are signalled alone. A program that opens the terminal
// itself (/dev/tty) while the command's stdin is redirected would be
// stopped; [WithoutProcessGroups] keeps every program in the caller's
// group.
type Command struct {
	sh   *Shell
	text rendered
	err  error // a bad format or argument, reported by the sinks
	file *syntax.File
	// funcs are the functions the text declares: they are not replaced
	// by a Shell's commands.
	funcs []string

	env        map[string]string
	replaceEnv bool
	dir        string

	stdin       io.Reader
	stdinUsed   *atomic.Bool // shared by the copies of c: stdin is read once
	stdinString *string
	stdinFile   string
	stdinSecret bool

	stdout, stderr io.Writer

	quiet, print, combined bool
	timeout                time.Duration
	noThrow                bool
	okCodes                []int
	sig                    os.Signal
	shellOpts              map[string]bool
	exportEnv              bool
}

// Cmd returns a command that runs format, shell text, with its holes filled
// by args. format is code, written by you; args are data: each one is
// formatted with its verb (%s, %v, %d, %q ...) and then quoted so that the
// shell sees exactly one word with exactly that value, whatever it holds.
// The holes take:
//
//   - any value: formatted with its verb, then quoted as one word;
//   - []string: one quoted word per element (none for an empty slice);
//   - [Raw]: inserted unquoted, as shell code;
//   - [Secret] (or []Secret): quoted, and shown as *** when printed.
//
// A literal % is written %%, as in fmt: dax.Cmd("date +%%Y%%m%%d"), or
// passed in a hole. go vet checks the holes as it checks fmt.Printf's: a
// missing or extra argument, a wrong verb or a lone % is reported before
// anything runs.
//
// The text may use pipes, &&, ||, ;, redirects, VAR=x prefixes, globs
// (with ** recursive: see [WithShellOption]), subshells and the rest of
// bash's syntax; mvdan.cc/sh runs it the same way on every OS. A bad
// format (a missing or extra argument), a value that is not text (nil, a
// struct that is neither a fmt.Stringer nor an error, a verb that does
// not suit it) or an argument that cannot be quoted (one with a NUL byte)
// is reported as an error by the sink that runs the command, before
// anything runs.
//
// Cmd uses the default [Shell]: the process environment, working
// directory and standard streams.
func Cmd(format string, args ...any) Command {
	return defaultShell.Cmd(format, args...)
}

// String returns the command as printed: its text with the holes filled,
// secrets shown as ***. It is what [Command.PrintCommand] prints and what
// errors name.
func (c Command) String() string {
	if c.err != nil && c.text.shown == "" {
		return "<bad command: " + c.err.Error() + ">"
	}
	if !c.stdinSecret {
		return c.text.shown // redacted when it was rendered
	}
	return c.redact(c.text.shown)
}

// Env returns a copy of c that runs with the environment variable key set
// to value, on top of the Shell's environment.
func (c Command) Env(key, value string) Command {
	c.env = cloneMap(c.env)
	if c.env == nil {
		c.env = map[string]string{}
	}
	c.env[key] = value
	return c
}

// ReplaceEnv returns a copy of c that runs with exactly the variables in
// env, instead of the Shell's environment. Later calls to [Command.Env]
// add to it. PATH is not kept unless env has it, so programs other than
// builtins need an absolute path or a PATH entry.
func (c Command) ReplaceEnv(env map[string]string) Command {
	c.env = cloneMap(env)
	if c.env == nil {
		c.env = map[string]string{}
	}
	c.replaceEnv = true
	return c
}

// Dir returns a copy of c that runs in the directory path. A relative path
// is taken, now, from the directory c would run in: the one of an earlier
// Dir, or the Shell's working directory. A later [Shell.Cd] or change of
// the process's directory does not move it.
func (c Command) Dir(path string) Command {
	if !filepath.IsAbs(path) {
		base := c.dir
		if base == "" {
			base, _ = c.shell().snapshot()
		}
		if base == "" {
			wd, err := os.Getwd()
			if err != nil {
				c.setErr(fmt.Errorf("dir %s: %w", path, err))
				return c
			}
			base = wd
		}
		path = filepath.Join(base, path)
	}
	c.dir = path
	return c
}

// shell returns the Shell that runs c.
func (c Command) shell() *Shell {
	if c.sh == nil {
		return defaultShell
	}
	return c.sh
}

// setErr records the first error building c, which its sinks report.
func (c *Command) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}

// ShellOption returns a copy of c that runs with the shell option name
// set on or off, whatever its Shell's setting; see [WithShellOption] for
// the names. An unknown name is an error from the sink.
func (c Command) ShellOption(name string, on bool) Command {
	if err := checkShellOption(name); err != nil {
		c.setErr(err)
		return c
	}
	c.shellOpts = maps.Clone(c.shellOpts)
	if c.shellOpts == nil {
		c.shellOpts = map[string]bool{}
	}
	c.shellOpts[name] = on
	return c
}

// CancelSignal returns a copy of c whose programs get sig, instead of
// SIGTERM, when the command is cancelled or times out, as dax's signal
// does: os.Interrupt for a program that cleans up on Ctrl-C, for example.
// SIGKILL still follows after the Shell's kill grace. Outside Unix
// programs are killed whatever sig is.
func (c Command) CancelSignal(sig os.Signal) Command {
	c.sig = sig
	return c
}

// Stdin returns a copy of c that reads standard input from r. A reader can
// be read only once, so the command (and its copies) can run once: a
// second run fails with an error saying so. Use [Command.StdinString] or
// [Command.StdinFile] for one that runs again. When reading r fails, the
// sink fails with that error, even if the command took the end of its
// input for a clean one: "stdin pipe broken: ..." is written to the
// command's standard error, as dax does, and ends its [*CommandError].
// When r is the output of another command that failed ([Process.Stdout],
// or a pipe closed with its [*CommandError]), the command takes its exit
// status, which [Command.NoThrow] may accept; its error shows the other
// command's error, with the last line of its standard error.
func (c Command) Stdin(r io.Reader) Command {
	c.clearStdin()
	c.stdin = r
	c.stdinUsed = new(atomic.Bool)
	return c
}

// StdinString returns a copy of c that reads s as its standard input.
func (c Command) StdinString(s string) Command {
	c.clearStdin()
	c.stdinString = &s
	return c
}

// StdinSecret returns a copy of c that reads s as its standard input, as
// `docker login --password-stdin` wants. The value is also redacted from
// the stderr tail kept in a [CommandError].
func (c Command) StdinSecret(s Secret) Command {
	c.clearStdin()
	str := string(s)
	c.stdinString = &str
	c.stdinSecret = true
	return c
}

// StdinFile returns a copy of c that reads standard input from the file at
// path, opened when the command runs. A relative path is taken from the
// command's working directory.
func (c Command) StdinFile(path string) Command {
	c.clearStdin()
	c.stdinFile = path
	return c
}

func (c *Command) clearStdin() {
	c.stdin, c.stdinUsed, c.stdinString, c.stdinFile, c.stdinSecret = nil, nil, nil, "", false
}

// Stdout returns a copy of c whose standard output goes to w when run with
// [Command.Run], instead of the Shell's stdout. The capturing sinks
// ([Command.Text] ...) ignore it.
func (c Command) Stdout(w io.Writer) Command {
	c.stdout = w
	return c
}

// Stderr returns a copy of c whose standard error goes to w instead of the
// Shell's stderr. Unless w is a file (the terminal, os.Stderr, a log),
// where the user has it already, its tail is kept for errors
// ([CommandError.Stderr]).
func (c Command) Stderr(w io.Writer) Command {
	c.stderr = w
	return c
}

// Quiet returns a copy of c that streams neither stdout nor stderr. The
// capturing sinks still capture stdout, and errors still carry the tail of
// stderr. [WithQuiet] and DAX_QUIET=1 make every command of a Shell quiet.
func (c Command) Quiet() Command {
	c.quiet = true
	return c
}

// PrintCommand returns a copy of c that prints "$ " and the command, as
// [Command.String] shows it (secrets as ***), to the Shell's logger before
// it runs. [WithPrintCommands] and DAX_PRINT_COMMANDS=1 make every command
// of a Shell print itself.
func (c Command) PrintCommand() Command {
	c.print = true
	return c
}

// Timeout returns a copy of c that is stopped when it runs longer than d,
// with a [CommandError] whose TimedOut is true. Zero means no timeout
// beyond the context's.
func (c Command) Timeout(d time.Duration) Command {
	c.timeout = d
	return c
}

// NoThrow returns a copy of c for which a non-zero exit status is not an
// error; with codes, only those exit statuses are accepted. A timeout or
// cancellation gives the exit status 124, which NoThrow() accepts too (and
// NoThrow(124)). Failing to start is still an error.
func (c Command) NoThrow(codes ...int) Command {
	c.noThrow = true
	c.okCodes = slices.Clone(codes)
	return c
}

// Combined returns a copy of c whose capturing sinks ([Command.Text],
// [Command.Lines], [Command.Bytes], [Command.JSON],
// [Command.Output], and [Command.Start]'s [Process.Stdout]) capture
// standard error together with standard output, like 2>&1.
func (c Command) Combined() Command {
	c.combined = true
	return c
}

// accepts reports whether exit status code counts as success.
func (c Command) accepts(code int) bool {
	if code == 0 {
		return true
	}
	if !c.noThrow {
		return false
	}
	return len(c.okCodes) == 0 || slices.Contains(c.okCodes, code)
}
