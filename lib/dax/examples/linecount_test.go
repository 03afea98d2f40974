// Package examples holds scripts ported to dax from Deno's dax, each a
// program in its own folder with the original in its testdata. This test
// compares their lengths.
package examples

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// maxRatio is how many lines the Go version of a script may have for each
// line of its original.
const maxRatio = 1.3

// TestPorts_AreAtMostAThirdLongerThanTheirOriginals counts, in the Go
// port, the non-blank lines of the function that is the script, between
// its braces (the inputs arrive as parameters, read by main), and in the
// original the non-blank lines that are not comments or imports.
func TestPorts_AreAtMostAThirdLongerThanTheirOriginals(t *testing.T) {
	t.Parallel()
	for _, port := range []struct{ goFile, fn, original string }{
		{"ecrlogin/login.go", "login", "ecrlogin/testdata/login.ts"},
		{"release/release.go", "release", "release/testdata/release.ts"},
		{"backup/backup.go", "backup", "backup/testdata/backup.ts"},
	} {
		goLines, err := funcBodyLines(port.goFile, port.fn)
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(port.original)
		if err != nil {
			t.Fatal(err)
		}
		origLines := scriptLines(string(src))
		ratio := float64(goLines) / float64(origLines)
		t.Logf("%s: %d lines of Go for %d of the original: %.2fx", port.fn, goLines, origLines, ratio)
		if ratio > maxRatio {
			t.Errorf("%s is %.2fx its original (%d lines for %d), more than %.1fx", port.goFile, ratio, goLines, origLines, maxRatio)
		}
	}
}

// funcBodyLines counts the non-blank lines inside the braces of the
// function name in the Go file path, comments left out.
func funcBodyLines(path, name string) (int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0) // without comments
	if err != nil {
		return 0, err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name {
			continue
		}
		lbrace := fset.Position(fn.Body.Lbrace).Offset
		rbrace := fset.Position(fn.Body.Rbrace).Offset
		return scriptLines(string(src[lbrace+1 : rbrace])), nil
	}
	return 0, &os.PathError{Op: "find func " + name, Path: path, Err: os.ErrNotExist}
}

// scriptLines counts the lines of src that are neither blank, comments,
// a #! line nor imports.
func scriptLines(src string) int {
	n := 0
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "", strings.HasPrefix(l, "//"), strings.HasPrefix(l, "#!"), strings.HasPrefix(l, "import "):
			continue
		}
		n++
	}
	return n
}
