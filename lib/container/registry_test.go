package container

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseRegistryHost_RejectsWhatIsNotHostOrHostPort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "127.0.0.1:5000", want: "127.0.0.1:5000"},
		{in: "localhost", want: "localhost"},
		{in: "111122223333.DKR.ecr.us-east-1.amazonaws.com", want: "111122223333.dkr.ecr.us-east-1.amazonaws.com"},
		{in: "[::1]:5000", want: "[::1]:5000"},
		{in: "registry.example.com:65535", want: "registry.example.com:65535"},
		{in: "", err: `registry host is empty`},
		{in: "127.0.0.1:99999", err: `registry "127.0.0.1:99999": port "99999" is not a number from 1 to 65535`},
		{in: "127.0.0.1:0", err: `registry "127.0.0.1:0": port "0" is not a number from 1 to 65535`},
		{in: "127.0.0.1:", err: `registry "127.0.0.1:": port "" is not a number from 1 to 65535`},
		{in: "127.0.0.1:+80", err: `registry "127.0.0.1:+80": port "+80" is not a number from 1 to 65535`},
		{in: "https://127.0.0.1:5000", err: `registry "https://127.0.0.1:5000" has a scheme: want HOST or HOST:PORT, without https://`},
		{in: "127.0.0.1:5000/team", err: `registry "127.0.0.1:5000/team" has a path: want HOST or HOST:PORT, without /PATH`},
		{in: "reg istry", err: `registry "reg istry" is not a host name or IPv4 address`},
		{in: "user@host:5000", err: `registry "user@host:5000": "user@host" is not a host name or IPv4 address`},
		{in: "-bad.example.com", err: `registry "-bad.example.com" is not a host name or IPv4 address`},
		{in: "[::1", err: `registry "[::1": an IPv6 address needs its closing ]`},
		{in: "[nope]:5000", err: `registry "[nope]:5000": "nope" is not an IPv6 address`},
		{in: "[::1]x", err: `registry "[::1]x": want [IPV6] or [IPV6]:PORT`},
	}
	for _, tt := range tests {
		got, err := ParseRegistryHost(tt.in)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("ParseRegistryHost(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseRegistryHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseRegistryHost(f *testing.F) {
	for _, s := range []string{"127.0.0.1:5000", "[::1]:443", "https://x", "a/b", "a:99999", "A.b-c.D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseRegistryHost(s)
		if err != nil {
			if strings.ContainsRune(err.Error(), '\n') {
				t.Errorf("error for %q spans lines: %q", s, err)
			}
			return
		}
		if got != strings.ToLower(s) || strings.ContainsAny(got, "/@ \t\n") {
			t.Fatalf("accepted %q as %q", s, got)
		}
		if i := strings.LastIndexByte(got, ':'); i >= 0 && !strings.HasSuffix(got, "]") {
			n, err := strconv.Atoi(got[i+1:])
			if !strings.HasPrefix(got, "[") && (err != nil || n < 1 || n > 65535) {
				t.Fatalf("accepted %q with port %q", s, got[i+1:])
			}
		}
	})
}
