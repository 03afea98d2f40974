package dax

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// The interpreter expands a redirect's target as one word, so that with
// var="a b", `echo 1 > $var` would write a file named "a b" where bash
// fails with "ambiguous redirect". Such targets are expanded as bash does
// instead: prepare turns a target that may split into fields or match
// files into $(redirectCheck 'TEXT' WORD), whose builtin
// (writeRedirectTarget) gets the fields as arguments and prints either the
// one target or the ambiguity, encoded for openHandler.

// redirectCheck is the internal command that checks a redirect's target.
const redirectCheck = "__dax_redirect_target"

const (
	targetOne       = "\x1bdax-redirect-one:"
	targetAmbiguous = "\x1bdax-redirect-ambiguous:"
)

// prepare readies a parsed command to run: it rewrites the targets of
// file redirects that expand to a number of words known only at run time
// (see above), and returns the names of the functions f declares, which
// take precedence over builtins, as in bash.
func prepare(f *syntax.File) (funcs []string) {
	var printer *syntax.Printer
	later := map[*syntax.Redirect]bool{}
	syntax.Walk(f, func(node syntax.Node) bool {
		switch node := node.(type) {
		case *syntax.FuncDecl:
			if node.Name != nil {
				funcs = append(funcs, node.Name.Value)
			}
		case *syntax.Stmt:
			// Walk visits a statement before its redirects.
			for _, rd := range truncatesLater(node) {
				later[rd] = true
			}
		}
		rd, ok := node.(*syntax.Redirect)
		if !ok || rd.Word == nil || !fileRedirect(rd.Op) {
			return true
		}
		if rd.Op == syntax.RdrClob {
			// The interpreter has no noclobber, so >| is >; it would
			// refuse the operator.
			rd.Op = syntax.RdrOut
		}
		if later[rd] {
			// After the target is checked below: the mark is no part of
			// what it expands to.
			mark := truncateLater + strings.Join(redirectFds(rd), "")
			defer func() { rd.Word.Parts = append(rd.Word.Parts, &syntax.Lit{Value: mark}) }()
		}
		if !splits(rd.Word) {
			return true
		}
		if printer == nil {
			printer = syntax.NewPrinter()
		}
		var text strings.Builder
		if err := printer.Print(&text, rd.Word); err != nil {
			return true // cannot happen for a parsed word; leave it be
		}
		call := &syntax.CallExpr{Args: []*syntax.Word{
			literal(redirectCheck), literal(strconv.Quote(text.String())), rd.Word,
		}}
		rd.Word = &syntax.Word{Parts: []syntax.WordPart{
			&syntax.CmdSubst{Stmts: []*syntax.Stmt{{Cmd: call}}},
		}}
		return true
	})
	return funcs
}

func literal(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: s}}}
}

func fileRedirect(op syntax.RedirOperator) bool {
	switch op {
	case syntax.RdrOut, syntax.AppOut, syntax.RdrIn, syntax.RdrInOut,
		syntax.RdrAll, syntax.AppAll, syntax.RdrClob:
		return true
	}
	return false
}

// splits reports whether w has an unquoted expansion, glob or brace,
// which can make it several words or none.
func splits(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "*?[{") {
				return true
			}
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ExtGlob, *syntax.BraceExp:
			return true
		}
	}
	return false
}

// writeRedirectTarget prints the one field of a redirect target, or that
// the target named text is ambiguous.
func writeRedirectTarget(w io.Writer, quotedText string, fields []string) error {
	var out string
	if len(fields) == 1 {
		out = targetOne + strconv.Quote(fields[0])
	} else {
		text, err := strconv.Unquote(quotedText)
		if err != nil {
			text = quotedText
		}
		out = targetAmbiguous + text
	}
	_, err := io.WriteString(w, out)
	return err
}

// errAmbiguous is the error of a redirect whose target is not one word.
var errAmbiguous = errors.New("ambiguous redirect")

// openHandler opens files for redirects, decoding the targets that
// prepare had checked or marked to truncate later (see redirect_order.go).
func openHandler(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	path, laterFds, later := strings.Cut(path, truncateLater)
	switch {
	case strings.HasPrefix(path, targetOne):
		p, err := strconv.Unquote(strings.TrimPrefix(path, targetOne))
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		path = p
	case strings.HasPrefix(path, targetAmbiguous):
		// A PathError is printed by the interpreter and fails the command.
		return nil, &os.PathError{Op: "redirect", Path: strings.TrimPrefix(path, targetAmbiguous), Err: errAmbiguous}
	}
	if later {
		return openLater(ctx, path, laterFds, flag, perm)
	}
	return interp.DefaultOpenHandler()(ctx, path, flag, perm)
}
