package dax

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// The builtins deploy scripts use and Windows lacks. Each implements the
// common options; for any other option the program of that name on PATH
// runs instead. echo and printf replace the interpreter's own, which
// ignore write errors.
func init() {
	for name, fn := range map[string]BuiltinFunc{
		"cat":      catCmd,
		"cp":       cpCmd,
		"mv":       mvCmd,
		"rm":       rmCmd,
		"mkdir":    mkdirCmd,
		"touch":    touchCmd,
		"which":    whichCmd,
		"sleep":    sleepCmd,
		"printenv": printenvCmd,
		"echo":     echoCmd,
		"printf":   printfCmd,
	} {
		builtins[name] = fn
	}
}

// parseFlags splits args (without the command name) into single-letter
// flags, all of which must be in allowed, and operands. "--" ends the
// flags; "-" alone is an operand.
func parseFlags(args []string, allowed string) (flags map[byte]bool, operands []string, err error) {
	flags = map[byte]bool{}
	for i, a := range args {
		if a == "--" {
			return flags, args[i+1:], nil
		}
		if len(a) < 2 || a[0] != '-' {
			return flags, args[i:], nil
		}
		for j := 1; j < len(a); j++ {
			if strings.IndexByte(allowed, a[j]) < 0 {
				return nil, nil, errUnsupported{fmt.Sprintf("option %q is not supported by the builtin", a)}
			}
			flags[a[j]] = true
		}
	}
	return flags, nil, nil
}

// catCmd: cat [FILE|-]...
func catCmd(ctx context.Context, inv Invocation) error {
	_, files, err := parseFlags(inv.Args[1:], "u")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	var failed bool
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if name == "-" {
			if _, err := io.Copy(inv.Stdout, inv.Stdin); err != nil {
				return err
			}
			continue
		}
		if err := catFile(inv.Stdout, inv.Path(name)); errors.Is(err, syscall.EPIPE) {
			return err
		} else if err != nil {
			fmt.Fprintf(inv.Stderr, "cat: %v\n", err)
			failed = true
		}
	}
	if failed {
		return ExitCode(1)
	}
	return nil
}

func catFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close() // read only
	_, err = copyFile(w, f)
	return err
}

// copyFile copies f to w through a 128 KiB buffer, as GNU cat does. The
// standard library's path for files (copy_file_range, then splice, then a
// 32 KiB buffer) and sendfile both measured slower into a pipe.
func copyFile(w io.Writer, f *os.File) (int64, error) {
	buf := make([]byte, 128<<10)
	// The wrappers hide ReadFrom and WriteTo, so CopyBuffer uses buf.
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{f}, buf)
}

// cpCmd: cp [-r|-R|-f|-p] SRC... DST
func cpCmd(_ context.Context, inv Invocation) error {
	flags, ops, err := parseFlags(inv.Args[1:], "rRfpv")
	if err != nil {
		return err
	}
	if len(ops) < 2 {
		return errors.New("missing destination operand")
	}
	recursive := flags['r'] || flags['R']
	return toEach(inv, ops, func(src, dst string) error {
		fi, err := os.Stat(src)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if !recursive {
				return fmt.Errorf("-r not specified; omitting directory %q", src)
			}
			return os.CopyFS(dst, os.DirFS(src))
		}
		return copyRegular(src, dst, fi.Mode().Perm())
	})
}

// toEach calls fn for each source with its destination: DST itself, or
// DST/base(SRC) when DST is a directory; several sources need a directory.
func toEach(inv Invocation, ops []string, fn func(src, dst string) error) error {
	dst := inv.Path(ops[len(ops)-1])
	srcs := ops[:len(ops)-1]
	fi, err := os.Stat(dst)
	dstIsDir := err == nil && fi.IsDir()
	if len(srcs) > 1 && !dstIsDir {
		return fmt.Errorf("target %q is not a directory", ops[len(ops)-1])
	}
	for _, s := range srcs {
		src := inv.Path(s)
		to := dst
		if dstIsDir {
			to = filepath.Join(dst, filepath.Base(src))
		}
		if err := fn(src, to); err != nil {
			return err
		}
	}
	return nil
}

func copyRegular(src, dst string, perm fs.FileMode) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close() // read only
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// mvCmd: mv [-f] SRC... DST
func mvCmd(_ context.Context, inv Invocation) error {
	_, ops, err := parseFlags(inv.Args[1:], "fv")
	if err != nil {
		return err
	}
	if len(ops) < 2 {
		return errors.New("missing destination operand")
	}
	return toEach(inv, ops, os.Rename)
}

// rmCmd: rm [-r|-R] [-f] FILE...
func rmCmd(_ context.Context, inv Invocation) error {
	flags, ops, err := parseFlags(inv.Args[1:], "rRfv")
	if err != nil {
		return err
	}
	force, recursive := flags['f'], flags['r'] || flags['R']
	if len(ops) == 0 && !force {
		return errors.New("missing operand")
	}
	var failed bool
	for _, op := range ops {
		path := inv.Path(op)
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && force:
			continue
		case err != nil:
		case fi.IsDir() && !recursive:
			err = fmt.Errorf("cannot remove %q: is a directory", op)
		case recursive:
			err = os.RemoveAll(path)
		default:
			err = os.Remove(path)
		}
		if err != nil {
			fmt.Fprintf(inv.Stderr, "rm: %v\n", err)
			failed = true
		}
	}
	if failed {
		return ExitCode(1)
	}
	return nil
}

// mkdirCmd: mkdir [-p] DIR...
func mkdirCmd(_ context.Context, inv Invocation) error {
	flags, ops, err := parseFlags(inv.Args[1:], "pv")
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return errors.New("missing operand")
	}
	for _, op := range ops {
		if flags['p'] {
			err = os.MkdirAll(inv.Path(op), 0o777)
		} else {
			err = os.Mkdir(inv.Path(op), 0o777)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// touchCmd: touch [-c] FILE...
func touchCmd(_ context.Context, inv Invocation) error {
	flags, ops, err := parseFlags(inv.Args[1:], "c")
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		return errors.New("missing file operand")
	}
	now := time.Now()
	for _, op := range ops {
		path := inv.Path(op)
		err := os.Chtimes(path, now, now)
		if errors.Is(err, fs.ErrNotExist) && !flags['c'] {
			var f *os.File
			if f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o666); err == nil {
				err = f.Close()
			}
		}
		if err != nil && !(flags['c'] && errors.Is(err, fs.ErrNotExist)) {
			return err
		}
	}
	return nil
}

// whichCmd: which NAME... prints the program each name runs, from PATH;
// exit status 1 when one is missing.
func whichCmd(_ context.Context, inv Invocation) error {
	_, ops, err := parseFlags(inv.Args[1:], "")
	if err != nil {
		return err
	}
	env := environFrom(inv)
	var missing bool
	for _, name := range ops {
		path, err := interp.LookPathDir(inv.Dir, env, name)
		if err != nil {
			missing = true
			continue
		}
		if _, err := fmt.Fprintln(inv.Stdout, path); err != nil {
			return writeError(err)
		}
	}
	if missing || len(ops) == 0 {
		return ExitCode(1)
	}
	return nil
}

// sleepCmd: sleep DURATION... where each is seconds (1, 0.5) or has a
// suffix s, m, h or d; stops early, with an error, when ctx is done.
func sleepCmd(ctx context.Context, inv Invocation) error {
	if len(inv.Args) < 2 {
		return errors.New("missing operand")
	}
	var total time.Duration
	for _, a := range inv.Args[1:] {
		d, err := parseSleep(a)
		if err != nil {
			return err
		}
		total += d
	}
	return Sleep(ctx, total)
}

func parseSleep(s string) (time.Duration, error) {
	unit := time.Second
	num := s
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 's':
			num = s[:n-1]
		case 'm':
			unit, num = time.Minute, s[:n-1]
		case 'h':
			unit, num = time.Hour, s[:n-1]
		case 'd':
			unit, num = 24*time.Hour, s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid time interval %q", s)
	}
	return time.Duration(f * float64(unit)), nil
}

// printenvCmd: printenv [NAME...] prints the exported environment, or the
// values of the named variables (exit status 1 when one is unset).
func printenvCmd(_ context.Context, inv Invocation) error {
	_, ops, err := parseFlags(inv.Args[1:], "")
	if err != nil {
		return err
	}
	if len(ops) == 0 {
		for _, kv := range inv.Environ() {
			if _, err := fmt.Fprintln(inv.Stdout, kv); err != nil {
				return writeError(err)
			}
		}
		return nil
	}
	env := environFrom(inv)
	var missing bool
	for _, name := range ops {
		vr := env.Get(name)
		if !vr.IsSet() || !vr.Exported {
			missing = true
			continue
		}
		if _, err := fmt.Fprintln(inv.Stdout, vr.String()); err != nil {
			return writeError(err)
		}
	}
	if missing {
		return ExitCode(1)
	}
	return nil
}

// writeError is the error of a builtin that could not write its output:
// "write error: ...", as bash says, unless the reader went away (EPIPE),
// which ends the builtin quietly.
func writeError(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return err
	}
	return fmt.Errorf("write error: %w", err)
}

// echoCmd: echo [-n] [-e] [-E] ARG... as bash's builtin, failing when its
// output cannot be written.
func echoCmd(_ context.Context, inv Invocation) error {
	args := inv.Args[1:]
	newline, escapes := true, false
flags:
	for len(args) > 0 {
		switch args[0] {
		case "-n":
			newline = false
		case "-e":
			escapes = true
		case "-E":
			escapes = false
		default:
			break flags
		}
		args = args[1:]
	}
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if escapes {
			// A Config of its own, as in printfCmd.
			a, _, _ = expand.Format(&expand.Config{}, a, nil)
		}
		b.WriteString(a)
	}
	if newline {
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(inv.Stdout, b.String()); err != nil {
		return writeError(err)
	}
	return nil
}

// printfCmd: printf FORMAT [ARG...] as bash's builtin, the format reused
// until the arguments run out; fails when its output cannot be written.
func printfCmd(_ context.Context, inv Invocation) error {
	if len(inv.Args) < 2 {
		fmt.Fprintln(inv.Stderr, "printf: usage: printf format [arguments]")
		return ExitCode(2)
	}
	format, args := inv.Args[1], inv.Args[2:]
	var b strings.Builder
	// A Config of its own: Format keeps its buffer in the Config, and a
	// nil one means a Config shared by every caller.
	cfg := &expand.Config{}
	for {
		s, n, err := expand.Format(cfg, format, args)
		if err != nil {
			return err
		}
		b.WriteString(s)
		args = args[n:]
		if n == 0 || len(args) == 0 {
			break
		}
	}
	if _, err := io.WriteString(inv.Stdout, b.String()); err != nil {
		return writeError(err)
	}
	return nil
}
