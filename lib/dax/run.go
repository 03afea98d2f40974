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
	"slices"
	"strings"
	"sync"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// CommandError is the error of a command that failed: it exited with a
// status that is not accepted, timed out, was cancelled, or could not run.
// Use [errors.As] to get it from an error a sink returned.
type CommandError struct {
	// Command is the command as printed, secrets shown as ***.
	Command string
	// Code is the exit status: 127 when a program was not found and 126
	// when it is no program (a directory, a file that may not be run),
	// as in bash; 124 when the command was stopped by its timeout or by
	// cancellation (as timeout(1) and dax report); -1 when dax could not
	// run the command at all (a bad format, a standard input that cannot
	// be opened) or the reader of its standard input failed. When that
	// reader was another command's output and that command failed, Code
	// is that command's exit status (see [Command.Stdin]).
	Code int
	// Timeout is the limit that passed when the command timed out
	// ([CommandError.TimedOut]), 0 otherwise.
	Timeout time.Duration
	// Stderr is the tail (the last few KiB) of the command's standard
	// error, secrets replaced by ***, unless it streamed to a file such
	// as the terminal or os.Stderr, where the user has it already.
	Stderr string
	// Stdout is the tail of the command's standard output when a sink
	// captured it ([Command.Text], [Command.Output] ...), secrets
	// replaced by ***. With [Command.Combined] it holds standard error
	// too.
	Stdout string
	// Err is the underlying error: an exit status, context.Canceled,
	// context.DeadlineExceeded, [ErrKilled], a broken standard input, or
	// an error from starting the command.
	Err error
}

// ErrKilled is the error of a command stopped by [Process.Kill].
var ErrKilled = errors.New("killed")

// TimedOut reports whether the command ran longer than its
// [Command.Timeout] and was stopped.
func (e *CommandError) TimedOut() bool { return e.Timeout > 0 }

// Cancelled reports whether the command was stopped because the sink's
// context was done (cancelled or past its deadline) or by
// [Process.Kill], rather than by its own [Command.Timeout].
func (e *CommandError) Cancelled() bool {
	return !e.TimedOut() && (errors.Is(e.Err, context.Canceled) ||
		errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, ErrKilled))
}

// Error reads like "docker push x:1: exit status 1: denied: requested
// access to the resource is denied": the command, what went wrong and the
// last line of its standard error ([CommandError.Stderr]). Standard error
// that streamed to a file (the terminal, os.Stderr) is not repeated. When standard output was
// captured, its last line follows as "stdout: ...". A stopped command's
// error leaves both out: whatever the command said last is not why it
// stopped.
func (e *CommandError) Error() string {
	var b strings.Builder
	b.WriteString(e.Command)
	b.WriteString(": ")
	switch {
	case e.TimedOut():
		fmt.Fprintf(&b, "timed out after %s", e.Timeout)
	case e.Err != nil && (e.Cancelled() || e.Code < 0 || e.brokenInput()):
		b.WriteString(e.Err.Error())
	case e.Code < 0:
		b.WriteString("failed to run")
	default:
		fmt.Fprintf(&b, "exit status %d", e.Code)
	}
	if e.Cancelled() || e.TimedOut() || e.brokenInput() {
		return b.String()
	}
	if line := lastLine(e.Stderr); line != "" {
		b.WriteString(": ")
		b.WriteString(line)
	}
	if line := lastLine(e.Stdout); line != "" {
		b.WriteString("; stdout: ")
		b.WriteString(line)
	}
	return b.String()
}

// brokenInput reports whether the command failed because its standard
// input did: its last words on standard error say so already.
func (e *CommandError) brokenInput() bool {
	var broken *brokenInputError
	return errors.As(e.Err, &broken)
}

// Unwrap returns Err, so errors.Is(err, context.Canceled) works.
func (e *CommandError) Unwrap() error { return e.Err }

// ExitStatus returns the exit status for the process running the command
// to exit with: Code when the command exited non-zero (124 for a timeout
// or cancellation), 1 otherwise. Mage exits with it.
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
	_, err := c.run(ctx, sinkIO{})
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
	_, err := c.run(ctx, sinkIO{out: &buf, outBuf: &buf})
	return buf.Bytes(), err
}

// Result is what [Command.Output] returns: the command's standard output
// and standard error, and its exit status.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Output runs the command capturing both its standard output and its
// standard error, neither of them streamed, and returns them with the
// exit status. With [Command.Combined], Stdout holds both. On error the
// Result holds what was read and the error is a [*CommandError], as for
// [Command.Run]; with [Command.NoThrow] a non-zero Code is no error.
func (c Command) Output(ctx context.Context) (Result, error) {
	var out, errOut bytes.Buffer
	code, err := c.run(ctx, sinkIO{out: &out, outBuf: &out, errBuf: &errOut})
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}, err
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

// Code runs the command like [Command.Run] and returns its exit status,
// as [Command.NoThrow] does: a non-zero exit is not an error, and a
// timeout or cancellation gives 124 with no error. A program that is not
// found gives 127 (and "NAME: command not found" on standard error), as
// in bash, with no error; a command that dax cannot run at all (see
// [CommandError.Code]) is an error, with the code -1.
func (c Command) Code(ctx context.Context) (int, error) {
	return c.NoThrow().run(ctx, sinkIO{})
}

// sinkIO is where a sink wants the command's output.
type sinkIO struct {
	out    io.Writer     // captures standard output when not nil
	outBuf *bytes.Buffer // out, when errors may show its tail
	errBuf *bytes.Buffer // captures standard error when not nil
	proc   *Process      // the running process of [Command.Start]
}

// run runs the command with the outputs of o and returns its exit status.
func (c Command) run(ctx context.Context, o sinkIO) (int, error) {
	if c.err != nil {
		return -1, fmt.Errorf("dax: %w", c.err)
	}
	if c.file == nil {
		return -1, errors.New("dax: empty Command; build one with Cmd")
	}
	sh := c.shell()

	shStdin, shStdout, shStderr, logger := sh.streams()
	shPrint, shQuiet, err := sh.printing()
	if err != nil {
		return -1, fmt.Errorf("dax: %w", err)
	}
	var tail *tailWriter
	var stdout, stderr io.Writer
	switch {
	case o.out != nil:
		stdout = &lockedWriter{w: o.out}
	case c.quiet:
		stdout = io.Discard
	case c.stdout != nil:
		stdout = c.stdout
	case shQuiet:
		stdout = io.Discard
	default:
		stdout = shStdout
	}
	switch {
	case o.out != nil && c.combined:
		stderr = stdout
	case o.errBuf != nil:
		stderr = &lockedWriter{w: o.errBuf}
	case c.quiet, c.stderr == nil && shQuiet:
		tail = &tailWriter{max: sh.tailSize}
		stderr = tail
	default:
		stderr = shStderr
		if c.stderr != nil {
			stderr = c.stderr
		}
		if _, ok := stderr.(*os.File); !ok {
			// Not the terminal or a file the user reads: keep the tail
			// for the error.
			tail = &tailWriter{max: sh.tailSize}
			stderr = io.MultiWriter(stderr, tail)
		}
	}
	fail := func(code int, err error, timeout time.Duration) error {
		e := &CommandError{Command: c.String(), Code: code, Timeout: timeout, Err: c.redactErr(err)}
		switch {
		case tail != nil:
			e.Stderr = c.redact(tail.String())
		case o.errBuf != nil:
			e.Stderr = c.redact(lastBytes(o.errBuf.Bytes(), sh.tailSize))
		}
		if o.outBuf != nil {
			e.Stdout = c.redact(lastBytes(o.outBuf.Bytes(), sh.tailSize))
		}
		return e
	}

	dir, env := sh.snapshot()
	if c.dir != "" {
		dir = c.dir
	}

	stdin := shStdin
	switch {
	case c.stdin != nil:
		if !c.stdinUsed.CompareAndSwap(false, true) {
			return -1, fail(-1, errors.New("stdin: the reader given to Stdin was read by an earlier run; use StdinString or StdinFile for a command that runs more than once"), 0)
		}
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
			return -1, fail(-1, fmt.Errorf("stdin: %w", err), 0)
		}
		defer f.Close() // read only: a close error loses nothing
		stdin = f
	}

	stdinFile, in, err := asFile(stdin)
	if err != nil {
		return -1, fail(-1, fmt.Errorf("stdin: %w", err), 0)
	}

	ctx, secrets := c.withRunInfo(ctx)
	if streamed := !c.quiet && (o.out == nil || !c.combined && o.errBuf == nil); streamed {
		maskSecrets(logger, secrets)
	}
	if c.print || shPrint {
		writeLog(logger, "$ "+c.String())
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if c.timeout > 0 {
		var cancelTimeout context.CancelFunc
		runCtx, cancelTimeout = context.WithTimeout(runCtx, c.timeout)
		defer cancelTimeout()
	}
	if o.proc != nil {
		o.proc.started(cancel)
	}

	r, pipefail, err := c.runner(sh, stdinFile, stdout, stderr, env, dir, o.proc)
	if err != nil {
		_ = in.finish(0) // nothing ran: its read error does not matter
		return -1, fail(-1, err, 0)
	}
	stages := pipeline(c.file)
	if stages != nil {
		err = runPipeline(runCtx, r, stages, stdinFile, stdout, stderr, pipefail)
	} else {
		err = r.Run(runCtx, c.file)
	}
	inErr := in.finish(sh.grace)
	if ctxErr := runCtx.Err(); ctxErr != nil {
		// Stopped: whatever the shell made of it, the command did not
		// finish.
		var timeout time.Duration
		switch {
		case errors.Is(context.Cause(runCtx), ErrKilled):
			ctxErr = ErrKilled
		case ctx.Err() == nil:
			timeout = c.timeout
		}
		if c.accepts(codeStopped) {
			return codeStopped, nil
		}
		return codeStopped, fail(codeStopped, ctxErr, timeout)
	}
	if inErr != nil {
		// As dax does: the command's standard error says why, and a
		// command that fed it lends it its exit status.
		inErr = &brokenInputError{err: inErr}
		fmt.Fprintln(stderr, c.redact(inErr.Error()))
		code := -1
		var producer *CommandError
		if errors.As(inErr, &producer) && producer.Code > 0 {
			code = producer.Code
		}
		if code > 0 && c.accepts(code) {
			return code, nil
		}
		return code, fail(code, inErr, 0)
	}
	code := 0
	if err != nil {
		status, ok := errors.AsType[interp.ExitStatus](err)
		if !ok {
			return -1, fail(-1, err, 0)
		}
		code = int(status)
	}
	if !c.accepts(code) {
		return code, fail(code, err, 0)
	}
	if c.exportEnv && stages == nil {
		sh.export(r)
	}
	return code, nil
}

// brokenInputError is the error of a command whose standard input, a
// reader given to [Command.Stdin], failed.
type brokenInputError struct{ err error }

func (e *brokenInputError) Error() string { return "stdin pipe broken: " + e.err.Error() }

func (e *brokenInputError) Unwrap() error { return e.err }

// codeStopped is the exit status of a command stopped by its timeout or
// by cancellation, as timeout(1) reports it.
const codeStopped = 124

// lastBytes returns the last n bytes of b.
func lastBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// asFile returns r as a file, as programs need their standard input: r
// itself when it is one, or the read end of a pipe that a [feed] fills
// from r.
func asFile(r io.Reader) (*os.File, *feed, error) {
	switch r := r.(type) {
	case nil:
		return nil, nil, nil
	case *os.File:
		return r, nil, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	f := &feed{r: r, pr: pr, pw: pw, done: make(chan struct{})}
	go f.copy()
	return pr, f, nil
}

// feed copies a reader into the pipe a command reads as its standard
// input. It records a read error, so that a broken producer is not taken
// for a clean end of input.
type feed struct {
	r      io.Reader
	pr, pw *os.File
	done   chan struct{}

	mu      sync.Mutex
	stopped bool // the command is over: read no more
	err     error
}

func (f *feed) copy() {
	defer close(f.done)
	defer f.pw.Close() // the command sees EOF; a pipe's close error loses nothing
	buf := make([]byte, 32<<10)
	for {
		f.mu.Lock()
		if f.stopped {
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		n, err := f.r.Read(buf)
		f.mu.Lock()
		stopped := f.stopped
		if err != nil && err != io.EOF && !stopped {
			f.err = err
		}
		f.mu.Unlock()
		if stopped {
			return
		}
		if n > 0 {
			if _, werr := f.pw.Write(buf[:n]); werr != nil {
				return // the command stopped reading
			}
		}
		if err != nil {
			return
		}
	}
}

// finish stops the copy once the command is over and returns the error
// reading the reader, if any. It waits for the copying goroutine, which
// ends at once unless it is inside the reader's Read. Nothing can
// interrupt a Read: finish waits up to grace for it to return, as os/exec
// does with WaitDelay, and then leaves the goroutine to end as soon as
// Read returns, writing and reading nothing more.
func (f *feed) finish(grace time.Duration) error {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	_ = f.pr.Close() // a write blocked on the full pipe now fails
	t := time.NewTimer(max(grace, 100*time.Millisecond))
	defer t.Stop()
	select {
	case <-f.done:
	case <-t.C:
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// redactErr returns err with the command's secrets redacted; see
// [redactor.err].
func (c Command) redactErr(err error) error { return c.redactor().err(err) }

// redact replaces every secret the command holds with ***.
func (c Command) redact(s string) string { return c.redactor().redact(s) }

// redactor returns the redactor of the command's secrets: those of its
// text and the one given to [Command.StdinSecret].
func (c Command) redactor() *redactor {
	secrets := c.text.secrets
	if c.stdinSecret {
		secrets = append(slices.Clip(secrets), *c.stdinString)
	}
	return newRedactor(secrets...)
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
