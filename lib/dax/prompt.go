package dax

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// PromptOption configures a prompt whose answer is a T: [Confirm],
// [Select], [MultiSelect], [Prompt] or [PromptSecret].
type PromptOption[T any] func(*promptConfig[T])

type promptConfig[T any] struct {
	def    T
	hasDef bool
}

// Default sets the answer a prompt gives when Enter is pressed with
// nothing typed, and when there is no terminal to ask on or CI is true.
// For [Select] it is an option's index, for [MultiSelect] the indexes
// selected at first. There is no default by default: without a terminal
// the prompt then fails with [ErrNoTerminal].
func Default[T any](v T) PromptOption[T] {
	return func(c *promptConfig[T]) { c.def, c.hasDef = v, true }
}

func configure[T any](opts []PromptOption[T]) promptConfig[T] {
	var c promptConfig[T]
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Confirm asks message as a yes-or-no question on the terminal, and
// returns the answer:
//
//	ok, err := dax.Confirm(ctx, "Deploy these 3 targets?", dax.Default(false))
//
// y and n answer it; Enter gives the [Default].
//
// # Environment
//
// Prompts read and draw on the terminal (/dev/tty), not on standard input
// and output, so they work when stdin is piped. Without a terminal, or
// with CI=true, they log the default as the answer and return it at once.
//
// # Error handling
//
// Without a terminal and without a default, a prompt fails with
// [ErrNoTerminal]. Ctrl-C fails it with [ErrInterrupted], and ctx being
// done with ctx's error; either way the terminal is restored first.
func Confirm(ctx context.Context, message string, opts ...PromptOption[bool]) (bool, error) {
	return defaultShell.Confirm(ctx, message, opts...)
}

// Confirm asks a yes-or-no question; see the package-level [Confirm]. The
// Shell's logger gets the answer when there is no terminal.
func (sh *Shell) Confirm(ctx context.Context, message string, opts ...PromptOption[bool]) (bool, error) {
	c := configure(opts)
	q := &confirmQ{message: message, color: promptColor(), def: c.def, hasDef: c.hasDef}
	asked, why, err := sh.ask(ctx, "confirm", message, c.hasDef, q)
	if err != nil || asked {
		return q.value, err
	}
	sh.Info("%s %s (the default: %s)", message, yesNo(c.def), why)
	return c.def, nil
}

// Select asks to pick one of options on the terminal, with the arrow
// keys and Enter, and returns its index. [Default] sets the index picked
// at first. options must not be empty. See [Confirm] for the terminal,
// and errors.
func Select(ctx context.Context, message string, options []string, opts ...PromptOption[int]) (int, error) {
	return defaultShell.Select(ctx, message, options, opts...)
}

// Select asks to pick one of options; see the package-level [Select].
func (sh *Shell) Select(ctx context.Context, message string, options []string, opts ...PromptOption[int]) (int, error) {
	c := configure(opts)
	if len(options) == 0 {
		return 0, fmt.Errorf("select %q: no options", message)
	}
	if c.hasDef && (c.def < 0 || c.def >= len(options)) {
		return 0, fmt.Errorf("select %q: default %d is not an option's index (0 to %d)", message, c.def, len(options)-1)
	}
	q := &selectQ{message: message, color: promptColor(), options: options, active: c.def}
	asked, why, err := sh.ask(ctx, "select", message, c.hasDef, q)
	if err != nil || asked {
		return q.active, err
	}
	sh.Info("%s %s (the default: %s)", message, options[c.def], why)
	return c.def, nil
}

// MultiSelect asks to pick any of options on the terminal, with the
// arrow keys, Space and Enter, and returns their indexes in order.
// [Default] sets those selected at first. options must not be empty. See
// [Confirm] for the terminal, and errors.
func MultiSelect(ctx context.Context, message string, options []string, opts ...PromptOption[[]int]) ([]int, error) {
	return defaultShell.MultiSelect(ctx, message, options, opts...)
}

// MultiSelect asks to pick any of options; see the package-level
// [MultiSelect].
func (sh *Shell) MultiSelect(ctx context.Context, message string, options []string, opts ...PromptOption[[]int]) ([]int, error) {
	c := configure(opts)
	if len(options) == 0 {
		return nil, fmt.Errorf("multi-select %q: no options", message)
	}
	q := &selectQ{message: message, color: promptColor(), options: options, multi: true, picked: make([]bool, len(options))}
	for _, i := range c.def {
		if i < 0 || i >= len(options) {
			return nil, fmt.Errorf("multi-select %q: default %d is not an option's index (0 to %d)", message, i, len(options)-1)
		}
		q.picked[i] = true
	}
	asked, why, err := sh.ask(ctx, "multi-select", message, c.hasDef, q)
	if err != nil {
		return nil, err
	}
	if !asked {
		sh.Info("%s %s (the default: %s)", message, q.answer(), why)
	}
	var got []int
	for i, p := range q.picked {
		if p {
			got = append(got, i)
		}
	}
	return got, nil
}

// Prompt asks for a line of text on the terminal, and returns it. Enter
// with nothing typed gives the [Default], shown in brackets. See
// [Confirm] for the terminal, and errors.
func Prompt(ctx context.Context, message string, opts ...PromptOption[string]) (string, error) {
	return defaultShell.Prompt(ctx, message, opts...)
}

// Prompt asks for a line of text; see the package-level [Prompt].
func (sh *Shell) Prompt(ctx context.Context, message string, opts ...PromptOption[string]) (string, error) {
	c := configure(opts)
	q := &textQ{message: message, color: promptColor(), def: c.def, hasDef: c.hasDef}
	asked, why, err := sh.ask(ctx, "prompt", message, c.hasDef, q)
	if err != nil || asked {
		return q.value(), err
	}
	sh.Info("%s %s (the default: %s)", message, c.def, why)
	return c.def, nil
}

// PromptSecret asks for a secret, like a password or an MFA code, on the
// terminal, showing * for each character typed, and returns it as a
// [Secret], which prints as ***. Otherwise it is like [Prompt].
func PromptSecret(ctx context.Context, message string, opts ...PromptOption[Secret]) (Secret, error) {
	return defaultShell.PromptSecret(ctx, message, opts...)
}

// PromptSecret asks for a secret; see the package-level [PromptSecret].
func (sh *Shell) PromptSecret(ctx context.Context, message string, opts ...PromptOption[Secret]) (Secret, error) {
	c := configure(opts)
	q := &textQ{message: message, color: promptColor(), def: string(c.def), hasDef: c.hasDef, mask: true}
	asked, why, err := sh.ask(ctx, "prompt", message, c.hasDef, q)
	if err != nil || asked {
		return Secret(q.value()), err
	}
	sh.Info("%s %s (the default: %s)", message, redacted, why)
	return c.def, nil
}

// promptColor reports whether prompts, drawn on a terminal, get colours.
func promptColor() bool {
	_, noColor := os.LookupEnv("NO_COLOR")
	return !noColor
}

// title returns a prompt's message, in bold when color.
func title(message string, color bool) string {
	if color {
		return "\x1b[1m" + message + "\x1b[0m"
	}
	return message
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// confirmQ is the question of [Confirm].
type confirmQ struct {
	message       string
	color, hasDef bool
	def           bool
	typed         string // "", "y" or "n"
	value         bool
}

func (q *confirmQ) lines(int) []string {
	hint := "(y/n)"
	if q.hasDef && q.def {
		hint = "(Y/n)"
	} else if q.hasDef {
		hint = "(y/N)"
	}
	return []string{title(q.message, q.color) + " " + hint + " " + q.typed + "█"}
}

func (q *confirmQ) key(k key) bool {
	switch {
	case k.code == keyRune && (k.r == 'y' || k.r == 'Y'):
		q.typed = "y"
	case k.code == keyRune && (k.r == 'n' || k.r == 'N'):
		q.typed = "n"
	case k.code == keyBackspace:
		q.typed = ""
	case k.code == keyEnter && q.typed != "":
		q.value = q.typed == "y"
		return true
	case k.code == keyEnter && q.hasDef:
		q.value = q.def
		return true
	}
	return false
}

func (q *confirmQ) answer() string { return yesNo(q.value) }

// selectQ is the question of [Select], and of [MultiSelect] when multi.
type selectQ struct {
	message      string
	color, multi bool
	options      []string
	active       int
	picked       []bool
}

func (q *selectQ) lines(int) []string {
	hint := "(↑/↓, Enter)"
	if q.multi {
		hint = "(↑/↓, Space, Enter)"
	}
	lines := []string{title(q.message, q.color) + " " + hint}
	for i, o := range q.options {
		line := "  "
		if i == q.active {
			line = "> "
		}
		if q.multi {
			box := "[ ] "
			if q.picked[i] {
				box = "[x] "
			}
			line += box
		}
		if i == q.active && q.color {
			o = "\x1b[36m" + o + "\x1b[0m"
		}
		lines = append(lines, line+o)
	}
	return lines
}

func (q *selectQ) key(k key) bool {
	switch {
	case k.code == keyUp || k.code == keyRune && k.r == 'k':
		q.active = (q.active + len(q.options) - 1) % len(q.options)
	case k.code == keyDown || k.code == keyRune && k.r == 'j':
		q.active = (q.active + 1) % len(q.options)
	case q.multi && k.code == keyRune && k.r == ' ':
		q.picked[q.active] = !q.picked[q.active]
	case k.code == keyEnter:
		return true
	}
	return false
}

func (q *selectQ) answer() string {
	if !q.multi {
		return q.options[q.active]
	}
	var got []string
	for i, p := range q.picked {
		if p {
			got = append(got, q.options[i])
		}
	}
	if len(got) == 0 {
		return "(none)"
	}
	return strings.Join(got, ", ")
}

// textQ is the question of [Prompt], and of [PromptSecret] when mask.
type textQ struct {
	message             string
	color, hasDef, mask bool
	def                 string
	typed               []rune
}

func (q *textQ) lines(int) []string {
	line := title(q.message, q.color) + " "
	if q.hasDef && q.def != "" {
		shown := q.def
		if q.mask {
			shown = redacted
		}
		line += "[" + shown + "] "
	}
	if q.mask {
		return []string{line + strings.Repeat("*", len(q.typed)) + "█"}
	}
	return []string{line + string(q.typed) + "█"}
}

func (q *textQ) key(k key) bool {
	switch k.code {
	case keyRune:
		q.typed = append(q.typed, k.r)
	case keyBackspace:
		if len(q.typed) > 0 {
			q.typed = q.typed[:len(q.typed)-1]
		}
	case keyEnter:
		return true
	}
	return false
}

// value returns the text typed, or the default when nothing was.
func (q *textQ) value() string {
	if len(q.typed) == 0 && q.hasDef {
		return q.def
	}
	return string(q.typed)
}

func (q *textQ) answer() string {
	if q.mask {
		return redacted
	}
	return q.value()
}
