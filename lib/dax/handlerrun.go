package dax

import (
	"context"
	"sync/atomic"
)

// RunInfo tells an exec handler ([WithExecHandlers]) about the command
// that its program is part of.
type RunInfo struct {
	// ID tells runs apart: each run of a command in the process has its
	// own, greater than those of the runs that started before it.
	ID uint64
	// Command is the command as printed ([Command.String]): secrets as ***.
	Command string
	// Secrets are the values of the command's secrets: those in its holes
	// and its [Command.StdinSecret]. A handler that prints or records
	// arguments replaces them with ***.
	Secrets []Secret
}

type runInfoKey struct{}

// runCount numbers the runs of commands.
var runCount atomic.Uint64

// HandlerRun returns the [RunInfo] of the command whose program an exec
// handler was called for, given the handler's ctx; ok is false for a ctx
// that did not come from a command's run.
func HandlerRun(ctx context.Context) (info RunInfo, ok bool) {
	info, ok = ctx.Value(runInfoKey{}).(RunInfo)
	return info, ok
}

// withRunInfo returns ctx carrying the RunInfo of a new run of c, and the
// values of c's secrets.
func (c Command) withRunInfo(ctx context.Context) (context.Context, []string) {
	secrets := c.text.secrets
	if c.stdinSecret && *c.stdinString != "" {
		secrets = append(secrets[:len(secrets):len(secrets)], *c.stdinString)
	}
	info := RunInfo{ID: runCount.Add(1), Command: c.text.shown, Secrets: make([]Secret, len(secrets))}
	for i, s := range secrets {
		info.Secrets[i] = Secret(s)
	}
	return context.WithValue(ctx, runInfoKey{}, info), secrets
}
