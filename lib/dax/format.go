package dax

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Raw is text that goes into a command unquoted, as shell code. Use it for
// a piece of a command line that you wrote yourself, never for data:
//
//	dax.Cmd("ls %s %s", dax.Raw("-la"), dir)
type Raw string

// Secret is a value that goes into a command quoted, like any other
// argument, but is shown as *** wherever the command is printed: in
// [Command.String], in [Command.PrintCommand] output and in errors.
// Printing a Secret with the fmt package also gives ***.
//
// Its value is hidden wherever it appears in what dax prints, not only
// where the Secret itself is formatted: inside another argument or a URL
// (https://user:%s@host), in a KEY=%s word, in a command's standard error
// or output kept in a [CommandError], and in the other arguments of a log
// line such as [Info]. So are the forms programs print it in: escaped by
// Go's %q, JSON, a shell or a URL, and encoded in base64 at any offset in
// a longer text, as in the base64 of "AWS:"+password that docker prints
// (for a secret of 6 bytes or more, shorter ones being too common).
//
// An argument is visible to other users in the process list while an
// external program runs; to keep a password out of argv, prefer
// [Command.StdinSecret], as `docker login --password-stdin` does.
type Secret string

// redacted is what a secret looks like when printed.
const redacted = "***"

// String returns *** so that a secret cannot be printed by accident.
func (Secret) String() string { return redacted }

// GoString returns *** so that %#v does not reveal the secret either.
func (Secret) GoString() string { return redacted }

// Format writes *** for every verb, so that no fmt verb reveals the secret.
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// rendered is a command line built twice from one format: the text that
// runs and the text that is shown, with secrets as ***.
type rendered struct {
	exec, shown string
	secrets     []string
}

// render fills the holes of format with args. Every argument is formatted
// with its verb and then quoted as one shell word, except [Raw] (inserted as
// is) and []string (one quoted word per element). The shown text has ***
// in place of each [Secret], and of its value wherever else it appears, in
// any of the forms a [redactor] knows; so has an error.
func render(format string, args []any) (r rendered, err error) {
	// A value holding a secret is redacted before it is quoted, since
	// quoting may escape the secret out of the forms redaction finds.
	values := secretsIn(args)
	red := newRedactor(values...)
	defer func() {
		// A verb such as %x formats a secret as another value.
		r.secrets = append(values, r.secrets...)
		if slices.ContainsFunc(r.secrets[len(values):], func(s string) bool { return !slices.Contains(values, s) }) {
			red = newRedactor(r.secrets...)
		}
		r.shown = red.redact(r.shown)
		err = red.err(err)
	}()
	var exec, shown strings.Builder
	var secrets []string
	argi := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			exec.WriteByte(c)
			shown.WriteByte(c)
			continue
		}
		// Find the verb: flags, width and precision come first.
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			return rendered{}, fmt.Errorf("format %q: incomplete verb at the end", format)
		}
		spec, verb := format[i:j+1], format[j]
		i = j
		if verb == '%' {
			exec.WriteByte('%')
			shown.WriteByte('%')
			continue
		}
		if verb == '*' || verb == '[' {
			return rendered{}, fmt.Errorf("format %q: %s is not supported", format, spec)
		}
		if argi >= len(args) {
			return rendered{}, fmt.Errorf("format %q: missing argument for %s (write %%%% for a literal %%)", format, spec)
		}
		arg := args[argi]
		argi++
		if err := checkHole(arg, verb); err != nil {
			return rendered{}, fmt.Errorf("format %q: argument %d for %s: %w", format, argi, spec, err)
		}
		var words []string
		secret := false
		switch a := arg.(type) {
		case Raw:
			s := fmt.Sprintf(spec, string(a))
			exec.WriteString(s)
			shown.WriteString(s)
			continue
		case Secret:
			words, secret = []string{string(a)}, true
		case []Secret:
			words, secret = make([]string, len(a)), true
			for k, s := range a {
				words[k] = string(s)
			}
		case []string:
			words = a
		default:
			words = []string{fmt.Sprintf(spec, arg)}
			spec = "%s"
		}
		for k, w := range words {
			if k > 0 {
				exec.WriteByte(' ')
				shown.WriteByte(' ')
			}
			w = fmt.Sprintf(spec, w)
			q, err := quote(w, argi, secret)
			if err != nil {
				return rendered{}, err
			}
			exec.WriteString(q)
			if secret {
				shown.WriteString(redacted)
				secrets = append(secrets, w)
			} else {
				if r := red.redact(w); r != w {
					if q, err = quote(r, argi, false); err != nil {
						return rendered{}, err
					}
				}
				shown.WriteString(q)
			}
		}
	}
	if argi < len(args) {
		return rendered{}, fmt.Errorf("format %q: %d arguments given, %d used", format, len(args), argi)
	}
	return rendered{exec: exec.String(), shown: shown.String(), secrets: secrets}, nil
}

// checkHole reports why arg cannot fill a hole with verb, as fmt would
// show it: "%!d(string=x)" or "%!s(<nil>)" must not become an argument.
// The rules follow fmt's: strings and Stringers take s, v, q, x and X;
// numbers take their numeric verbs (and v); bools take t and v; slices and
// maps take v. Structs, pointers, funcs and channels are refused: fmt
// would print their fields or an address.
func checkHole(arg any, verb byte) error {
	switch arg.(type) {
	case nil:
		return errors.New("nil cannot be an argument")
	case Raw, Secret, []Secret, []string:
		// Formatted as strings, word by word.
		if strings.IndexByte("svqxX", verb) < 0 {
			return fmt.Errorf("%%%c cannot format a %T", verb, arg)
		}
		return nil
	case fmt.Formatter:
		return nil
	case fmt.Stringer, error:
		if strings.IndexByte("svqxX", verb) >= 0 {
			return nil
		}
	}
	v := reflect.ValueOf(arg)
	var verbs string
	switch v.Kind() {
	case reflect.String:
		verbs = "svqxX"
	case reflect.Bool:
		verbs = "tv"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		verbs = "vdboOxXcqU"
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		verbs = "vbeEfFgGxX"
	case reflect.Slice, reflect.Array, reflect.Map:
		verbs = "v" // as fmt prints them: [1 2], map[a:1]
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			verbs = "svqxX" // []byte reads as text
		}
	default:
		return fmt.Errorf("a %s is not text: pass a string, a number, a fmt.Stringer, an error or a []string", v.Type())
	}
	if strings.IndexByte(verbs, verb) < 0 {
		return fmt.Errorf("%%%c cannot format a %s", verb, v.Type())
	}
	return nil
}

// quote quotes s as one bash word. n is the argument's position (from 1),
// named in the error; a secret's value is never part of the error.
func quote(s string, n int, secret bool) (string, error) {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err != nil {
		if secret {
			return "", fmt.Errorf("argument %d (a secret) cannot be quoted: it contains a NUL byte", n)
		}
		return "", fmt.Errorf("argument %d %q cannot be quoted: %w", n, s, err)
	}
	return q, nil
}
