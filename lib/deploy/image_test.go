package deploy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const digestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestParseImage_SplitsRepositoryAndDigest(t *testing.T) {
	t.Parallel()
	tests := map[string]Image{
		"127.0.0.1:5000/godax-demo@" + digestA:                        {Repository: "127.0.0.1:5000/godax-demo", Digest: digestA},
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/a/b@" + digestA: {Repository: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/a/b", Digest: digestA},
		"localhost:5000/web:v1@" + digestA:                            {Repository: "localhost:5000/web", Digest: digestA},
	}
	for ref, want := range tests {
		got, err := ParseImage(ref)
		if err != nil {
			t.Errorf("ParseImage(%q): %v", ref, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseImage(%q) (-want +got):\n%s", ref, diff)
		}
	}
}

func TestParseImage_RejectsReferencesNotPinnedByDigest(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"localhost:5000/web:latest":             "not pinned by digest",
		"":                                      "not pinned by digest",
		"web@sha256:abc":                        "not sha256:<64",
		"web@md5:" + strings.Repeat("a", 64):    "not sha256:<64",
		"web@sha256:" + strings.Repeat("A", 64): "not sha256:<64",
		"@" + digestA:                           "bad repository",
		"my web@" + digestA:                     "bad repository",
	}
	for ref, want := range tests {
		_, err := ParseImage(ref)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseImage(%q) = %v, want an error containing %q", ref, err, want)
		}
	}
}

func TestImage_StringRoundTrips(t *testing.T) {
	t.Parallel()
	ref := "127.0.0.1:5000/godax-demo@" + digestA
	img, err := ParseImage(ref)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ref, img.String()); diff != "" {
		t.Errorf("String() (-want +got):\n%s", diff)
	}
}
