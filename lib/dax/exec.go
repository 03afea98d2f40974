package dax

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// execMiddleware runs external programs. It replaces interp's default
// handler to start each program in its own process group when groups is
// true (see [Command]), so that cancellation stops the program and
// everything it started: SIGTERM to the group, then SIGKILL after grace.
func execMiddleware(groups bool, grace time.Duration) func(interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			return execProgram(ctx, next, args, groups, grace)
		}
	}
}

// execProgram runs the program args[0], found on the shell's PATH, in a
// new process group when group is true.
func execProgram(ctx context.Context, next interp.ExecHandlerFunc, args []string, group bool, grace time.Duration) error {
	hc := interp.HandlerCtx(ctx)
	path, err := interp.LookPathDir(hc.Dir, hc.Env, args[0])
	if err != nil {
		fmt.Fprintln(hc.Stderr, err)
		return interp.ExitStatus(127)
	}
	cmd := exec.CommandContext(ctx, path)
	cmd.Args = args
	cmd.Env = execEnv(hc.Env)
	cmd.Dir = hc.Dir
	cmd.Stdin = hc.Stdin
	cmd.Stdout = hc.Stdout
	cmd.Stderr = hc.Stderr
	setGroup(cmd, group, grace)

	err = cmd.Start()
	// A concurrently forked process may briefly hold the file open for
	// writing (go.dev/issue/22315); the window is short, so retry.
	for delay := time.Millisecond; errors.Is(err, syscall.ETXTBSY) && delay < 300*time.Millisecond; delay *= 2 {
		time.Sleep(delay)
		cmd = rebuild(cmd, ctx, group, grace)
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

// rebuild returns a fresh copy of an exec.Cmd that failed to start.
func rebuild(old *exec.Cmd, ctx context.Context, group bool, grace time.Duration) *exec.Cmd {
	cmd := exec.CommandContext(ctx, old.Path)
	cmd.Args, cmd.Env, cmd.Dir = old.Args, old.Env, old.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = old.Stdin, old.Stdout, old.Stderr
	setGroup(cmd, group, grace)
	return cmd
}

// execEnv lists the exported variables of env as KEY=VALUE.
func execEnv(env expand.Environ) []string {
	list := make([]string, 0, 64)
	for name, vr := range env.Each {
		if vr.Exported && vr.IsSet() && vr.Kind == expand.String {
			list = append(list, name+"="+vr.String())
		}
	}
	return list
}
