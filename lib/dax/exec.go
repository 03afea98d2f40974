package dax

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// runner returns the interpreter that runs c, and whether pipefail is on.
func (c Command) runner(sh *Shell, stdin *os.File, stdout, stderr io.Writer, env []string, dir string, p *Process) (*interp.Runner, bool, error) {
	// A terminal on stdin means interactive use: programs must stay in
	// the terminal's foreground process group (see Command).
	groups := !sh.noGroup && !isTerminal(stdin)
	handlers := make([]func(interp.ExecHandlerFunc) interp.ExecHandlerFunc, 0, len(sh.handlers)+3)
	handlers = append(handlers, internalMiddleware)
	handlers = append(handlers, sh.handlers...)
	handlers = append(handlers, sh.builtinMiddleware, execMiddleware(groups, sh.grace, c.sig, p))

	if c.replaceEnv {
		env = nil
	}
	for k, v := range c.env {
		env = append(env, k+"="+v) // later entries win in expand.ListEnviron
	}
	opts := []interp.RunnerOption{
		interp.StdIO(stdin, stdout, stderr),
		interp.Env(expand.ListEnviron(env...)),
		interp.CallHandler(sh.callHandler(c.funcs)),
		interp.ExecHandlers(handlers...),
		interp.OpenHandler(openHandler),
	}
	if dir != "" {
		opts = append(opts, interp.Dir(dir))
	}
	pipefail := false
	for name, on := range sh.shellOpts {
		if v, ok := c.shellOpts[name]; ok {
			on = v
		}
		opts = append(opts, shellOption(name, on))
		pipefail = pipefail || name == "pipefail" && on
	}
	for name, on := range c.shellOpts {
		if _, ok := sh.shellOpts[name]; !ok {
			opts = append(opts, shellOption(name, on))
			pipefail = pipefail || name == "pipefail" && on
		}
	}
	r, err := interp.New(opts...)
	return r, pipefail, err
}

// execMiddleware runs external programs. It replaces interp's default
// handler to start each program in its own process group when groups is
// true (see [Command]), so that cancellation stops the program and
// everything it started: sig (SIGTERM when nil) to the group, then
// SIGKILL after grace. p, when not nil, tracks the programs.
func execMiddleware(groups bool, grace time.Duration, sig os.Signal, p *Process) func(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			return execProgram(ctx, next, args, groups, grace, sig, p)
		}
	}
}

// execProgram runs the program args[0], found on the shell's PATH, in a
// new process group when group is true.
func execProgram(ctx context.Context, next interp.ExecHandlerFunc, args []string, group bool, grace time.Duration, sig os.Signal, p *Process) error {
	hc := interp.HandlerCtx(ctx)
	path, err := interp.LookPathDir(hc.Dir, hc.Env, args[0])
	if err != nil {
		return cannotRun(hc, args[0])
	}
	cancelSig := func() os.Signal {
		if p != nil && p.isKilled() {
			return os.Kill
		}
		return sig
	}
	cmd := exec.CommandContext(ctx, path)
	cmd.Args = args
	cmd.Env = execEnv(hc.Env)
	cmd.Dir = hc.Dir
	cmd.Stdin = hc.Stdin
	cmd.Stdout = programStream(hc.Stdout)
	cmd.Stderr = programStream(hc.Stderr)
	setGroup(cmd, group, grace, cancelSig)

	err = cmd.Start()
	// A concurrently forked process may briefly hold the file open for
	// writing (go.dev/issue/22315); the window is short, so retry.
	for delay := time.Millisecond; errors.Is(err, syscall.ETXTBSY) && delay < 300*time.Millisecond; delay *= 2 {
		time.Sleep(delay)
		cmd = rebuild(cmd, ctx, group, grace, cancelSig)
		err = cmd.Start()
	}
	if errors.Is(err, syscall.ENOEXEC) {
		// A script without a shebang: interp's handler runs it with a
		// new shell, as other shells do.
		return next(ctx, args)
	}
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s: %v\n", args[0], err)
		return interp.ExitStatus(127)
	}
	if p != nil {
		p.add(cmd.Process, group)
		defer p.remove(cmd.Process)
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		if group {
			reapGroup(cmd.Process.Pid, grace)
		}
		return ctx.Err()
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		// ErrWaitDelay: the program succeeded but something it left
		// behind held its output open past the grace.
		return nil
	case errors.As(err, &exitErr):
		if sig, ok := signaled(exitErr); ok {
			return interp.ExitStatus(uint8(128 + sig))
		}
		return interp.ExitStatus(uint8(exitErr.ExitCode()))
	default:
		return err
	}
}

// cannotRun reports, in bash's words and with its exit status, that the
// program name was not found (127), or was found but is not a program
// (126).
func cannotRun(hc interp.HandlerContext, name string) error {
	if !isPath(name) {
		fmt.Fprintf(hc.Stderr, "%s: command not found\n", name)
		return interp.ExitStatus(127)
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(hc.Dir, path)
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		fmt.Fprintf(hc.Stderr, "%s: No such file or directory\n", name)
		return interp.ExitStatus(127)
	case fi.IsDir():
		fmt.Fprintf(hc.Stderr, "%s: Is a directory\n", name)
	default:
		fmt.Fprintf(hc.Stderr, "%s: Permission denied\n", name)
	}
	return interp.ExitStatus(126)
}

// isPath reports whether the command name is a path rather than a name to
// look for on PATH, as the interpreter decides.
func isPath(name string) bool {
	if runtime.GOOS == "windows" {
		return strings.ContainsAny(name, `:\/`)
	}
	return strings.Contains(name, "/")
}

// rebuild returns a fresh copy of an exec.Cmd that failed to start.
func rebuild(old *exec.Cmd, ctx context.Context, group bool, grace time.Duration, sig func() os.Signal) *exec.Cmd {
	cmd := exec.CommandContext(ctx, old.Path)
	cmd.Args, cmd.Env, cmd.Dir = old.Args, old.Env, old.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = old.Stdin, old.Stdout, old.Stderr
	setGroup(cmd, group, grace, sig)
	return cmd
}

// execEnv lists the exported variables of env as KEY=VALUE. env may list
// a name twice, the later entry winning: a variable the script unset or
// changed comes after the one it inherited, and replaces it.
func execEnv(env expand.Environ) []string {
	list := make([]string, 0, 64)
	for name, vr := range env.Each {
		if !vr.IsSet() || !vr.Exported {
			// Rare, so a linear search: drop the inherited entry.
			list = slices.DeleteFunc(list, func(kv string) bool {
				return len(kv) > len(name) && kv[len(name)] == '=' && strings.HasPrefix(kv, name)
			})
			continue
		}
		if vr.Kind == expand.String {
			list = append(list, name+"="+vr.String())
		}
	}
	return list
}

// overridePrefix marks, in args[0], a command that the Shell implements in
// place of one of the interpreter's own builtins; see [Shell.callHandler].
const overridePrefix = "\x00dax-override:"

// callHandler returns what runs before every simple command, once its
// words are expanded: it truncates the redirect targets that waited for
// that (see redirect_order.go). The interpreter runs its
// own builtins (echo, true, cd ...) without consulting the exec handlers,
// so a name the Shell implements itself is marked to skip them;
// [internalMiddleware] removes the mark before any other handler sees it.
// A function the script declares (funcs) keeps precedence, as in bash.
func (sh *Shell) callHandler(funcs []string) interp.CallHandlerFunc {
	return func(ctx context.Context, args []string) ([]string, error) {
		if err := truncateRedirects(interp.HandlerCtx(ctx)); err != nil {
			return nil, err
		}
		if len(args) > 0 && interp.IsBuiltin(args[0]) && sh.lookupCommand(args[0]) != nil && !slices.Contains(funcs, args[0]) {
			args = append([]string{overridePrefix + args[0]}, args[1:]...)
		}
		return args, nil
	}
}

// internalMiddleware comes first: it restores the name of an overridden
// builtin, and answers the checks of redirect targets (see redirect.go),
// which no user middleware should see.
func internalMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		switch {
		case strings.HasPrefix(args[0], overridePrefix):
			args = append([]string{strings.TrimPrefix(args[0], overridePrefix)}, args[1:]...)
		case args[0] == redirectCheck:
			return writeRedirectTarget(interp.HandlerCtx(ctx).Stdout, args[1], args[2:])
		}
		return next(ctx, args)
	}
}
