package dax

import (
	"context"
	"fmt"
)

// Script runs the steps of a script, commands and file operations, one
// after another, and keeps the first error, so that the script checks it
// once, at the end, with [Script.Err], as a [bufio.Scanner] is checked.
// Once a step has failed, every later step does nothing: commands do not
// run, files are not touched, and the methods that return a value return
// its zero value ("", nil, false).
//
//	s := sh.NewScript(ctx)
//	last := s.Text("git describe --tags --abbrev=0")
//	commits := s.Lines("git log --format=%%s %s..HEAD", last)
//	s.WriteText("CHANGELOG.md", changelog(commits)+s.ReadText("CHANGELOG.md"))
//	s.Run("git commit -am %s", "release "+version)
//	return s.Err() // "git describe --tags --abbrev=0: exit status 128" without a tag
//
// Commands run on the Script's [Shell], whose working directory and
// environment the file helpers follow too: [Script.Cd] moves them all. A
// command with modifiers (an [Command.Env], [Command.StdinSecret],
// [Command.NoThrow] ...) runs with [Script.Do], [Script.TextOf] and the
// other methods taking a [Command]. Go code joins the script with
// [Script.Check] and [Script.Require].
//
// A Script is for one goroutine, like the script it runs. The zero Script
// runs on the default Shell with context.Background.
type Script struct {
	ctx context.Context
	sh  *Shell
	err error
}

// NewScript returns a Script whose commands run on the default Shell, in
// the process's working directory and environment, until ctx is done.
func NewScript(ctx context.Context) *Script { return defaultShell.NewScript(ctx) }

// NewScript returns a Script whose commands and file helpers run on sh,
// until ctx is done.
func (sh *Shell) NewScript(ctx context.Context) *Script {
	return &Script{ctx: ctx, sh: sh}
}

// Err returns the error of the first step that failed, nil if none has.
// A command's error is a [*CommandError] naming the command.
func (s *Script) Err() error { return s.err }

// Check makes err, when it is not nil, the Script's error, unless the
// Script has failed already, so that an error from Go code also stops the
// steps after it.
func (s *Script) Check(err error) {
	if s.err == nil {
		s.err = err
	}
}

// Require fails the Script, unless it has failed already, with an error
// made from format and args, as by fmt.Errorf, when ok is false. It is a
// guard: s.Require(branch == "main", "releasing from %s, not main", branch).
func (s *Script) Require(ok bool, format string, args ...any) {
	if !ok && s.err == nil {
		s.err = fmt.Errorf(format, args...)
	}
}

// shell returns the Shell of the Script, the default one for a Script
// not made by NewScript.
func (s *Script) shell() *Shell {
	if s.sh == nil {
		return defaultShell
	}
	return s.sh
}

// context returns the context of the Script's commands.
func (s *Script) context() context.Context {
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// step runs fn unless the Script has failed, and keeps its error.
func (s *Script) step(fn func() error) {
	if s.err == nil {
		s.err = fn()
	}
}

// Cmd returns a command of the Script's Shell, for [Script.Do] and the
// other methods taking a [Command], after modifiers: see [Cmd] for format
// and its holes.
func (s *Script) Cmd(format string, args ...any) Command {
	return s.shell().Cmd(format, args...)
}

// Run is shorthand for running s.Cmd(format, args...) with [Script.Do].
func (s *Script) Run(format string, args ...any) {
	s.Do(s.shell().Cmd(format, args...))
}

// Do runs c, as [Command.Run] does, unless the Script has failed.
func (s *Script) Do(c Command) {
	s.step(func() error { return c.Run(s.context()) })
}

// Text is shorthand for [Script.TextOf] with s.Cmd(format, args...).
func (s *Script) Text(format string, args ...any) string {
	return s.TextOf(s.shell().Cmd(format, args...))
}

// TextOf runs c unless the Script has failed, and returns its standard
// output with trailing newlines trimmed, as [Command.Text] does; "" on
// failure.
func (s *Script) TextOf(c Command) string {
	var out string
	s.step(func() (err error) {
		out, err = c.Text(s.context())
		return err
	})
	if s.err != nil {
		return ""
	}
	return out
}

// Lines is shorthand for [Script.LinesOf] with s.Cmd(format, args...).
func (s *Script) Lines(format string, args ...any) []string {
	return s.LinesOf(s.shell().Cmd(format, args...))
}

// LinesOf runs c unless the Script has failed, and returns its standard
// output as lines, as [Command.Lines] does; nil on failure.
func (s *Script) LinesOf(c Command) []string {
	var lines []string
	s.step(func() (err error) {
		lines, err = c.Lines(s.context())
		return err
	})
	if s.err != nil {
		return nil
	}
	return lines
}

// JSON is shorthand for [Script.JSONOf] with s.Cmd(format, args...).
func (s *Script) JSON(v any, format string, args ...any) {
	s.JSONOf(s.shell().Cmd(format, args...), v)
}

// JSONOf runs c unless the Script has failed, and decodes its standard
// output as JSON into v, as [Command.JSON] does.
func (s *Script) JSONOf(c Command, v any) {
	s.step(func() error { return c.JSON(s.context(), v) })
}

// Step logs the start of a step, as [Shell.Step] does, unless the Script
// has failed.
func (s *Script) Step(format string, args ...any) {
	if s.err == nil {
		s.shell().Step(format, args...)
	}
}

// Info logs a line of information, as [Shell.Info] does, unless the
// Script has failed: "released v1.2.0" is not logged after the push
// failed.
func (s *Script) Info(format string, args ...any) {
	if s.err == nil {
		s.shell().Info(format, args...)
	}
}

// Cd changes the working directory of the Script's Shell, and so of its
// later commands and file helpers, as [Shell.Cd] does, unless the Script
// has failed.
func (s *Script) Cd(dir string) {
	s.step(func() error { return s.shell().Cd(dir) })
}

// ReadText returns the content of the file at path, as [Shell.ReadText]
// does, unless the Script has failed; "" on failure.
func (s *Script) ReadText(path string) string {
	var text string
	s.step(func() (err error) {
		text, err = s.shell().ReadText(path)
		return err
	})
	if s.err != nil {
		return ""
	}
	return text
}

// WriteText writes text to the file at path atomically, as
// [Shell.WriteText] does, unless the Script has failed.
func (s *Script) WriteText(path, text string) {
	s.step(func() error { return s.shell().WriteText(path, text) })
}

// ReadJSON decodes the JSON in the file at path into v, as
// [Shell.ReadJSON] does, unless the Script has failed.
func (s *Script) ReadJSON(path string, v any) {
	s.step(func() error { return s.shell().ReadJSON(path, v) })
}

// WriteJSON writes v as indented JSON to the file at path atomically, as
// [Shell.WriteJSON] does, unless the Script has failed.
func (s *Script) WriteJSON(path string, v any) {
	s.step(func() error { return s.shell().WriteJSON(path, v) })
}

// Exists reports whether something is at path, as [Shell.Exists] does;
// false once the Script has failed.
func (s *Script) Exists(path string) bool {
	return s.err == nil && s.shell().Exists(path)
}

// Mkdir creates the folder path with any missing parents, as
// [Shell.Mkdir] does, unless the Script has failed.
func (s *Script) Mkdir(path string) {
	s.step(func() error { return s.shell().Mkdir(path) })
}

// Copy copies the file or folder src to dst, as [Shell.Copy] does, unless
// the Script has failed.
func (s *Script) Copy(src, dst string) {
	s.step(func() error { return s.shell().Copy(src, dst) })
}

// Move moves the file or folder src to dst, as [Shell.Move] does, unless
// the Script has failed.
func (s *Script) Move(src, dst string) {
	s.step(func() error { return s.shell().Move(src, dst) })
}

// Remove removes the file or folder at path, as [Shell.Remove] does,
// unless the Script has failed.
func (s *Script) Remove(path string) {
	s.step(func() error { return s.shell().Remove(path) })
}

// Glob returns the paths matching pattern, as [Shell.Glob] does, unless
// the Script has failed; nil on failure.
func (s *Script) Glob(pattern string) []string {
	var matches []string
	s.step(func() (err error) {
		matches, err = s.shell().Glob(pattern)
		return err
	})
	if s.err != nil {
		return nil
	}
	return matches
}
