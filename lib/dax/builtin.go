package dax

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Invocation is what a [BuiltinFunc] gets: the command's arguments and
// the state of the shell running it.
type Invocation struct {
	// Args are the arguments, Args[0] being the command's name.
	Args []string
	// Dir is the shell's working directory.
	Dir string
	// Getenv returns the value of a shell variable, "" when unset.
	Getenv func(name string) string
	// Environ lists the exported variables as KEY=VALUE.
	Environ func() []string
	// Stdin, Stdout and Stderr are the command's standard streams.
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	env expand.Environ
}

// environFrom returns the shell environment of inv.
func environFrom(inv Invocation) expand.Environ {
	if inv.env != nil {
		return inv.env
	}
	var list []string
	if inv.Environ != nil {
		list = inv.Environ()
	}
	return expand.ListEnviron(list...)
}

// Path returns p relative to the invocation's working directory, or p
// itself when it is absolute.
func (inv Invocation) Path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(inv.Dir, p)
}

// BuiltinFunc implements a command in Go. It returns nil for success,
// [ExitCode] for a particular exit status, or an error, which is printed
// to stderr as "name: error" with the exit status 1. It should stop when
// ctx is done.
type BuiltinFunc func(ctx context.Context, inv Invocation) error

// ExitCode returns an error that makes a [BuiltinFunc] exit with status
// code (0 to 255) without printing anything.
func ExitCode(code int) error {
	return interp.ExitStatus(uint8(code))
}

// errUnsupported is returned by a builtin for options it does not
// implement; the program of that name on PATH runs instead.
type errUnsupported struct{ msg string }

func (e errUnsupported) Error() string { return e.msg }

var (
	builtinsMu sync.RWMutex
	builtins   = map[string]BuiltinFunc{}
)

// Register makes name a command implemented by fn for every Shell, ahead
// of any program of that name on PATH and of the shell's own builtins
// (echo, true, cd ...). It replaces an earlier registration, including
// dax's own builtins (cat, cp, mv, rm, mkdir, touch, which, sleep,
// printenv, echo, printf). A Shell's own commands ([WithCommand]) come
// first. It fails for a nil fn and for a name that is not a plain command
// word (see [WithCommand]).
func Register(name string, fn BuiltinFunc) error {
	if err := checkCommand(name, fn); err != nil {
		return fmt.Errorf("dax.Register: %w", err)
	}
	builtinsMu.Lock()
	defer builtinsMu.Unlock()
	builtins[name] = fn
	return nil
}

// checkCommand fails unless name is a plain command word that the shell
// reads back as itself and fn is not nil.
func checkCommand(name string, fn BuiltinFunc) error {
	switch {
	case name == "":
		return errors.New("empty command name")
	case strings.ContainsAny(name, "/\\="):
		return fmt.Errorf("command name %q must not hold /, \\ or =", name)
	case name[0] == '-':
		return fmt.Errorf("command name %q must not start with -", name)
	case syntax.IsKeyword(name):
		return fmt.Errorf("command name %q is a shell keyword", name)
	case fn == nil:
		return fmt.Errorf("command %s: nil function", name)
	}
	if q, err := syntax.Quote(name, syntax.LangBash); err != nil || q != name || strings.ContainsAny(name, "~{}[]*?!#") {
		return fmt.Errorf("command name %q is not a plain command word: use letters, digits and -_.+:@,%%^", name)
	}
	return nil
}

// Builtins returns the names of the commands every Shell runs in Go
// rather than as programs (cat, echo, mkdir...), and those added with
// [Register], sorted.
func Builtins() []string {
	builtinsMu.RLock()
	defer builtinsMu.RUnlock()
	return slices.Sorted(maps.Keys(builtins))
}

func lookupBuiltin(name string) BuiltinFunc {
	builtinsMu.RLock()
	defer builtinsMu.RUnlock()
	return builtins[name]
}

// builtinMiddleware runs the commands implemented in Go and passes the
// rest on.
func (sh *Shell) builtinMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		fn := sh.lookupCommand(args[0])
		if fn == nil {
			return next(ctx, args)
		}
		hc := interp.HandlerCtx(ctx)
		inv := Invocation{
			Args: args,
			Dir:  hc.Dir,
			Getenv: func(name string) string {
				return hc.Env.Get(name).String()
			},
			Environ: func() []string { return execEnv(hc.Env) },
			Stdin:   hc.Stdin,
			Stdout:  hc.Stdout,
			Stderr:  hc.Stderr,
			env:     hc.Env,
		}
		if inv.Stdin == nil {
			inv.Stdin = eofReader{}
		}
		err := fn(ctx, inv)
		var unsupported errUnsupported
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, syscall.EPIPE):
			// The reader went away, as with `cat FILE | head -1`: end
			// quietly with the status of a program killed by SIGPIPE.
			return interp.ExitStatus(128 + 13)
		case errors.As(err, &unsupported):
			if _, lookErr := interp.LookPathDir(hc.Dir, hc.Env, args[0]); lookErr == nil {
				return next(ctx, args)
			}
			fmt.Fprintf(hc.Stderr, "%s: %v (and no %s on PATH)\n", args[0], err, args[0])
			return interp.ExitStatus(2)
		}
		if _, ok := errors.AsType[interp.ExitStatus](err); ok {
			return err
		}
		fmt.Fprintf(hc.Stderr, "%s: %v\n", args[0], err)
		return interp.ExitStatus(1)
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
