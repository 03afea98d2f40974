package settings

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EnvironmentHeading starts the generated part of a target's doc comment,
// which runs to the comment's end.
const EnvironmentHeading = "# Environment"

// generatedNote opens every generated README table, saying where it comes
// from. The generated part of -h has none: users read it, and magefile.go
// says so above its imports.
const generatedNote = "Generated from scripts/settings by go generate; edit it there."

// Decl is a target as a magefile declares it.
type Decl struct {
	// Doc is its doc comment; nil when it has none.
	Doc *ast.CommentGroup
	// Args is how many command-line words it takes after its name: its
	// parameters other than a context.
	Args int
}

// MagefileTargets returns the targets declared in the magefile src, keyed
// by their names as mage spells them: exported functions, and the
// exported methods of types declared as mg.Namespace. It also returns the
// keys of an Aliases map, and the mage:import lines' imports, each as
// "PATH" or, for one imported under a namespace, "PATH ALIAS": the
// targets of those are not in src.
func MagefileTargets(src []byte) (targets map[string]Decl, aliases []string, imports []string, fset *token.FileSet, err error) {
	fset = token.NewFileSet()
	f, err := parser.ParseFile(fset, "magefile.go", src, parser.ParseComments)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	namespaces := map[string]bool{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch spec := spec.(type) {
			case *ast.TypeSpec:
				if sel, ok := spec.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Namespace" {
					namespaces[spec.Name.Name] = true
				}
			case *ast.ValueSpec:
				for i, n := range spec.Names {
					if n.Name != "Aliases" || i >= len(spec.Values) {
						continue
					}
					if lit, ok := spec.Values[i].(*ast.CompositeLit); ok {
						for _, e := range lit.Elts {
							if kv, ok := e.(*ast.KeyValueExpr); ok {
								if key, ok := kv.Key.(*ast.BasicLit); ok && key.Kind == token.STRING {
									aliases = append(aliases, strings.Trim(key.Value, "\"`"))
								}
							}
						}
					}
				}
			}
		}
	}
	for _, spec := range f.Imports {
		if spec.Doc == nil {
			continue
		}
		for _, c := range spec.Doc.List {
			fields := strings.Fields(strings.TrimPrefix(c.Text, "//"))
			if len(fields) == 0 || fields[0] != "mage:import" {
				continue
			}
			imported := strings.Trim(spec.Path.Value, "\"`")
			if len(fields) > 1 {
				imported += " " + fields[1]
			}
			imports = append(imports, imported)
		}
	}
	targets = map[string]Decl{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !fd.Name.IsExported() {
			continue
		}
		name := lowerFirst(fd.Name.Name)
		if fd.Recv != nil {
			id, ok := fd.Recv.List[0].Type.(*ast.Ident)
			if !ok || !namespaces[id.Name] {
				continue
			}
			name = lowerFirst(id.Name) + ":" + name
		}
		args := 0
		for _, p := range fd.Type.Params.List {
			if sel, ok := p.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Context" {
				continue
			}
			args += max(1, len(p.Names))
		}
		targets[name] = Decl{Doc: fd.Doc, Args: args}
	}
	return targets, aliases, imports, fset, nil
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// HelpLines returns the generated "# Environment" part of target's doc
// comment, without the comment marks.
func HelpLines(target string) []string {
	lines := []string{EnvironmentHeading, ""}
	vars := For(target)
	if len(vars) == 0 {
		return append(lines, "None.")
	}
	for _, v := range vars {
		lines = append(lines, fmt.Sprintf("  - %s: %s. Default: %s.", v.Name, Plain(v.Meaning), Plain(v.Default)))
	}
	return lines
}

// Magefile returns src, the file of the module named file (one of the
// File values of [Targets]), with the "# Environment" part of every
// target's doc comment generated from [Vars] and [Targets]. It fails for
// a target that has no doc comment, and for a target missing from
// [Targets] or from src.
func Magefile(file string, src []byte) ([]byte, error) {
	targets, _, _, fset, err := MagefileTargets(src)
	if err != nil {
		return nil, err
	}
	// mage embeds doc comments in the main file it generates, in raw
	// strings when help is multiline: a backtick there breaks its build.
	if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ParseComments|parser.PackageClauseOnly); err == nil && f.Doc != nil && strings.Contains(f.Doc.Text(), "`") {
		return nil, fmt.Errorf("%s: the package doc comment has a backtick, which breaks the main file mage generates for multiline help: drop it", file)
	}
	for name, decl := range targets {
		if decl.Doc != nil && strings.Contains(decl.Doc.Text(), "`") {
			return nil, fmt.Errorf("%s: the doc comment of target %s has a backtick, which breaks the main file mage generates for multiline help: drop it", file, name)
		}
	}
	if err := sameTargets(file, targets); err != nil {
		return nil, err
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for name, decl := range targets {
		doc := decl.Doc
		if doc == nil {
			return nil, fmt.Errorf("%s: target %s has no doc comment", file, name)
		}
		start, end := fset.Position(doc.Pos()).Offset, fset.Position(doc.End()).Offset
		var kept []string
		for _, c := range doc.List {
			if strings.TrimSpace(strings.TrimPrefix(c.Text, "//")) == EnvironmentHeading {
				break
			}
			kept = append(kept, c.Text)
		}
		for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "//" {
			kept = kept[:len(kept)-1]
		}
		kept = append(kept, "//")
		for _, l := range HelpLines(name) {
			kept = append(kept, strings.TrimRight("// "+l, " "))
		}
		edits = append(edits, edit{start, end, strings.Join(kept, "\n")})
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.start - a.start })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	return format.Source(out)
}

// sameTargets checks that the targets declared in file are exactly
// those of [Targets] that name it.
func sameTargets(file string, declared map[string]Decl) error {
	for name := range declared {
		if !slices.ContainsFunc(Targets, func(t Target) bool { return t.Name == name && t.File == file }) {
			return fmt.Errorf("%s has target %s, which scripts/settings.Targets does not list for it: add it there", file, name)
		}
	}
	for _, t := range Targets {
		if _, ok := declared[t.Name]; !ok && t.File == file {
			return fmt.Errorf("scripts/settings.Targets lists %s in %s, which does not declare it", t.Name, file)
		}
	}
	return nil
}

// Readme markers: a generated table sits between a line
// "<!-- vars: TARGET... -->" and the line "<!-- end vars -->", and lists
// the variables those targets read themselves.
const (
	readmeBegin = "<!-- vars:"
	readmeEnd   = "<!-- end vars -->"
)

// Readme returns src with every generated table filled in from [Vars].
func Readme(src []byte) ([]byte, error) {
	var out bytes.Buffer
	lines := strings.SplitAfter(string(src), "\n")
	for i := 0; i < len(lines); i++ {
		out.WriteString(lines[i])
		line := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(line, readmeBegin) {
			continue
		}
		targets := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(line, readmeBegin), "-->"))
		for _, t := range targets {
			if !slices.ContainsFunc(Targets, func(x Target) bool { return x.Name == t }) {
				return nil, fmt.Errorf("README.md line %d: %q is not a target in scripts/settings.Targets", i+1, t)
			}
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != readmeEnd {
			if strings.HasPrefix(strings.TrimSpace(lines[j]), readmeBegin) {
				break
			}
			j++
		}
		if j == len(lines) || strings.TrimSpace(lines[j]) != readmeEnd {
			return nil, fmt.Errorf("README.md line %d: %q has no %q after it", i+1, line, readmeEnd)
		}
		out.WriteString("<!-- " + generatedNote + " -->\n")
		out.WriteString("| variable | meaning | default |\n|---|---|---|\n")
		for _, v := range ReadBy(targets...) {
			fmt.Fprintf(&out, "| `%s` | %s | %s |\n", v.Name, v.Meaning, v.Default)
		}
		out.WriteString(lines[j])
		i = j
	}
	return out.Bytes(), nil
}
