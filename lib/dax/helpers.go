package dax

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// Which returns the path of the program name runs, looked up in PATH as
// commands do (with PATHEXT on Windows). It fails when there is none.
// Builtins such as cat are not programs: Which looks for the program.
func Which(name string) (string, error) {
	if name == "" {
		return "", errors.New("which: empty program name")
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("which %s: %w", name, err)
	}
	path, err := interp.LookPathDir(wd, expand.ListEnviron(os.Environ()...), name)
	if err != nil {
		return "", fmt.Errorf("which %s: %w", name, err)
	}
	return path, nil
}

// LookPath returns what the Shell runs for the command name: the answer
// of a [WithLookPath] func when one knows name; name itself for a command
// implemented in Go (added with [WithCommand] or [Register], or one of
// lib/dax's builtins such as cat), as `command -v` prints it; else the
// path of the program found in the PATH of the Shell's environment, from
// its working directory. It fails, naming name, when there is none.
func (sh *Shell) LookPath(name string) (string, error) {
	if name == "" {
		return "", errors.New("look path: empty command name")
	}
	for _, fn := range sh.lookPaths {
		if path, ok := fn(name); ok {
			return path, nil
		}
	}
	if sh.lookupCommand(name) != nil {
		return name, nil
	}
	dir, env := sh.snapshot()
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("look path %s: %w", name, err)
		}
		dir = wd
	}
	path, err := interp.LookPathDir(dir, expand.ListEnviron(env...), name)
	if err != nil {
		return "", fmt.Errorf("look path %s: %w", name, err)
	}
	return path, nil
}

// CommandExists reports whether name is a program on PATH or a registered
// command (see [Register]).
func CommandExists(name string) bool {
	if lookupBuiltin(name) != nil {
		return true
	}
	_, err := Which(name)
	return err == nil
}

// Retry calls fn until it succeeds, at most tries times, waiting backoff
// before the second call and twice as long before each one after that. It
// stops early when ctx is done. It returns nil on success, or fn's last
// error, wrapped with the number of tries, or the context's error.
func Retry(ctx context.Context, tries int, backoff time.Duration, fn func(context.Context) error) error {
	if tries < 1 {
		return fmt.Errorf("retry: tries is %d, want at least 1", tries)
	}
	var err error
	wait := backoff
	for i := 1; ; i++ {
		if err = fn(ctx); err == nil {
			return nil
		}
		if i == tries {
			return fmt.Errorf("after %d tries: %w", tries, err)
		}
		if serr := Sleep(ctx, wait); serr != nil {
			return fmt.Errorf("retry stopped after %d tries: %w (last error: %w)", i, serr, err)
		}
		wait *= 2
	}
}

// Sleep waits for d, or until ctx is done, when it returns the context's
// error.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Dedent removes the indentation common to every non-blank line of s, and
// one leading newline, so a multi-line raw string can be indented with the
// code around it. Blank lines become empty.
func Dedent(s string) string {
	s = strings.TrimPrefix(s, "\n")
	lines := strings.Split(s, "\n")
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = strings.TrimPrefix(l, prefix)
	}
	return strings.Join(lines, "\n")
}
