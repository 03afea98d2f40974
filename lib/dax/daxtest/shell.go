package daxtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/godax/godax/lib/dax"
)

// AnyArg, as an argument of [Shell.Expect], matches any one argument: a
// temporary file's name, a time. No real argument can be equal to it: it
// holds a NUL byte.
const AnyArg = "\x00any"

// Shell is a [dax.Shell] whose commands are answered by expectations
// instead of programs. Pass its embedded *dax.Shell to the code under
// test. Build one with [New]; a test may use several, in parallel.
type Shell struct {
	*dax.Shell
	t testing.TB

	mu      sync.Mutex
	calls   []*Call
	allowed []string
	golden  string
	started int // programs that started, for their order in the transcript
	ran     []entry
}

// Call is an expected command and how it answers: set with its methods
// before the command runs. By default it prints nothing and exits 0, and
// is expected once.
type Call struct {
	sh     *Shell
	args   []string
	stdin  *string
	stdout string
	stderr string
	code   int
	do     dax.BuiltinFunc
	times  int
	ran    int
}

// New returns a Shell for the test t, built with opts (see [dax.New]) and
// with no standard input unless opts give one. The commands it runs must
// be expected with [Shell.Expect], except lib/dax's builtins (echo, cat,
// rm ...), which run for real, and those named with [Shell.Allow]. An
// unexpected command fails t with t.Errorf and exits with status 127, as
// a missing program does; expectations that did not run as often as
// expected fail t when the test ends, and so does a transcript that
// differs from its golden file ([Shell.Golden]). Its
// [dax.Shell.LookPath] finds a program that has an expectation, as the
// code under test checks that a tool is installed; other names it looks
// up as usual. New fails t with t.Fatalf when opts are unusable.
func New(t testing.TB, opts ...dax.Option) *Shell {
	t.Helper()
	s := &Shell{t: t}
	all := append([]dax.Option{dax.WithStdin(nil)}, opts...)
	all = append(all, dax.WithExecHandlers(s.handle), dax.WithLookPath(s.lookPath))
	sh, err := dax.New(all...)
	if err != nil {
		t.Fatalf("daxtest.New: %v", err)
	}
	s.Shell = sh
	t.Cleanup(s.check)
	return s
}

// Expect adds an expected command: the program name (as the script
// writes it: "docker", or a path) and its arguments, each matched exactly
// or by [AnyArg]. Commands match expectations in the order they were
// added, skipping those that ran as often as expected. It returns the
// expectation, to say how it answers.
func (s *Shell) Expect(name string, args ...string) *Call {
	c := &Call{sh: s, args: append([]string{name}, args...), times: 1}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	return c
}

// Allow lets the commands called names run for real when no expectation
// matches them: builtins added with [dax.WithCommand], or a program the
// test needs. They are still in the transcript.
func (s *Shell) Allow(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowed = append(s.allowed, names...)
}

// lookPath answers [dax.Shell.LookPath] for a program that has an
// expectation: it is the name itself, as the test wrote it.
func (s *Shell) lookPath(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.calls {
		if c.args[0] == name {
			return name, true
		}
	}
	return "", false
}

// WantStdin makes the expectation match only a command whose standard
// input, read to its end, is exactly want. The command waits for its
// input to end, as `docker login --password-stdin` does.
func (c *Call) WantStdin(want string) *Call {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	c.stdin = &want
	return c
}

// Stdout makes the command print out on its standard output.
func (c *Call) Stdout(out string) *Call {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	c.stdout = out
	return c
}

// Stderr makes the command print out on its standard error.
func (c *Call) Stderr(out string) *Call {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	c.stderr = out
	return c
}

// Exit makes the command exit with status code (0 to 255).
func (c *Call) Exit(code int) *Call {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	c.code = code
	return c
}

// Do makes fn run in place of the command, after the command's
// [Call.Stdout] and [Call.Stderr] are printed, for what a canned answer
// cannot do (write a file named in the arguments, answer from stdin).
// fn's error is the command's, as for a [dax.BuiltinFunc]; [Call.Exit]
// applies when fn returns nil. The standard input fn reads is what is
// left of it after [Call.WantStdin].
func (c *Call) Do(fn dax.BuiltinFunc) *Call {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	c.do = fn
	return c
}

// Times makes the command expected n times (n >= 1) instead of once.
func (c *Call) Times(n int) *Call {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	if n < 1 {
		c.sh.t.Errorf("daxtest: %s: Times(%d): want at least 1", c.text(nil), n)
		n = 1
	}
	c.times = n
	return c
}

// matches reports whether argv matches c's program and arguments.
func (c *Call) matches(argv []string) bool {
	return slices.EqualFunc(c.args, argv, func(want, got string) bool { return want == AnyArg || want == got })
}

// text returns c's command as a line of shell, secrets as ***.
func (c *Call) text(secrets []dax.Secret) string {
	return commandLine(c.args, secrets)
}

// handle is the middleware that answers commands.
func (s *Shell) handle(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, argv []string) error {
		run, _ := dax.HandlerRun(ctx)
		s.mu.Lock()
		seq := s.started
		s.started++
		s.mu.Unlock()
		hc := interp.HandlerCtx(ctx)
		call, stdin, err := s.match(ctx, argv, hc.Stdin, run.Secrets)
		var code int
		switch {
		case err != nil && ctx.Err() != nil:
			code = 124
			err = ctx.Err()
		case err != nil:
			code = 127
			fmt.Fprintf(hc.Stderr, "daxtest: unexpected command %s\n", commandLine(argv, run.Secrets))
			err = interp.ExitStatus(127)
		case call != nil:
			code, err = s.answer(ctx, call, argv, hc, stdin)
		default:
			err = next(ctx, argv)
			code = exitCode(err)
		}
		s.record(run, seq, argv, code)
		return err
	}
}

// match returns the expectation argv matches, and the standard input it
// read to match it, if any: nil for a command allowed to run for real.
// It fails the test, and returns an error, for an unexpected command.
func (s *Shell) match(ctx context.Context, argv []string, stdin io.Reader, secrets []dax.Secret) (*Call, io.Reader, error) {
	s.mu.Lock()
	var candidates []*Call
	readStdin := false
	for _, c := range s.calls {
		if c.ran < c.times && c.matches(argv) {
			candidates = append(candidates, c)
			readStdin = readStdin || c.stdin != nil
		}
	}
	s.mu.Unlock()

	var in []byte
	if readStdin {
		var err error
		if in, err = readAll(ctx, stdin); err != nil {
			return nil, nil, err
		}
		stdin = strings.NewReader(string(in))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range candidates {
		if c.ran < c.times && (c.stdin == nil || *c.stdin == string(in)) {
			c.ran++
			return c, stdin, nil
		}
	}
	// lib/dax's builtins run for real unless expected: they are part of
	// the shell, as echo is in bash.
	if len(candidates) == 0 && (slices.Contains(s.allowed, argv[0]) || slices.Contains(dax.Builtins(), argv[0])) {
		return nil, stdin, nil
	}
	s.t.Errorf("%s", s.unexpected(argv, readStdin, string(in), secrets))
	return nil, nil, errors.New("unexpected command")
}

// readAll reads r to its end, or until ctx is done.
func readAll(ctx context.Context, r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(r)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		// The read ends when the command's input is closed, as it is
		// once the command is over.
		return nil, ctx.Err()
	}
}

// answer runs the expectation call for argv.
func (s *Shell) answer(ctx context.Context, call *Call, argv []string, hc interp.HandlerContext, stdin io.Reader) (int, error) {
	s.mu.Lock()
	stdout, stderr, code, do := call.stdout, call.stderr, call.code, call.do
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return 124, err
	}
	// A reader that has gone (`fake | head -1`) does not change how the
	// command ends: the answer is the test's.
	_, _ = io.WriteString(hc.Stdout, stdout)
	_, _ = io.WriteString(hc.Stderr, stderr)
	if do != nil {
		if stdin == nil {
			stdin = strings.NewReader("")
		}
		inv := dax.Invocation{
			Args:    argv,
			Dir:     hc.Dir,
			Getenv:  func(name string) string { return hc.Env.Get(name).String() },
			Environ: func() []string { return environ(hc) },
			Stdin:   stdin,
			Stdout:  hc.Stdout,
			Stderr:  hc.Stderr,
		}
		if err := do(ctx, inv); err != nil {
			if ctx.Err() != nil {
				return 124, ctx.Err()
			}
			if st, ok := errors.AsType[interp.ExitStatus](err); ok {
				return int(st), err
			}
			if errors.Is(err, syscall.EPIPE) {
				return 141, interp.ExitStatus(141)
			}
			fmt.Fprintf(hc.Stderr, "%s: %v\n", argv[0], err)
			return 1, interp.ExitStatus(1)
		}
	}
	if code == 0 {
		return 0, nil
	}
	return code, interp.ExitStatus(uint8(code))
}

// environ lists the exported variables of hc's environment.
func environ(hc interp.HandlerContext) []string {
	var list []string
	for name, vr := range hc.Env.Each {
		if vr.IsSet() && vr.Exported {
			list = append(list, name+"="+vr.String())
		}
	}
	return list
}

// exitCode returns the exit status a handler's error stands for.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if st, ok := errors.AsType[interp.ExitStatus](err); ok {
		return int(st)
	}
	return -1
}

// check fails the test for the expectations that did not run as often
// as expected, and for a transcript that differs from its golden file.
func (s *Shell) check() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.calls {
		if c.ran < c.times {
			s.t.Errorf("daxtest: expected command did not run: %s (ran %d of %d times)", c.text(nil), c.ran, c.times)
		}
	}
	if s.golden != "" {
		s.checkGolden()
	}
}

// commandLine returns argv as a line of shell, each word quoted as
// needed and each secret shown as ***.
func commandLine(argv []string, secrets []dax.Secret) string {
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i] = quoteWord(w, secrets)
	}
	return strings.Join(words, " ")
}

func quoteWord(w string, secrets []dax.Secret) string {
	if w == AnyArg {
		return "<any>"
	}
	for _, s := range secrets {
		if string(s) == w {
			return "***"
		}
	}
	for _, s := range secrets {
		if s != "" {
			w = strings.ReplaceAll(w, string(s), "***")
		}
	}
	q, err := syntax.Quote(w, syntax.LangBash)
	if err != nil {
		return fmt.Sprintf("%q", w) // a NUL byte cannot be in an argument
	}
	return q
}
