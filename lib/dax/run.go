package dax

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bitfield/script"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// CommandError is the error of a command that failed: it exited with a
// status that is not accepted, timed out, was cancelled, or could not run.
// Use [errors.As] to get it from an error a sink returned.
type CommandError struct {
	// Command is the command as printed, secrets shown as ***.
	Command string
	// Code is the exit status, or -1 when the command did not exit by
	// itself (timeout, cancellation, failure to run).
	Code int
	// TimedOut is true when the command ran longer than its
	// [Command.Timeout].
	TimedOut bool
	// Timeout is the limit that was passed when TimedOut is true.
	Timeout time.Duration
	// Stderr is the tail (the last few KiB) of the command's standard
	// error, secrets replaced by ***.
	Stderr string
	// Err is the underlying error: an exit status, context.Canceled,
	// context.DeadlineExceeded, or an error from starting the command.
	Err error
}

// Error reads like "docker push x:1: exit status 1: denied: requested
// access to the resource is denied": the command, what went wrong and the
// last line of its standard error. A cancelled command's error leaves that
// line out: whatever the command said last is not why it stopped.
func (e *CommandError) Error() string {
	var b strings.Builder
	b.WriteString(e.Command)
	b.WriteString(": ")
	switch {
	case e.TimedOut:
		fmt.Fprintf(&b, "timed out after %s", e.Timeout)
	case e.Code >= 0:
		fmt.Fprintf(&b, "exit status %d", e.Code)
	default:
		b.WriteString(e.Err.Error())
	}
	if line := lastLine(e.Stderr); line != "" && !errors.Is(e.Err, context.Canceled) {
		b.WriteString(": ")
		b.WriteString(line)
	}
	return b.String()
}

// Unwrap returns Err, so errors.Is(err, context.Canceled) works.
func (e *CommandError) Unwrap() error { return e.Err }

// ExitStatus returns the exit status for the process running the command
// to exit with: Code when the command exited non-zero, 1 otherwise. Mage
// exits with it.
func (e *CommandError) ExitStatus() int {
	if e.Code > 0 {
		return e.Code
	}
	return 1
}

func lastLine(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// Run runs the command, streaming its standard output and error to the
// Shell's writers (or those set with [Command.Stdout] and
// [Command.Stderr]). It returns a [*CommandError] when the command fails.
func (c Command) Run(ctx context.Context) error {
	_, err := c.run(ctx, nil)
	return err
}

// Text is shorthand for running the command and reading its standard
// output, with trailing newlines trimmed.
func (c Command) Text(ctx context.Context) (string, error) {
	b, err := c.Bytes(ctx)
	return strings.TrimRight(string(b), "\r\n"), err
}

// Lines is shorthand for running the command and reading its standard
// output as lines, without their line endings. Empty output gives no
// lines.
func (c Command) Lines(ctx context.Context) ([]string, error) {
	s, err := c.Text(ctx)
	if s == "" {
		return nil, err
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines, err
}

// Bytes is shorthand for running the command and reading its standard
// output unchanged. Standard error still streams (unless [Command.Quiet]),
// and is captured too with [Command.Combined]. On error, the output read
// so far is returned with it.
func (c Command) Bytes(ctx context.Context) ([]byte, error) {
	var buf bytes.Buffer
	_, err := c.run(ctx, &buf)
	return buf.Bytes(), err
}

// JSON is shorthand for running the command and decoding its standard
// output as JSON into v.
func (c Command) JSON(ctx context.Context, v any) error {
	b, err := c.Bytes(ctx)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: decoding output as JSON: %w", c.String(), err)
	}
	return nil
}

// Code runs the command like [Command.Run] and returns its exit status. A
// non-zero exit is not an error; failing to start, a timeout and
// cancellation are, with the code -1.
func (c Command) Code(ctx context.Context) (int, error) {
	code, err := c.NoThrow().run(ctx, nil)
	return code, err
}

// Pipe runs the command in the background and returns a bitfield/script
// pipe reading its standard output. The command's error, if any, is the
// pipe's error ([script.Pipe.Error]) once its output has been read, and
// what the pipe's sinks return. Read the pipe to its end or
// cancel ctx: until then, the command may be blocked writing.
func (c Command) Pipe(ctx context.Context) *script.Pipe {
	pr, pw := io.Pipe()
	p := script.NewPipe().WithReader(pr)
	go func() {
		_, err := c.run(ctx, pw)
		if err != nil {
			// The output has all been read (io.Pipe does not buffer), so
			// the error can be the pipe's before the reader sees EOF.
			p.SetError(err)
		}
		pw.CloseWithError(err)
	}()
	return p
}

// run runs the command; capture, when not nil, receives standard output
// (and standard error with Combined). It returns the exit status.
func (c Command) run(ctx context.Context, capture io.Writer) (int, error) {
	if c.err != nil {
		return -1, fmt.Errorf("dax: %w", c.err)
	}
	if c.file == nil {
		return -1, errors.New("dax: empty Command; build one with Cmd")
	}
	sh := c.sh
	if sh == nil {
		sh = defaultShell
	}

	shStdin, shStdout, shStderr, logger := sh.streams()
	tail := &tailWriter{max: sh.tailSize}
	var stdout, stderr io.Writer
	switch {
	case capture != nil:
		capture = &lockedWriter{w: capture}
		stdout = capture
	case c.quiet:
		stdout = io.Discard
	case c.stdout != nil:
		stdout = c.stdout
	default:
		stdout = shStdout
	}
	streamErr := shStderr
	if c.stderr != nil {
		streamErr = c.stderr
	}
	switch {
	case capture != nil && c.combined:
		stderr = io.MultiWriter(capture, tail)
	case c.quiet:
		stderr = tail
	default:
		stderr = io.MultiWriter(streamErr, tail)
	}

	dir := sh.dir
	if c.dir != "" {
		dir = c.dir
		if !filepath.IsAbs(dir) {
			base := sh.dir
			if base == "" {
				wd, err := os.Getwd()
				if err != nil {
					return -1, c.fail(-1, fmt.Errorf("working directory: %w", err), tail, 0)
				}
				base = wd
			}
			dir = filepath.Join(base, dir)
		}
	}

	stdin := shStdin
	switch {
	case c.stdin != nil:
		stdin = c.stdin
	case c.stdinString != nil:
		stdin = strings.NewReader(*c.stdinString)
	case c.stdinFile != "":
		path := c.stdinFile
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		f, err := os.Open(path)
		if err != nil {
			return -1, c.fail(-1, fmt.Errorf("stdin: %w", err), tail, 0)
		}
		defer f.Close() // read only: a close error loses nothing
		stdin = f
	}

	stdinFile, err := asFile(stdin)
	if err != nil {
		return -1, c.fail(-1, fmt.Errorf("stdin: %w", err), tail, 0)
	}
	if stdinFile != nil && stdinFile != stdin {
		// Ends the goroutine feeding the pipe if the command did not read
		// all of it. A pipe's close error loses nothing.
		defer stdinFile.Close()
	}

	if c.print {
		fmt.Fprintf(logger, "$ %s\n", c.text.shown)
	}

	runCtx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}

	opts := []interp.RunnerOption{
		interp.StdIO(stdinFile, stdout, stderr),
		interp.Env(expand.ListEnviron(c.environ(sh)...)),
		// A terminal on stdin means interactive use: programs must stay in
		// the terminal's foreground process group (see Command).
		interp.ExecHandlers(builtinMiddleware, execMiddleware(!sh.noGroup && !isTerminal(stdinFile), sh.grace)),
	}
	if dir != "" {
		opts = append(opts, interp.Dir(dir))
	}
	r, err := interp.New(opts...)
	if err != nil {
		return -1, c.fail(-1, err, tail, 0)
	}
	if stages := pipeline(c.file); stages != nil {
		err = runPipeline(runCtx, r, stages, stdinFile, stdout, stderr)
	} else {
		err = r.Run(runCtx, c.file)
	}
	if ctxErr := runCtx.Err(); ctxErr != nil {
		// Cancelled: whatever the shell made of it, the command did not
		// finish.
		var timeout time.Duration
		if ctx.Err() == nil {
			timeout = c.timeout
		}
		return -1, c.fail(-1, ctxErr, tail, timeout)
	}
	if err == nil {
		return 0, nil
	}
	if status, ok := interp.IsExitStatus(err); ok {
		code := int(status)
		if c.accepts(code) {
			return code, nil
		}
		return code, c.fail(code, err, tail, 0)
	}
	return -1, c.fail(-1, err, tail, 0)
}

// asFile returns r as a file, as programs need their standard input: r
// itself when it is one, or the read end of a pipe that a goroutine fills
// from r.
func asFile(r io.Reader) (*os.File, error) {
	switch r := r.(type) {
	case nil:
		return nil, nil
	case *os.File:
		return r, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	go func() {
		_, _ = io.Copy(pw, r) // EPIPE: the command stopped reading
		_ = pw.Close()
	}()
	return pr, nil
}

// environ returns the environment the command starts with.
func (c Command) environ(sh *Shell) []string {
	var env []string
	switch {
	case c.replaceEnv:
	case sh.env != nil:
		env = make([]string, 0, len(sh.env)+len(c.env))
		for k, v := range sh.env {
			env = append(env, k+"="+v)
		}
	default:
		env = os.Environ()
	}
	for k, v := range c.env {
		env = append(env, k+"="+v) // later entries win in expand.ListEnviron
	}
	return env
}

// fail builds the CommandError for the command, with secrets redacted
// from the stderr tail. timeout is non-zero when the command timed out.
func (c Command) fail(code int, err error, tail *tailWriter, timeout time.Duration) error {
	return &CommandError{
		Command:  c.text.shown,
		Code:     code,
		TimedOut: timeout > 0,
		Timeout:  timeout,
		Stderr:   c.redact(tail.String()),
		Err:      c.redactErr(err),
	}
}

// redactErr returns err, or when its message shows a secret, an error
// with the message redacted. The original is dropped, not wrapped, since
// it holds the secret.
func (c Command) redactErr(err error) error {
	if msg := err.Error(); c.redact(msg) != msg {
		return errors.New(c.redact(msg))
	}
	return err
}

// redact replaces every secret the command holds with ***.
func (c Command) redact(s string) string {
	for _, secret := range c.text.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	if c.stdinSecret && *c.stdinString != "" {
		s = strings.ReplaceAll(s, *c.stdinString, redacted)
	}
	return s
}

// tailWriter keeps the last max bytes written to it. It is safe for
// concurrent use: the commands of a pipeline share it.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// lockedWriter serialises writes from the goroutines of a pipeline.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
