package dax

import "strings"

// StripAnsi returns s without its ANSI escape sequences: colours and
// other SGR codes, cursor movement and erasing (CSI, "\x1b[...m"),
// window titles and hyperlinks (OSC, "\x1b]...\x07"), and other
// two-byte escapes. Use it on output captured from tools that colour it.
// An escape cut off at the end of s is dropped.
func StripAnsi(s string) string {
	i := strings.IndexAny(s, "\x1b\u009b")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i+skipEscape(s[i:]):]
		i = strings.IndexAny(s, "\x1b\u009b")
	}
	b.WriteString(s)
	return b.String()
}

// skipEscape returns the length of the escape sequence s starts with.
func skipEscape(s string) int {
	var i int
	switch {
	case strings.HasPrefix(s, "\u009b"): // the one-character CSI
		i = len("\u009b")
	case len(s) < 2:
		return len(s)
	case s[1] == '[':
		i = 2
	case s[1] == ']', s[1] == 'P', s[1] == '_', s[1] == '^', s[1] == 'X':
		// OSC, DCS, APC, PM and SOS run to BEL or ESC \.
		for i = 2; i < len(s); i++ {
			if s[i] == '\a' {
				return i + 1
			}
			if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	case s[1] >= 0x20 && s[1] <= 0x2f:
		// nF escapes, like ESC ( B: intermediate bytes, then a final one.
		for i = 1; i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f; i++ {
		}
		return min(i+1, len(s))
	case s[1] < 0x30 || s[1] > 0x7e:
		return 1 // a lone ESC: keep what follows it
	default:
		return 2 // ESC and one byte, like ESC 7 or ESC M
	}
	// CSI: parameter and intermediate bytes, then a final byte.
	for ; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
		if s[i] < 0x20 || s[i] > 0x3f {
			return i // not a CSI byte: keep it
		}
	}
	return len(s)
}
