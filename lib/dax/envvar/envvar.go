// Package envvar holds the rules by which godax reads an environment
// variable's value, so that every program and target reads a switch, a
// duration and CI the same way:
//
//	noCache, err := envvar.Bool("ECR_NO_CACHE", os.Getenv("ECR_NO_CACHE"), false)
//	timeout, err := envvar.Duration("DEPLOY_TIMEOUT", os.Getenv("DEPLOY_TIMEOUT"), 10*time.Minute)
//
// It imports only the standard library's strconv, strings and time, so
// that the smallest program can use it.
package envvar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bool reads the on/off variable name whose value is v: 1, true, yes or
// on (in any case) is on; 0, false, no or off is off; empty is def.
// Anything else is an error that names the variable and the words it
// takes.
func Bool(name, v string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return def, nil
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q: want 1, true, yes or on, or 0, false, no or off", name, v)
}

// CI reports whether the value v of the CI variable says the program runs
// in continuous integration: any value but empty, 0, false, no and off.
// CI systems set it as they like (true, 1, or a name), so no value is an
// error.
func CI(v string) bool {
	on, err := Bool("CI", v, false)
	return on || err != nil
}

// Duration reads the variable name whose value is v as a Go duration
// (90s, 15m, 1h30m) or a bare number of seconds (90); empty is def. A
// negative duration is an error, and so is anything else that is not a
// duration; the error names the variable.
func Duration(name, v string, def time.Duration) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n > int64(time.Duration(1<<63-1)/time.Second) {
			return 0, fmt.Errorf("%s=%q: too long", name, v)
		}
		d = time.Duration(n) * time.Second
	} else if d, err = time.ParseDuration(v); err != nil {
		return 0, fmt.Errorf("%s=%q: want a duration such as 90s, 15m or 1h, or a number of seconds", name, v)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s=%q: want a duration that is not negative", name, v)
	}
	return d, nil
}

// AsRead says how v, a value [Duration] read as d, was understood, for an
// error about d: `"10" (read as 10 seconds)` for a bare number, else `"v"`.
func AsRead(v string, d time.Duration) string {
	v = strings.TrimSpace(v)
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return fmt.Sprintf("%q (read as %s seconds)", v, strconv.FormatInt(int64(d/time.Second), 10))
	}
	return strconv.Quote(v)
}
