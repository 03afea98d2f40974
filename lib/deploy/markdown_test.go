package deploy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteMarkdownTable_KeepsEachTargetOnOneRow(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	err := WriteMarkdownTable(&b, []Outcome{
		{Target: "ecs service prod/api", Result: Result{Plan: Plan{OldImage: "r/a@sha256:1", NewImage: "r/a@sha256:2", Revision: "arn:aws:ecs:us-east-1:1:task-definition/api:1"}, NewRevision: "arn:aws:ecs:us-east-1:1:task-definition/api:2"}},
		{Target: "lambda function a|b\nforged", Err: errors.New("boom")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "| target | old image | new image | revision | result |\n" +
		"|---|---|---|---|---|\n" +
		"| ` ecs service prod/api ` | ` r/a@sha256:1 ` | ` r/a@sha256:2 ` | ` api:1 -> api:2 ` | ` ok ` |\n" +
		"| ` lambda function a\\|b forged ` | ` - ` | ` - ` | ` - ` | ` failed ` |\n"
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}
}

func TestMarkdownCode_OutnumbersTheBackticksInside(t *testing.T) {
	t.Parallel()
	if got, want := markdownCode("a ``b`` c"), "``` a ``b`` c ```"; got != want {
		t.Errorf("markdownCode = %q, want %q", got, want)
	}
}
