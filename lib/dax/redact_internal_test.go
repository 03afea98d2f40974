package dax

import (
	"encoding/base64"
	"strings"
	"testing"
)

// FuzzRedactor_HidesSecretInBase64OfAnyTextHoldingIt checks the fact the
// base64 redaction rests on: the encoding of any text holding a secret
// contains the fragment for the secret's offset, which covers all but at
// most the bits of two bytes of it, and the redactor removes it.
func FuzzRedactor_HidesSecretInBase64OfAnyTextHoldingIt(f *testing.F) {
	for _, prefix := range []string{"", "A", "AW", "AWS:", "user:", `{"auth":"`} {
		f.Add(prefix, "hunter22", "")
		f.Add(prefix, "p@ss/w rd\"x'", "@host")
	}
	f.Fuzz(func(t *testing.T, prefix, secret, suffix string) {
		if len(secret) < minBase64Secret {
			t.Skip("shorter secrets are not redacted in base64")
		}
		red := newRedactor(secret)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			text := enc.EncodeToString([]byte(prefix + secret + suffix))
			frag := base64Fragment(enc, secret, len(prefix)%3)
			if !strings.Contains(text, frag) {
				t.Fatalf("%q (%q in base64) does not contain the fragment %q", text, prefix+secret+suffix, frag)
			}
			if len(frag)*6 < 8*len(secret)-10 {
				t.Errorf("fragment %q of a %d-byte secret covers only %d bits", frag, len(secret), 6*len(frag))
			}
			if got := red.redact(text); strings.Contains(got, frag) {
				t.Errorf("redact(%q) = %q still shows the fragment %q", text, got, frag)
			}
		}
	})
}
