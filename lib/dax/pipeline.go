package dax

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// pipeline returns the stages of f when f is one plain pipeline, such as
// `cat FILE | wc -c`, and nil otherwise.
func pipeline(f *syntax.File) []*syntax.Stmt {
	if len(f.Stmts) != 1 || !plain(f.Stmts[0]) {
		return nil
	}
	bin, ok := f.Stmts[0].Cmd.(*syntax.BinaryCmd)
	if !ok || bin.Op != syntax.Pipe {
		return nil
	}
	var stages []*syntax.Stmt
	var flatten func(s *syntax.Stmt) bool
	flatten = func(s *syntax.Stmt) bool {
		if b, ok := s.Cmd.(*syntax.BinaryCmd); ok && plain(s) {
			if b.Op != syntax.Pipe {
				return false
			}
			return flatten(b.X) && flatten(b.Y)
		}
		stages = append(stages, s)
		return true
	}
	if !flatten(f.Stmts[0]) {
		return nil
	}
	return stages
}

// plain reports whether s has no modifiers of its own.
func plain(s *syntax.Stmt) bool {
	return !s.Negated && !s.Background && !s.Coprocess && !s.Disown && len(s.Redirs) == 0
}

// runPipeline runs the stages of a pipeline concurrently, each in a
// subshell of r, connected by pipes from [newPipe], the way interp would
// run them but with pipes the Go runtime does not poll. As in bash, the
// pipeline's status is its last stage's, or with pipefail the last
// non-zero one.
func runPipeline(ctx context.Context, r *interp.Runner, stages []*syntax.Stmt, stdin *os.File, stdout, stderr io.Writer, pipefail bool) error {
	r.Reset()
	errs := make([]error, len(stages))
	var wg sync.WaitGroup
	in := stdin
	var inPipe *os.File // in, when it is a pipe made here
	for i, st := range stages {
		out := stdout
		var pr, pw *os.File
		if i < len(stages)-1 {
			var err error
			if pr, pw, err = newPipe(); err != nil {
				closeFiles(inPipe)
				wg.Wait()
				return err
			}
			out = pw
		}
		sub := r.Subshell()
		if err := interp.StdIO(in, out, stderr)(sub); err != nil {
			closeFiles(inPipe, pr, pw)
			wg.Wait()
			return err
		}
		readEnd := inPipe
		wg.Go(func() {
			errs[i] = sub.Run(ctx, st)
			// The stage is done: let the next one see EOF and the
			// previous one EPIPE. Pipe close errors lose no data.
			closeFiles(pw, readEnd)
		})
		in, inPipe = pr, pr
	}
	wg.Wait()
	for _, err := range errs[:len(errs)-1] {
		if _, ok := errors.AsType[interp.ExitStatus](err); err != nil && !ok {
			return err // a fatal error, such as cancellation
		}
	}
	if pipefail {
		for i := len(errs) - 1; i >= 0; i-- {
			if errs[i] != nil {
				return errs[i]
			}
		}
	}
	return errs[len(errs)-1]
}

func closeFiles(files ...*os.File) {
	for _, f := range files {
		if f != nil {
			_ = f.Close()
		}
	}
}
