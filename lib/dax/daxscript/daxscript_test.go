package daxscript_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxscript"
)

func quietShell(t *testing.T) *dax.Shell {
	t.Helper()
	sh, err := dax.New(dax.WithStdout(&strings.Builder{}), dax.WithStderr(&strings.Builder{}), dax.WithLogger(&strings.Builder{}), dax.WithStdin(nil))
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func TestPipe_FeedsScriptPipe(t *testing.T) {
	t.Parallel()
	n, err := daxscript.Pipe(context.Background(), dax.Cmd(`printf 'app 1\nweb 2\napp 3\n'`)).Match("app").CountLines()
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("CountLines() = %d, want 2", n)
	}
}

func TestPipe_SurfacesCommandError(t *testing.T) {
	t.Parallel()
	sh := quietShell(t)
	out, err := daxscript.Pipe(context.Background(), sh.Cmd("echo partial; echo broken >&2; exit 4")).String()
	var cerr *dax.CommandError
	if !errors.As(err, &cerr) || cerr.Code != 4 {
		t.Fatalf("String() error = %v, want a CommandError with code 4", err)
	}
	if out != "partial\n" {
		t.Errorf("String() = %q, want the output before the failure", out)
	}
}

func TestPipe_ErrorIsThePipesError(t *testing.T) {
	t.Parallel()
	sh := quietShell(t)
	p := daxscript.Pipe(context.Background(), sh.Cmd("echo out; exit 5"))
	if _, err := p.String(); err == nil {
		t.Error("String() succeeded, want the command's error")
	}
	var cerr *dax.CommandError
	if !errors.As(p.Error(), &cerr) || cerr.Code != 5 {
		t.Errorf("Error() after reading = %v, want a CommandError with code 5", p.Error())
	}
}

func TestPipe_RefusesANulByteInAHole(t *testing.T) {
	t.Parallel()
	_, err := daxscript.Pipe(context.Background(), dax.Cmd("echo %s", "a\x00b")).String()
	if err == nil || !strings.Contains(err.Error(), "NUL byte") && !strings.Contains(err.Error(), "null bytes") {
		t.Errorf("String() error = %v, want one naming the NUL byte", err)
	}
}

func ExamplePipe() {
	n, err := daxscript.Pipe(context.Background(), dax.Cmd("printf 'app 1\\nweb 2\\napp 3\\n'")).Match("app").CountLines()
	fmt.Println(n, err)
	// Output: 2 <nil>
}
