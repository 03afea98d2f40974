// Package dax runs shell commands from Go with the ergonomics of Deno's
// dax: commands are shell text with printf-style holes, arguments are
// always quoted, and the result is read with one call.
//
//	ref := "registry.example.com/app:1.2"
//	if err := dax.Cmd("docker build -t %s %s", ref, dir).Run(ctx); err != nil {
//		return err // "docker build -t registry.example.com/app:1.2 .: exit status 1: ..."
//	}
//	sha, err := dax.Cmd("git rev-parse --short HEAD").Text(ctx)
//	err = dax.Cmd("docker login -u AWS --password-stdin %s", host).
//		StdinSecret(dax.Secret(password)).Run(ctx)
//
// The text is parsed and run by mvdan.cc/sh, so pipes, &&, ||, redirects,
// globs and VAR=x prefixes work the same on every OS, and common commands
// (cat, cp, mv, rm, mkdir, touch, which, sleep, printenv, with echo, test
// and pwd from the interpreter) are built in. [Register] adds more.
//
// A [Command] is an immutable value: modifiers such as [Command.Env],
// [Command.Dir] and [Command.Quiet] return a new one. Sinks such as
// [Command.Run], [Command.Text] and [Command.Code] run it and stop it, and
// everything it started, when their context is done.
//
// # At a terminal
//
// [Confirm], [Select], [MultiSelect], [Prompt] and [PromptSecret] ask on
// the terminal, and return their [Default] at once where there is none
// to ask on, as in CI. [Progress] shows a bar or spinner below the log,
// [Group] indents what is logged within it, and [StripAnsi] removes the
// colours from captured output.
//
//	if ok, err := dax.Confirm(ctx, "Deploy these 3 targets?", dax.Default(false)); err != nil || !ok {
//		return err
//	}
//
// # Error handling
//
// A command that exits non-zero, times out or is cancelled returns a
// [*CommandError] naming the command (secrets as ***), its exit status and
// the last line of its standard error. Its ExitStatus method lets Mage exit
// with the command's status.
package dax
