package dax

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// A redactor replaces secrets with *** in text, in every form a program
// is likely to print them: as they are; escaped by Go's %q, by JSON, by a
// shell and by URLs (a query, a path, a user:password); and encoded in
// base64, where they may sit at any offset inside a longer encoded text,
// as a password does in the base64 of "AWS:password" that docker prints.
// The nil redactor changes nothing.
type redactor struct {
	r *strings.Replacer
}

// minBase64Secret is the shortest secret whose base64 forms are redacted:
// a shorter one gives fragments of a few characters that ordinary text
// holds by chance.
const minBase64Secret = 6

// newRedactor returns a redactor for secrets, or nil when there is no
// non-empty one.
func newRedactor(secrets ...string) *redactor {
	var forms []string
	for _, s := range secrets {
		if s != "" {
			forms = append(forms, secretForms(s)...)
		}
	}
	if len(forms) == 0 {
		return nil
	}
	// At each position the first old string given that matches wins:
	// longest first, so that a form is replaced whole, not a part of it.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	forms = slices.Compact(forms)
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redacted)
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

// secretForms returns s and the other forms it may be printed in that do
// not contain it.
func secretForms(s string) []string {
	forms := []string{s}
	add := func(f string) {
		if f != "" && !strings.Contains(f, s) {
			forms = append(forms, f)
		}
	}
	q := strconv.Quote(s)
	add(q[1 : len(q)-1])
	if j, err := json.Marshal(s); err == nil {
		add(string(j[1 : len(j)-1]))
	}
	if q, err := syntax.Quote(s, syntax.LangBash); err == nil {
		add(q)
	}
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	add(strings.TrimPrefix(url.UserPassword("", s).String(), ":"))
	if len(s) >= minBase64Secret {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			for offset := range 3 {
				add(base64Fragment(enc, s, offset))
			}
		}
	}
	return forms
}

// base64Fragment returns the characters that encoding s gives inside any
// longer text that holds s at a byte offset whose remainder by 3 is
// offset: those that depend on the bytes of s alone. Every base64
// encoding of a text holding s contains one of the three.
func base64Fragment(enc *base64.Encoding, s string, offset int) string {
	// Zero bytes around s stand for whatever surrounds it; the characters
	// they touch are cut off.
	buf := make([]byte, offset+len(s)+2)
	copy(buf[offset:], s)
	e := enc.EncodeToString(buf)
	start := (8*offset + 5) / 6      // the first character with no bit before s
	end := 8 * (offset + len(s)) / 6 // past the last character with no bit after s
	return e[start:end]
}

// redact returns s with every form of every secret replaced by ***.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	return r.r.Replace(s)
}

// err returns err, or when its message shows a secret, an error with the
// message redacted. The original is not wrapped, since it holds the
// secret, but errors.Is still finds the cancellation, deadline or end of
// input it reported.
func (r *redactor) err(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := r.redact(msg)
	if red == msg {
		return err
	}
	for _, cause := range []error{context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded, io.ErrUnexpectedEOF, ErrKilled} {
		if errors.Is(err, cause) {
			return &redactedError{msg: red, cause: cause}
		}
	}
	return errors.New(red)
}

// redactedError is an error whose message had secrets redacted, keeping
// the well-known error it reported.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// secretsIn returns the values of the [Secret] and []Secret among args.
func secretsIn(args []any) []string {
	var secrets []string
	for _, a := range args {
		switch a := a.(type) {
		case Secret:
			secrets = append(secrets, string(a))
		case []Secret:
			secrets = append(secrets, secretStrings(a)...)
		}
	}
	return secrets
}

// Redact returns s with the value of each of secrets replaced by ***
// wherever it appears, in every form a [Secret] is redacted in: as is,
// escaped for Go, JSON, a shell or a URL, and inside base64. Use it for a
// message dax does not print itself.
func Redact(s string, secrets ...Secret) string {
	return newRedactor(secretStrings(secrets)...).redact(s)
}

// RedactError returns err, or when its message shows one of secrets, an
// error whose message is redacted as [Redact] does. The original is not
// wrapped, since it holds the secret, but errors.Is still finds
// context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded or
// io.ErrUnexpectedEOF when err reported one of them.
func RedactError(err error, secrets ...Secret) error {
	return newRedactor(secretStrings(secrets)...).err(err)
}

func secretStrings(secrets []Secret) []string {
	s := make([]string, len(secrets))
	for i, v := range secrets {
		s[i] = string(v)
	}
	return s
}
