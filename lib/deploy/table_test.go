package deploy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShortImage_DropsTheHostAndCutsTheDigest(t *testing.T) {
	t.Parallel()
	d1, d2 := strings.Repeat("ab", 32), strings.Repeat("01", 32)
	for in, want := range map[string]string{
		"127.0.0.1:5000/app@sha256:" + d1:                                    "app@sha256:abababababab",
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:" + d2: "team/api@sha256:010101010101",
		"localhost/app:v1": "app:v1",
		"team/api:v1":      "team/api:v1",
		"app=h.example/a@sha256:" + d1 + ",side=h.example/b@sha256:" + d2: "app=a@sha256:abababababab,side=b@sha256:010101010101",
		"holds it as sha256:" + d2:                                        "holds it as sha256:010101010101",
		"-":                                                               "-",
	} {
		if got := ShortImage(in); got != want {
			t.Errorf("ShortImage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteCompactTable_FitsARolloutOfTheDemoIn120Columns(t *testing.T) {
	t.Parallel()
	d1, d2 := strings.Repeat("1f", 32), strings.Repeat("79", 32)
	outcomes := []Outcome{
		{Target: "ecs service godax-demo/godax-demo", Result: Result{Plan: Plan{OldImage: "127.0.0.1:35727/godax-demo@sha256:" + d1, NewImage: "127.0.0.1:35727/godax-demo@sha256:" + d2,
			Revision: "arn:aws:ecs:us-east-1:1:task-definition/godax-demo:1"}, NewRevision: "arn:aws:ecs:us-east-1:1:task-definition/godax-demo:2"}},
		{Target: "lambda function other", Result: Result{Plan: Plan{OldImage: "h.example/old:v1", NewImage: "127.0.0.1:35727/godax-demo@sha256:" + d2}}},
		{Target: "lambda function same", Result: Result{Plan: Plan{OldImage: "h.example/a@sha256:" + d2, NewImage: "h.example/a@sha256:" + d2}, Unchanged: true}},
	}
	var b strings.Builder
	if err := WriteCompactTable(&b, outcomes); err != nil {
		t.Fatal(err)
	}
	want := `TARGET                             IMAGE                                           REVISION                      RESULT
ecs service godax-demo/godax-demo  godax-demo@sha256:1f1f1f1f1f1f -> 797979797979  godax-demo:1 -> godax-demo:2  ok
lambda function other              old:v1 -> godax-demo@sha256:797979797979        -                             ok
lambda function same               a@sha256:797979797979                           -                             unchanged
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}
	if demo := strings.Split(b.String(), "\n")[1]; len(demo) > 120 {
		t.Errorf("the demo's row is %d columns: %q", len(demo), demo)
	}
}
