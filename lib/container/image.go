package container

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// MaxTagLength is the longest tag the OCI distribution spec allows.
const MaxTagLength = 128

// tagPattern is the OCI distribution spec's tag grammar. Like every
// pattern here it is compiled on first use, not when a program that links
// this package starts.
var tagPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
})

// digestPattern is a sha256 content digest, the only kind registries
// hand out for images.
var digestPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
})

// ValidateTag checks tag against the OCI distribution spec: 1 to 128 of
// letters, digits, "_", "." and "-", not starting with "." or "-".
func ValidateTag(tag string) error {
	switch {
	case tag == "":
		return fmt.Errorf("image tag is empty")
	case len(tag) > MaxTagLength:
		return fmt.Errorf("image tag %q is longer than %d characters", tag, MaxTagLength)
	case !tagPattern().MatchString(tag):
		return fmt.Errorf("image tag %q: want letters, digits, '_', '.' and '-', not starting with '.' or '-'", tag)
	}
	return nil
}

// ValidDigest reports whether d is a sha256 digest: "sha256:" and 64
// lower-case hex digits.
func ValidDigest(d string) bool { return digestPattern().MatchString(d) }

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

// ParseRegistryHost checks s, a registry as an image reference names it:
// HOST or HOST:PORT, where HOST is a DNS name, an IPv4 address or an IPv6
// address in brackets, and PORT is 1 to 65535. It returns the host in
// lower case. A scheme (https://), a path, or anything else that is not
// part of a host is an error, not trimmed: the caller meant something else.
func ParseRegistryHost(s string) (string, error) {
	switch {
	case s == "":
		return "", fmt.Errorf("registry host is empty")
	case strings.Contains(s, "://"):
		return "", fmt.Errorf("registry %q has a scheme: want HOST or HOST:PORT, without https://", s)
	case strings.Contains(s, "/"):
		return "", fmt.Errorf("registry %q has a path: want HOST or HOST:PORT, without /PATH", s)
	}
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", fmt.Errorf("registry %q: an IPv6 address needs its closing ]", s)
		}
		host, port = s[:end+1], strings.TrimPrefix(s[end+1:], ":")
		if rest := s[end+1:]; rest != "" && !strings.HasPrefix(rest, ":") {
			return "", fmt.Errorf("registry %q: want [IPV6] or [IPV6]:PORT", s)
		}
		if a, err := netip.ParseAddr(host[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return "", fmt.Errorf("registry %q: %q is not an IPv6 address", s, host[1:end])
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
		if !validDNSName(host) {
			return "", fmt.Errorf("registry %q: %q is not a host name or IPv4 address", s, host)
		}
	} else if !validDNSName(host) {
		return "", fmt.Errorf("registry %q is not a host name or IPv4 address", s)
	}
	if port != "" || strings.HasSuffix(s, ":") {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' || port[0] == '0' {
			return "", fmt.Errorf("registry %q: port %q is not a number from 1 to 65535", s, port)
		}
	}
	return strings.ToLower(s), nil
}

// validDNSName reports whether h is dot-separated labels of 1 to 63
// letters, digits and inner hyphens (an IPv4 address is one too).
func validDNSName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
