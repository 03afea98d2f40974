package dax_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax"
)

// The tests in this file each failed before the fix of the bug they name.

func TestCommand_UnsetVariableDoesNotReachPrograms(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t, dax.WithEnv(map[string]string{
		"PATH":                  os.Getenv("PATH"),
		"AWS_SECRET_ACCESS_KEY": "inherited",
		"KEPT":                  "yes",
	}))
	ctx := context.Background()
	got, err := sh.Cmd("unset AWS_SECRET_ACCESS_KEY; sh -c 'echo ${AWS_SECRET_ACCESS_KEY-undefined} $KEPT'").Text(ctx)
	if err != nil || got != "undefined yes" {
		t.Errorf("a program after unset sees %q (err %v), want %q", got, err, "undefined yes")
	}
	env, err := sh.Cmd("unset AWS_SECRET_ACCESS_KEY; printenv").Text(ctx)
	if err != nil || strings.Contains(env, "AWS_SECRET_ACCESS_KEY") || !strings.Contains(env, "KEPT=yes") {
		t.Errorf("printenv after unset printed %q (err %v), want KEPT without the key", env, err)
	}
}

// slowReader returns data forever, a little at a time, and records
// whether a Read was in progress or began after the sink returned.
type slowReader struct {
	returned, late atomic.Bool
	inRead         atomic.Int32
}

func (r *slowReader) Read(p []byte) (int, error) {
	r.inRead.Add(1)
	defer r.inRead.Add(-1)
	if r.returned.Load() {
		r.late.Store(true)
	}
	time.Sleep(2 * time.Millisecond)
	return copy(p, "0123456789\n"), nil
}

func TestCommand_StdinCopyEndsBeforeTheSinkReturns(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"head -c 5", "read line"} {
		r := &slowReader{}
		sh, _, _, _ := testShell(t)
		err := sh.Cmd("%s", dax.Raw(text)).Stdin(r).Quiet().Run(context.Background())
		inRead := r.inRead.Load()
		r.returned.Store(true)
		if err != nil {
			t.Fatalf("%s: Run() = %v", text, err)
		}
		time.Sleep(20 * time.Millisecond)
		if inRead != 0 || r.late.Load() {
			t.Errorf("%s: the stdin copy outlived the sink (reading when it returned: %d, read after: %v)", text, inRead, r.late.Load())
		}
	}
}

func TestCommand_StdinReaderSharedByCommandsInTurnHasNoRace(t *testing.T) {
	t.Parallel()
	// Run under -race: the first command's copy must be over before the
	// second command's begins.
	r := &slowReader{}
	sh, _, _, _ := testShell(t)
	for range 3 {
		if err := sh.Cmd("head -c 3").Stdin(r).Quiet().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// blockedReader gives its data, then blocks until released.
type blockedReader struct {
	data    string
	release chan struct{}
	once    sync.Once
}

func (r *blockedReader) Read(p []byte) (int, error) {
	done := false
	r.once.Do(func() { done = true })
	if done {
		return copy(p, r.data), nil
	}
	<-r.release
	return 0, io.EOF
}

func TestCommand_StdinReaderThatNeverEndsDoesNotHangTheSink(t *testing.T) {
	t.Parallel()
	r := &blockedReader{data: "abc", release: make(chan struct{})}
	defer close(r.release)
	sh, _, _, _ := testShell(t, dax.WithKillGrace(50*time.Millisecond))
	got, err := sh.Cmd("head -c 3").Stdin(r).Text(context.Background())
	if err != nil || got != "abc" {
		t.Errorf("Text() = %q, %v; want abc", got, err)
	}
}

// failingReader gives its data, then fails.
type failingReader struct {
	data string
	err  error
	done bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, r.data), nil
	}
	return 0, r.err
}

func TestCommand_FailingStdinReaderFailsTheCommand(t *testing.T) {
	t.Parallel()
	sh, _, _, _ := testShell(t)
	ctx := context.Background()
	broken := errors.New("connection reset")
	out, err := sh.Cmd("cat").Stdin(&failingReader{data: "partial", err: broken}).Text(ctx)
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), "stdin pipe broken") {
		t.Errorf("Text() error = %v, want one wrapping the reader's error", err)
	}
	if out != "partial" {
		t.Errorf("Text() = %q, want the input read before the failure", out)
	}
	// A failing command piped into another fails that one too.
	producer, pw := io.Pipe()
	go func() { pw.CloseWithError(sh.Cmd("echo partial; exit 3").Stdout(pw).Run(ctx)) }()
	_, err = sh.Cmd("cat").Stdin(producer).Text(ctx)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("Text() error = %v, want the producer's exit status 3", err)
	}
}

func TestCmd_RefusesHoleValuesThatAreNotText(t *testing.T) {
	t.Parallel()
	marker := filepath.Join(t.TempDir(), "ran")
	// Called through a variable, which go vet does not check: the verbs
	// are wrong on purpose.
	cmd := dax.Cmd
	var nilPtr *int
	for name, c := range map[string]dax.Command{
		"nil":            cmd("touch %s %s", marker, nil),
		"nil pointer":    cmd("touch %s %v", marker, nilPtr),
		"struct":         cmd("touch %s %v", marker, struct{ A int }{1}),
		"pointer":        cmd("touch %s %v", marker, &struct{ A int }{1}),
		"wrong verb":     cmd("touch %s %d", marker, "x"),
		"wrong verb int": cmd("touch %s %s", marker, 3),
		"func":           cmd("touch %s %v", marker, func() {}),
	} {
		err := c.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "argument 2") {
			t.Errorf("%s: Run() = %v, want an error naming argument 2", name, err)
		}
		if _, statErr := os.Stat(marker); statErr == nil {
			t.Errorf("%s: the command ran", name)
			_ = os.Remove(marker)
		}
	}
	for name, c := range map[string]dax.Command{
		"stringer":  dax.Cmd("echo %s", time.Second),
		"error":     dax.Cmd("echo %v", errors.New("e")),
		"number":    dax.Cmd("echo %d %x %.1f", 7, 255, 1.5),
		"bool":      dax.Cmd("echo %t", true),
		"int slice": dax.Cmd("echo %v", []int{1, 2}),
	} {
		if _, err := c.Text(context.Background()); err != nil {
			t.Errorf("%s: Text() = %v, want it accepted", name, err)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestBuiltin_WriteErrorsFailTheBuiltin(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"echo hi", "echo -n hi", "printf '%s\\n' hi", "printenv", "printenv HOME", "which sh", "cat /dev/null; echo x"} {
		var stderr syncBuffer
		sh, err := dax.New(dax.WithStdout(failWriter{}), dax.WithStderr(&stderr), dax.WithStdin(nil))
		if err != nil {
			t.Fatal(err)
		}
		code, err := sh.Cmd("%s", dax.Raw(text)).Code(context.Background())
		if code != 1 || err != nil {
			t.Errorf("%s: Code() = %d, %v; want 1", text, code, err)
		}
		if !strings.Contains(stderr.String(), "write error: disk full") {
			t.Errorf("%s: stderr %q, want the write error", text, stderr.String())
		}
	}
}
