package dax_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

func TestCommand_MissingProgramIsReportedAsBashDoes(t *testing.T) {
	t.Parallel()
	sh, dir, _ := inDir(t, map[string]string{"data.txt": "not a program\n", "sub/keep": ""})
	if err := os.Chmod(filepath.Join(dir, "data.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for text, want := range map[string]struct {
		Code   int
		Stderr string
	}{
		"no-such-program-dax a b": {127, "no-such-program-dax: command not found\n"},
		"./no-such-file":          {127, "./no-such-file: No such file or directory\n"},
		"./data.txt":              {126, "./data.txt: Permission denied\n"},
		"./sub":                   {126, "./sub: Is a directory\n"},
	} {
		res, err := sh.Cmd("%s", dax.Raw(text)).NoThrow().Output(ctx)
		if err != nil {
			t.Errorf("%s: Output() error = %v, want none with NoThrow", text, err)
		}
		got := struct {
			Code   int
			Stderr string
		}{res.Code, res.Stderr}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", text, diff)
		}
	}
	_, err := sh.Cmd("no-such-program-dax").Output(ctx)
	if diff := cmp.Diff("no-such-program-dax: exit status 127: no-such-program-dax: command not found", errText(err)); diff != "" {
		t.Errorf("the error (-want +got):\n%s", diff)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
