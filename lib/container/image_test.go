package container

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateTag_FollowsTheOCIGrammar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tag string
		ok  bool
	}{
		{"latest", true},
		{"1a2b3c4", true},
		{"1a2b3c4-dirty", true},
		{"v1.2.3", true},
		{"_build", true},
		{"Release_2", true},
		{strings.Repeat("a", 128), true},
		{"", false},
		{strings.Repeat("a", 129), false},
		{".hidden", false},
		{"-dash", false},
		{"a/b", false},
		{"a:b", false},
		{"a b", false},
		{"a+b", false},
		{"sha256@x", false},
	}
	for _, tt := range tests {
		err := ValidateTag(tt.tag)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateTag(%q) = %v, want ok=%v", tt.tag, err, tt.ok)
		}
	}
}

func TestSplitTag_SeparatesTheTagButNotAPort(t *testing.T) {
	t.Parallel()
	tests := []struct{ ref, name, tag string }{
		{"app:1", "app", "1"},
		{"127.0.0.1:5000/team/app:abc", "127.0.0.1:5000/team/app", "abc"},
		{"127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app", ""},
		{"app", "app", ""},
		{"host/app@sha256:" + strings.Repeat("a", 64), "host/app@sha256:" + strings.Repeat("a", 64), ""},
	}
	for _, tt := range tests {
		name, tag := SplitTag(tt.ref)
		if d := cmp.Diff([2]string{tt.name, tt.tag}, [2]string{name, tag}); d != "" {
			t.Errorf("SplitTag(%q) (-want +got):\n%s", tt.ref, d)
		}
	}
}

func TestDigestFromPushOutput_PicksThePushedTagsLine(t *testing.T) {
	t.Parallel()
	a, b := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)
	out := "The push refers to repository [127.0.0.1:5000/app]\n" +
		"36a07daa9cd3: Layer already exists\n" +
		"old: digest: " + a + " size: 528\n" +
		"abc123: digest: " + b + " size: 528\n"
	tests := []struct{ tag, want string }{
		{"abc123", b},
		{"old", a},
		{"", b},
		{"missing", ""},
	}
	for _, tt := range tests {
		if got := digestFromPushOutput(out, tt.tag); got != tt.want {
			t.Errorf("tag %q: got %q, want %q", tt.tag, got, tt.want)
		}
	}
	if got := digestFromPushOutput("abc: digest: sha256:123 size: 5\n", "abc"); got != "" {
		t.Errorf("a short digest was accepted: %q", got)
	}
}

func TestRepoDigest_MatchesTheRepositoryExactly(t *testing.T) {
	t.Parallel()
	a, b := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)
	digests := []string{"127.0.0.1:5000/app-old@" + a, "127.0.0.1:5000/app@" + b}
	if got := repoDigest(digests, "127.0.0.1:5000/app"); got != b {
		t.Errorf("got %q, want %q", got, b)
	}
	if got := repoDigest(digests, "127.0.0.1:5000/other"); got != "" {
		t.Errorf("got %q for a repository never pushed to, want none", got)
	}
}
