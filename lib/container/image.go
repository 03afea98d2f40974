package container

import (
	"fmt"
	"regexp"
	"strings"
)

// MaxTagLength is the longest tag the OCI distribution spec allows.
const MaxTagLength = 128

// tagPattern is the OCI distribution spec's tag grammar.
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// digestPattern is a sha256 content digest, the only kind registries
// hand out for images.
var digestPattern = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)

// ValidateTag checks tag against the OCI distribution spec: 1 to 128 of
// letters, digits, "_", "." and "-", not starting with "." or "-".
func ValidateTag(tag string) error {
	switch {
	case tag == "":
		return fmt.Errorf("image tag is empty")
	case len(tag) > MaxTagLength:
		return fmt.Errorf("image tag %q is longer than %d characters", tag, MaxTagLength)
	case !tagPattern.MatchString(tag):
		return fmt.Errorf("image tag %q: want letters, digits, '_', '.' and '-', not starting with '.' or '-'", tag)
	}
	return nil
}

// ValidDigest reports whether d is a sha256 digest: "sha256:" and 64
// lower-case hex digits.
func ValidDigest(d string) bool { return digestPattern.MatchString(d) }

// SplitTag splits ref (HOST/REPO:TAG or REPO:TAG) into the name before the
// tag and the tag, which is "" when ref has none. A ":" in the host's port
// is not a tag. A digest (@sha256:...) stays in name.
func SplitTag(ref string) (name, tag string) {
	if strings.Contains(ref, "@") {
		return ref, ""
	}
	i := strings.LastIndexByte(ref, ':')
	if i < 0 || strings.Contains(ref[i+1:], "/") {
		return ref, ""
	}
	return ref[:i], ref[i+1:]
}
