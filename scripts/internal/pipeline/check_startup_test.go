package pipeline

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godax/godax/scripts/internal/state"
)

// TestStartUp_CompilesNoRegexpAtInit checks the packages every target
// links for package-level regexp.MustCompile (or Compile): it runs at
// start-up in every target, used or not. Compile on first use instead,
// with sync.OnceValue.
func TestStartUp_CompilesNoRegexpAtInit(t *testing.T) {
	t.Parallel()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// lib/awsauth and lib/ecrauth still compile theirs at init; they are
	// left to the changes under way in those packages.
	for _, pkg := range []string{"scripts", "scripts/internal/pipeline", "lib/container", "lib/ecrrepo", "lib/deploy", "lib/dax", "scripts/sandbox", "scripts/internal/state"} {
		files, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				ast.Inspect(gd, func(n ast.Node) bool {
					if _, ok := n.(*ast.FuncLit); ok {
						return false // runs when called, not at init
					}
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.Ident); ok && x.Name == "regexp" && strings.Contains(sel.Sel.Name, "Compile") {
							t.Errorf("%s: a package-level regexp.%s runs at every start-up: compile it on first use (sync.OnceValue)", filepath.Join(pkg, filepath.Base(path)), sel.Sel.Name)
						}
					}
					return true
				})
			}
		}
	}
}
