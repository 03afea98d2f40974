package dax

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Bash expands the words of a simple command before it performs the
// command's redirections, so `echo "$(cat f) x" > f` reads f before the
// redirect empties it. The interpreter opens the targets first, which
// would lose f's content. dax keeps bash's order for the redirects that
// truncate (>, >| and &>) of a simple command whose words hold a command
// substitution: prepare marks their targets with truncateLater, and
// openHandler opens them without truncating, as a [laterFile] that
// [Shell.callHandler] truncates once the words are expanded, just before
// the command is called. Until then, what is written to it (the standard
// error of the command substitutions) goes where it went before the
// redirect, as in bash.
//
// The command's call is told from those of the command substitutions,
// which inherit its standard error, by its standard output: a target of
// standard output is truncated when it is the call's standard output, a
// target of standard error alone when the call's standard output is what
// it was when the target was opened (see [laterFile.due]). A command
// substitution that sends its own output to a target of both streams
// (`echo "$(echo x >&2)" &> f`) truncates it early, as the interpreter
// would have.
//
// A command that is never called keeps its file: bash does not perform
// the redirects of a command whose expansion failed either. A command
// whose words may all expand to nothing (`$(cat f) > f`) would not be
// called and yet bash truncates its target, so its redirects keep the
// interpreter's order; so do those whose stream a later redirect of the
// same command takes over (`> f > g`), since the command never sees them,
// or of standard error followed by one of standard output (`2> f > g`).

// truncateLater, followed by the streams the redirect sets ("1", "2" or
// "12"), ends the target of a redirect that truncates only when its
// command is called.
const truncateLater = "\x1bdax-truncate-later:"

// truncatesLater returns the redirects of st whose truncation waits for
// its words to be expanded (see above).
func truncatesLater(st *syntax.Stmt) []*syntax.Redirect {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || !substitutes(call.Args) || !slices.ContainsFunc(call.Args, alwaysAField) {
		return nil
	}
	var later []*syntax.Redirect
	for i, rd := range st.Redirs {
		fds := redirectFds(rd)
		if rd.Op != syntax.RdrOut && rd.Op != syntax.RdrClob && rd.Op != syntax.RdrAll || fds[0] != "1" && fds[0] != "2" {
			continue
		}
		takenOver := func(fd string) bool {
			return slices.ContainsFunc(st.Redirs[i+1:], func(next *syntax.Redirect) bool { return slices.Contains(redirectFds(next), fd) })
		}
		if fds[0] == "1" && !takenOver("1") || fds[len(fds)-1] == "2" && !takenOver("2") && !takenOver("1") {
			later = append(later, rd)
		}
	}
	return later
}

// substitutes reports whether words hold a command substitution.
func substitutes(words []*syntax.Word) bool {
	found := false
	for _, w := range words {
		syntax.Walk(w, func(node syntax.Node) bool {
			if _, ok := node.(*syntax.CmdSubst); ok {
				found = true
			}
			return !found
		})
	}
	return found
}

// alwaysAField reports whether w expands to at least one field, whatever
// the values of its expansions: it has literal or quoted text, and no
// glob (which nullglob may remove) or "$@" (which may be no field).
func alwaysAField(w *syntax.Word) bool {
	text := false
	for _, part := range w.Parts {
		switch part := part.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(part.Value, "*?[") {
				return false
			}
			text = true
		case *syntax.SglQuoted:
			text = true
		case *syntax.DblQuoted:
			for _, in := range part.Parts {
				if pe, ok := in.(*syntax.ParamExp); ok && (pe.Param.Value == "@" || pe.Index != nil) {
					return false
				}
			}
			text = true
		case *syntax.ExtGlob:
			return false
		}
	}
	return text
}

// redirectFds returns the streams rd sets: 0 standard input, 1 standard
// output, 2 standard error.
func redirectFds(rd *syntax.Redirect) []string {
	switch {
	case rd.Op == syntax.RdrAll || rd.Op == syntax.AppAll:
		return []string{"1", "2"}
	case rd.N != nil:
		return []string{rd.N.Value}
	case rd.Op == syntax.RdrIn || rd.Op == syntax.RdrInOut || rd.Op == syntax.DplIn ||
		rd.Op == syntax.Hdoc || rd.Op == syntax.DashHdoc || rd.Op == syntax.WordHdoc:
		return []string{"0"}
	}
	return []string{"1"}
}

// laterFile is the target of a redirect that truncates once its command
// is called (see above).
type laterFile struct {
	f *os.File
	// stdout tells whether the redirect sets standard output; when it
	// does not, openedStdout is standard output when it was opened.
	stdout       bool
	openedStdout io.Writer
	before       io.Writer // where writes go until it is truncated
	truncated    atomic.Bool
}

// openLater opens path for a redirect that truncates later and sets the
// streams fds.
func openLater(ctx context.Context, path, fds string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	rwc, err := interp.DefaultOpenHandler()(ctx, path, flag&^os.O_TRUNC, perm)
	if err != nil {
		return nil, err
	}
	f, ok := rwc.(*os.File)
	if !ok {
		// Not a file dax can truncate later: as the interpreter does.
		_ = rwc.Close() // nothing was written
		return interp.DefaultOpenHandler()(ctx, path, flag, perm)
	}
	hc := interp.HandlerCtx(ctx)
	return &laterFile{f: f, stdout: strings.Contains(fds, "1"), openedStdout: hc.Stdout, before: hc.Stderr}, nil
}

// due reports whether hc is the call of the command that the file is a
// redirect target of (see above).
func (l *laterFile) due(hc interp.HandlerContext) bool {
	if l.stdout {
		return hc.Stdout == l
	}
	return hc.Stderr == l && hc.Stdout == l.openedStdout
}

// truncate empties the file, once, and sends what is written from now on
// to it. Only regular files are truncated, as O_TRUNC does.
func (l *laterFile) truncate() error {
	if l.truncated.Load() {
		return nil
	}
	fi, err := l.f.Stat()
	if err == nil && fi.Mode().IsRegular() {
		err = l.f.Truncate(0)
	}
	l.truncated.Store(true)
	return err
}

// stream returns where the file's writes go now: the file, or before it
// is truncated, the stream the redirect replaced.
func (l *laterFile) stream() io.Writer {
	if l.truncated.Load() {
		return l.f
	}
	if l.before == nil {
		return io.Discard
	}
	return l.before
}

func (l *laterFile) Write(p []byte) (int, error) { return l.stream().Write(p) }

func (l *laterFile) Read(p []byte) (int, error) { return l.f.Read(p) }

func (l *laterFile) Close() error { return l.f.Close() }

// truncateRedirects truncates the targets of the command's redirects that
// waited for its words to be expanded.
func truncateRedirects(hc interp.HandlerContext) error {
	for _, w := range []io.Writer{hc.Stdout, hc.Stderr} {
		if l, ok := w.(*laterFile); ok && l.due(hc) {
			if err := l.truncate(); err != nil {
				return err
			}
		}
	}
	return nil
}

// programStream returns what a program gets for w, one of its output
// streams: the file itself for a redirect's target.
func programStream(w io.Writer) io.Writer {
	if l, ok := w.(*laterFile); ok {
		return l.stream()
	}
	return w
}
