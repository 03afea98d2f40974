package dax_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestGroup_IndentsEveryLineOfTheSameLoggerUntilItEnds(t *testing.T) {
	t.Parallel()
	var log, other strings.Builder
	sh, _ := dax.New(dax.WithLogger(&log))
	elsewhere, _ := dax.New(dax.WithLogger(&other))
	end := sh.Group("deploy %s", "prod")
	sh.Info("two\nlines")
	elsewhere.Info("another logger")
	inner := sh.Group("api")
	sh.Error("failed")
	end()
	end()
	sh.Warn("inner group still open")
	inner()
	sh.Step("done")
	want := "==> deploy prod\n  info: two\n  lines\n  ==> api\n    error: failed\n  warn: inner group still open\n==> done\n"
	if diff := cmp.Diff(want, log.String()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	if got := other.String(); got != "info: another logger\n" {
		t.Errorf("another logger got %q, want no indentation", got)
	}
}

func TestGroup_IndentsPrintedCommands(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	sh, _ := dax.New(dax.WithLogger(&log), dax.WithStdout(&strings.Builder{}))
	end := sh.Group("build")
	if err := sh.Cmd("true %s", "a b").PrintCommand().Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	end()
	want := "==> build\n  $ true 'a b'\n"
	if diff := cmp.Diff(want, log.String()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}
