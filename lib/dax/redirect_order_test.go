package dax_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// outcome is what a script leaves: its standard output, its exit status
// and the files of its directory.
type outcome struct {
	Stdout string
	Code   int
	Files  map[string]string
}

// redirectOrderScripts read the target of their own redirect in a command
// substitution, which bash runs before it opens the target.
var redirectOrderScripts = []string{
	`echo "$(cat f) x" > f`,
	`echo "$(cat f) x" >> f`,
	`echo "$(cat f) x" >| f`,
	`echo "$(cat f) x" &> f`,
	`echo "$(cat f) x" > f 2>&1`,
	"echo `cat f` x > f",
	`echo "$(echo "$(cat f)") x" > "$(echo f)"`,
	`ls "$(cat f)" 2> f`,
	`ls "$(echo warning >&2; cat f)" 2> f`,
	`echo "$(cat f) x" 2> g > f`,
	`X="$(cat g)" echo "$(cat f) x" > f`,
	`cat - "$(echo f)" < f`,
	`cat f > f`,
	`cat "$(echo f)" > f`,
	`cat "$(cat f)" > f`,
	`: "$(cat f)" > f`,
	`echo "$(cat f) x" > f | cat`,
	`true | echo "$(cat f) x" > f; cat f`,
	`true && echo "$(cat f) x" > f && cat f`,
	`false || echo "$(cat f) x" >> f && cat f`,
	`w() { echo "$(cat "$1") x" > "$1"; }; w f; w f; cat f`,
	`if echo "$(cat f) x" > f; then echo "$(cat f) y" >> f; fi; exit 3`,
	`for i in 1 2; do echo "$(cat f) $i" > f; done`,
	`name=f; echo "$(cat $name) x" > $name`,
}

func TestCommand_RedirectOpensItsTargetAfterTheWordsAreExpandedAsBashDoes(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("/bin/bash")
	if err != nil {
		t.Skip("no bash to compare with:", err)
	}
	ctx := context.Background()
	for _, script := range redirectOrderScripts {
		t.Run(script, func(t *testing.T) {
			t.Parallel()
			dir := redirectOrderDir(t)
			cmd := exec.Command(bash, "-c", script)
			cmd.Dir = dir
			out, err := cmd.Output()
			var exitErr *exec.ExitError
			if err != nil && !errors.As(err, &exitErr) {
				t.Fatal(err)
			}
			want := outcome{Stdout: string(out), Code: cmd.ProcessState.ExitCode(), Files: readDir(t, dir)}

			dir = redirectOrderDir(t)
			sh, _, _, _ := testShell(t, dax.WithDir(dir))
			res, err := sh.Cmd("%s", dax.Raw(script)).NoThrow().Output(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := outcome{Stdout: res.Stdout, Code: res.Code, Files: readDir(t, dir)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("dax differs from bash (-bash +dax):\n%s", diff)
			}
		})
	}
}

// redirectOrderDir returns a new directory holding the file f.
func redirectOrderDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readDir returns the files of dir by name.
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		files[e.Name()] = readFile(t, filepath.Join(dir, e.Name()))
	}
	return files
}

func TestCommand_RedirectOfACommandWhoseWordsFailToExpandKeepsItsTarget(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"f": "old\n"})
	err := sh.Cmd(`echo "$(cat f) ${undefined:?is not set}" > f`).Quiet().Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "is not set") {
		t.Errorf("Run() = %v, want the expansion's error", err)
	}
	if diff := cmp.Diff("old\n", readFile(t, filepath.Join(dir, "f"))); diff != "" {
		t.Errorf("f (-want +got):\n%s", diff)
	}
}

func TestCommand_RedirectTargetGetsTheCommandsStderrButNotItsSubstitutions(t *testing.T) {
	t.Parallel()
	sh, dir, stderr := inDir(t, map[string]string{"f": "old\n"})
	err := sh.Cmd(`sh -c 'echo "$1" >&2' sh "$(cat f; echo substitution >&2) x" 2> f`).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("old x\n", readFile(t, filepath.Join(dir, "f"))); diff != "" {
		t.Errorf("f (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("substitution\n", stderr.String()); diff != "" {
		t.Errorf("the Shell's stderr (-want +got):\n%s", diff)
	}
}
