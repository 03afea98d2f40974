package deploy

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateNames_FollowAWSRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		check func(string) error
		name  string
		ok    bool
	}{
		{func(s string) error { return ValidateECSName("service", s) }, "web_1-a", true},
		{func(s string) error { return ValidateECSName("service", s) }, strings.Repeat("s", 255), true},
		{func(s string) error { return ValidateECSName("service", s) }, strings.Repeat("s", 256), false},
		{func(s string) error { return ValidateECSName("service", s) }, "", false},
		{func(s string) error { return ValidateECSName("service", s) }, "a.b", false},
		{func(s string) error { return ValidateECSName("service", s) }, "ça", false},
		{ValidateFunctionName, strings.Repeat("f", 64), true},
		{ValidateFunctionName, strings.Repeat("f", 65), false},
		{ValidateFunctionName, "a:b", false},
		{ValidateAlias, "live-2", true},
		{ValidateAlias, "1", false},
		{ValidateAlias, strings.Repeat("a", 128), true},
		{ValidateAlias, strings.Repeat("a", 129), false},
		{ValidateAlias, "$LATEST", false},
	}
	for _, tt := range tests {
		if err := tt.check(tt.name); (err == nil) != tt.ok {
			t.Errorf("%.40q: error %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestParseReference_FollowsTheImageReferenceGrammar(t *testing.T) {
	t.Parallel()
	good := []string{
		"127.0.0.1:5000/web:v1", "localhost/web:v1", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/web_1:v1.2-rc",
		"[::1]:5000/web:v1", "host.example/a__b/c-d--e:_x",
	}
	for _, ref := range good {
		if _, err := ParseReference(ref); err != nil {
			t.Errorf("ParseReference(%q): %v", ref, err)
		}
	}
	bad := map[string]string{
		"host.example/repo:a:b":       "path",
		"host.example/../x:v1":        "path",
		"host.example/Repo:v1":        "path",
		"http://host.example/repo:v1": "registry host",
		"web:v1":                      "with the registry host",
		"host.example/repo:-v1":       "tag",
		"host.example/" + strings.Repeat("r", 300) + ":v1": "longer than 255",
	}
	for ref, want := range bad {
		if _, err := ParseReference(ref); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseReference(%.60q) = %v, want an error containing %q", ref, err, want)
		}
	}
}

func TestQuoted_EscapesControlAndNonASCIIAndShortensLongValues(t *testing.T) {
	t.Parallel()
	got := []string{Quoted("a\nb"), Quoted("ça"), Quoted(strings.Repeat("x", 300))}
	want := []string{`"a\nb"`, `"\u00e7a"`, `"` + strings.Repeat("x", 100) + `"... (300 bytes)`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Quoted (-want +got):\n%s", diff)
	}
}

func TestWriteTable_ANewlineInATargetNameCannotForgeARow(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteTable(&b, []Outcome{{Target: "web\nevil  ok"}}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], `"web\nevil  ok"`) {
		t.Errorf("table:\n%s\nwant a header and one row with the name quoted", b.String())
	}
}
