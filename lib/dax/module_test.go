package dax_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A program that wants only the DSL must not pay for godax's AWS side:
// package dax is a module of its own, and the bitfield/script bridge is
// another (daxscript), so neither the AWS SDK, mage nor jq come along.
func TestModule_ADSLOnlyProgramPullsNoAWSOrMage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	t.Parallel()
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dsl := writeProgram(t, "dsl", `package main

import (
	"context"

	"github.com/godax/godax/lib/dax"
)

func main() { _ = dax.Cmd("echo %s", "hello").Run(context.Background()) }
`, "require github.com/godax/godax/lib/dax v0.0.0-00010101000000-000000000000\n\nreplace github.com/godax/godax/lib/dax => "+filepath.ToSlash(here)+"\n")
	plain := writeProgram(t, "plain", `package main

import (
	"os"
	"os/exec"
)

func main() {
	cmd := exec.Command("echo", "hello")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	_ = cmd.Run()
}
`, "")
	goCmd(t, dsl, "mod", "tidy")
	modules := strings.Fields(goCmd(t, dsl, "list", "-m", "-f", "{{.Path}}", "all"))
	for _, m := range modules {
		for _, banned := range []string{"github.com/aws/", "github.com/magefile/mage", "github.com/bitfield/script", "github.com/itchyny/gojq"} {
			if strings.HasPrefix(m, banned) {
				t.Errorf("go list -m all of a DSL-only program has %s", m)
			}
		}
	}
	// mvdan.cc/sh's own go.mod names 13 modules (its tests and shfmt's);
	// with the program and package dax that makes 15 or 16.
	if len(modules) > 16 {
		t.Errorf("go list -m all of a DSL-only program has %d modules, want at most 16:\n%s", len(modules), strings.Join(modules, "\n"))
	}
	linked := strings.Fields(goCmd(t, dsl, "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "."))
	distinct := map[string]bool{}
	for _, m := range linked {
		distinct[m] = true
	}
	if len(distinct) > 5 {
		t.Errorf("a DSL-only program links %d modules, want at most 5 (itself, dax, sh, x/term, x/sys): %v", len(distinct), distinct)
	}
	dslSize, plainSize := buildSize(t, dsl), buildSize(t, plain)
	ratio := float64(dslSize) / float64(plainSize)
	t.Logf("go list -m all: %d modules; linked: %d; binary %d bytes, os/exec equivalent %d bytes: %.2fx", len(modules), len(distinct), dslSize, plainSize, ratio)
	// mvdan.cc/sh's interpreter (with regexp and crypto/rand) is most of
	// the difference; 9 MB (3.5x) was the size before the split.
	if ratio > 2.3 {
		t.Errorf("a DSL-only program is %.2fx the os/exec equivalent, want at most 2.3x", ratio)
	}
}

func writeProgram(t *testing.T, name, main, requires string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mod := "module example.com/" + name + "\n\ngo " + strings.TrimPrefix(runtime.Version(), "go")[:4] + "\n\n" + requires
	for file, text := range map[string]string{"go.mod": mod, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

func buildSize(t *testing.T, dir string) int64 {
	t.Helper()
	exe := filepath.Join(dir, "prog")
	goCmd(t, dir, "build", "-trimpath", "-o", exe, ".")
	fi, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
