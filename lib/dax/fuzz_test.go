package dax

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzCmd_QuotedArgumentRoundTrips checks that an argument reaches the
// command as exactly one word with exactly its value, whatever it holds:
// through the interpreter dax runs, and through real bash reading the same
// text.
func FuzzCmd_QuotedArgumentRoundTrips(f *testing.F) {
	for _, s := range []string{
		"", " ", "plain", "two words", "'", `"`, `'"'"'`, `\`, `\'`, `$HOME`, `${HOME}`,
		"$(echo pwned)", "`echo pwned`", "; echo pwned", "a && b", "a || b", "a | b",
		"*", "?", "[a-z]*", "~", "~root", "{a,b}", "a\nb", "\n", "\r\n", "\t", "-n", "--help",
		"-e \\n", "héllo ✓ 日本", "\x7f\x01\x1b[31m", "\xff\xfe", "!!", "#comment", "a=b",
		"$'x'", `$"x"`, "<(echo x)", "> /tmp/x", "%s %d %%", "\u00a0", "\u200b", "'$(echo)'",
	} {
		f.Add(s)
	}
	bash := &bashServer{}
	f.Cleanup(bash.close)
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			t.Skip("NUL bytes cannot be quoted; TestCmd_SinksReturnErrorForArgumentWithNULByte covers them")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		cmd := Cmd("printf %%s %s", s)
		got, err := cmd.Quiet().Bytes(ctx)
		if err != nil {
			t.Fatalf("Bytes() for %q: %v", s, err)
		}
		if !bytes.Equal(got, []byte(s)) {
			t.Errorf("interp printed %q for %q", got, s)
		}
		text, err := cmd.Quiet().Text(ctx)
		if err != nil || text != strings.TrimRight(s, "\r\n") {
			t.Errorf("Text() = %q, %v for %q", text, err, s)
		}

		out, err := bash.run(cmd.text.exec)
		if err != nil {
			t.Skip("no bash to compare with:", err)
		}
		if !bytes.Equal(out, []byte(s)) {
			t.Errorf("bash printed %q for %q (script %q)", out, s, cmd.text.exec)
		}
	})
}

// bashServer is one bash process reading scripts from a pipe, so that
// the fuzzer compares with real bash without starting one per input.
type bashServer struct {
	mu    sync.Mutex
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	start error
}

// run has bash run script and returns its standard output. Each script
// is followed by printing a NUL, which no input holds, to end its output.
func (b *bashServer) run(script string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil && b.start == nil {
		b.start = b.launch()
	}
	if b.start != nil {
		return nil, b.start
	}
	if _, err := fmt.Fprintf(b.in, "%s\nprintf '\\0'\n", script); err != nil {
		return nil, err
	}
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := b.out.ReadBytes(0)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("bash: %w", r.err)
		}
		return r.out[:len(r.out)-1], nil
	case <-time.After(10 * time.Second):
		b.close()
		b.start = fmt.Errorf("bash did not finish %q", script)
		panic(b.start) // the fuzzer records the input that hung bash
	}
}

func (b *bashServer) launch() error {
	path, err := exec.LookPath("bash")
	if err != nil {
		return err
	}
	cmd := exec.Command(path, "--norc", "--noprofile", "-s")
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	b.cmd, b.in, b.out = cmd, in, bufio.NewReader(out)
	return nil
}

func (b *bashServer) close() {
	if b.cmd != nil {
		_ = b.in.Close()
		_ = b.cmd.Process.Kill()
		_ = b.cmd.Wait() // killed: the status says so
		b.cmd = nil
	}
}

// FuzzCmd_FormatNeverLeaksSecret checks that for any format, building a
// command with a secret neither panics nor shows the secret: not in
// String, not in the error a sink would return, even where the format or
// another argument holds the secret's value too. The commands are not run.
func FuzzCmd_FormatNeverLeaksSecret(f *testing.F) {
	for _, format := range []string{
		"echo %s %s", "%s", "%d %v", "%q%x", "$((%s))", "${%s}", "%%s %s", "%[1]s",
		"%*d", "%", "echo '%s", "echo \"%s\" %s", "$(( 1 + %s ))", "case %s in", "a=(%s)",
		"[[ %s =~ %s ]]", "cat <<%s\nx\n%s", "echo %-20s|", "${x:%s}", "%s=1 %s",
	} {
		f.Add(format, "arg")
	}
	const secret = "S3CRETvalue"
	f.Add("%s %s", "https://user:"+secret+"@host")
	f.Add("echo %s TOKEN="+secret, "a'b")
	f.Add("%s %q", "x\x00"+secret)
	f.Fuzz(func(t *testing.T, format, arg string) {
		cmd := Cmd(format, Secret(secret), arg)
		if strings.Contains(cmd.String(), secret) {
			t.Errorf("String() = %q shows the secret", cmd.String())
		}
		if cmd.err != nil && strings.Contains(cmd.err.Error(), secret) {
			t.Errorf("error %q shows the secret", cmd.err)
		}
	})
}

// FuzzCmd_RedirectTargetMatchesBash checks that a redirect to an unquoted
// variable does what bash does with the same value: write the one file it
// names, or fail with "ambiguous redirect" when the value splits into
// several words or none.
func FuzzCmd_RedirectTargetMatchesBash(f *testing.F) {
	for _, s := range []string{"a", "a b", "", " ", "*", "x*", "{a,b}", "a\tb", "-", "$x", "'", "\n", "ü", " a ", "a\n\nb", "[ab]", "?"} {
		f.Add(s)
	}
	bash := &bashServer{}
	f.Cleanup(bash.close)
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\x00/") || len(v) > 64 {
			t.Skip("a NUL cannot be quoted; a / would leave the directory")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		daxDir, bashDir := t.TempDir(), t.TempDir()
		sh, err := New(WithDir(daxDir), WithStdin(nil), WithStderr(io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		code, err := sh.Cmd("v=%s; echo x > $v", v).Code(ctx)
		if err != nil {
			t.Fatalf("Code() for %q: %v", v, err)
		}
		out, err := bash.run(Cmd("cd %s && v=%s; echo x > $v; echo $?", bashDir, v).text.exec)
		if err != nil {
			t.Skip("no bash to compare with:", err)
		}
		if got, want := strconv.Itoa(code), strings.TrimSpace(string(out)); got != want {
			t.Errorf("value %q: exit status %s, bash %s", v, got, want)
		}
		if got, want := dirNames(t, daxDir), dirNames(t, bashDir); !slices.Equal(got, want) {
			t.Errorf("value %q: created %q, bash %q", v, got, want)
		}
	})
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}
