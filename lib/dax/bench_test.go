package dax_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/godax/godax/lib/dax"
)

// BenchmarkTrue compares the per-command cost of running an external
// program through dax with os/exec directly. Target: dax at most 1.1x.
func BenchmarkTrue(b *testing.B) {
	path, err := exec.LookPath("true")
	if err != nil {
		b.Skip("no true program:", err)
	}
	ctx := context.Background()
	b.Run("dax", func(b *testing.B) {
		cmd := dax.Cmd("%s", path)
		for b.Loop() {
			if err := cmd.Run(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("os-exec", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.CommandContext(ctx, path)
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// For reference: os/exec keeping stderr, as dax does for its errors.
	b.Run("os-exec-stderr-kept", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.CommandContext(ctx, path)
			cmd.Stdout, cmd.Stderr = os.Stdout, io.MultiWriter(os.Stderr, io.Discard)
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

const pipeBenchSize = 256 << 20

var pipeBenchFile = sync.OnceValues(func() (string, error) {
	path := filepath.Join(os.TempDir(), "dax-bench-256MiB")
	if fi, err := os.Stat(path); err == nil && fi.Size() == pipeBenchSize {
		return path, nil
	}
	f, err := os.CreateTemp(os.TempDir(), "dax-bench-*")
	if err != nil {
		return "", err
	}
	block := []byte(strings.Repeat("0123456789abcdef", 4096))
	for n := 0; n < pipeBenchSize; n += len(block) {
		if _, err := f.Write(block); err != nil {
			f.Close()
			return "", err
		}
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(f.Name(), path)
})

// BenchmarkPipe compares the throughput of `cat FILE | wc -c` over 256 MiB
// through dax (with its builtin cat, and with the cat program) with bash.
// Target: dax at least 0.95x bash.
func BenchmarkPipe(b *testing.B) {
	file, err := pipeBenchFile()
	if err != nil {
		b.Fatal(err)
	}
	catPath, err := exec.LookPath("cat")
	if err != nil {
		b.Skip("no cat program:", err)
	}
	ctx := context.Background()
	check := func(b *testing.B, out string) {
		if n, err := strconv.Atoi(strings.TrimSpace(out)); err != nil || n != pipeBenchSize {
			b.Fatalf("wc -c printed %q, want %d", out, pipeBenchSize)
		}
	}
	daxPipe := func(cmd dax.Command) func(*testing.B) {
		return func(b *testing.B) {
			b.SetBytes(pipeBenchSize)
			for b.Loop() {
				out, err := cmd.Text(ctx)
				if err != nil {
					b.Fatal(err)
				}
				check(b, out)
			}
		}
	}
	b.Run("dax", daxPipe(dax.Cmd("cat %s | wc -c", file)))
	b.Run("dax-cat-program", daxPipe(dax.Cmd("%s %s | wc -c", catPath, file)))
	b.Run("bash", func(b *testing.B) {
		b.SetBytes(pipeBenchSize)
		script := fmt.Sprintf("cat '%s' | wc -c", file)
		for b.Loop() {
			out, err := exec.CommandContext(ctx, "bash", "-c", script).Output()
			if err != nil {
				b.Fatal(err)
			}
			check(b, string(out))
		}
	})
}
