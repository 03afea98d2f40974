package pipeline

import (
	"strings"
	"testing"
)

func TestShortDigests_KeepsTwelveHexDigitsOfEach(t *testing.T) {
	t.Parallel()
	d1, d2 := strings.Repeat("ab", 32), strings.Repeat("01", 32)
	for in, want := range map[string]string{
		"h:5000/app@sha256:" + d1:                         "h:5000/app@sha256:abababababab",
		"app=h/a@sha256:" + d1 + ",side=h/b@sha256:" + d2: "app=h/a@sha256:abababababab,side=h/b@sha256:010101010101",
		"h/app:v1":         "h/app:v1",
		"h/app@sha256:abc": "h/app@sha256:abc",
		"":                 "",
	} {
		if got := shortDigests(in); got != want {
			t.Errorf("shortDigests(%q) = %q, want %q", in, got, want)
		}
	}
}
