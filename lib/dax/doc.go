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
// globs (** recursive) and VAR=x prefixes work the same on every OS, and
// common commands (cat, cp, mv, rm, mkdir, touch, which, sleep, printenv,
// echo, printf, with test and pwd from the interpreter) are built in. A
// literal % is written %%; go vet checks the holes as it checks Printf's.
//
// # A script with one error check
//
// A [Script] runs commands and file operations one after another and
// keeps the first error: after it, nothing more runs, and [Script.Err]
// names the command that failed. Files are read and written relative to
// the Shell's directory, which [Script.Cd] moves, and written atomically.
// A release, whole:
//
//	func release(ctx context.Context, version string) error {
//		s := dax.NewScript(ctx)
//		s.Require(s.Text("git status --porcelain") == "", "the work tree has changes")
//		last := s.Text("git describe --tags --abbrev=0")
//		commits := s.Lines("git log --format=%%s %s..HEAD", last)
//		entry := fmt.Sprintf("## v%s\n\n- %s\n\n", version, strings.Join(commits, "\n- "))
//		s.WriteText("CHANGELOG.md", entry+s.ReadText("CHANGELOG.md"))
//		s.WriteText("VERSION", version+"\n")
//		s.Run("git commit -m %s VERSION CHANGELOG.md", "release v"+version)
//		s.Run("git tag v%s", version)
//		s.Do(s.Cmd("git push --follow-tags").Timeout(time.Minute))
//		s.Info("released v%s", version)
//		return s.Err() // "git describe --tags --abbrev=0: exit status 128" when there is no tag
//	}
//
// [ReadText], [WriteText], [ReadJSON], [WriteJSON], [Exists], [Mkdir],
// [Copy], [Move], [Remove] and [Glob] do the same outside a Script, each
// returning its error, and as methods of a [Shell].
//
// # Differences from the interpreter
//
// dax keeps bash's order where mvdan.cc/sh departs from it and data would
// be lost: a simple command's words are expanded before its redirects
// truncate their targets, so `echo "$(cat f) x" > f` keeps f's old
// content, as in bash, where the interpreter alone would empty f first.
// `cat f > f` still empties f. >| is > (there is no noclobber).
//
// # Extending a Shell
//
// A [Shell] built with [New] can have its own commands and middleware:
//
//	sh, err := dax.New(
//		dax.WithCommand("notify", notify),        // a command written in Go
//		dax.WithExecHandlers(printEvery, dryRun), // around every command
//		dax.WithShellOption("pipefail", true),
//	)
//
// [Command.Start] runs a command in the background as a [Process];
// [Command.Output] captures both streams and the exit status; commands
// run with [Command.ExportEnv] leave their directory and variables to the
// Shell, as do [Shell.Cd] and [Shell.SetEnv].
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
// Package daxhttp, beside this one, sends HTTP requests with the same
// ergonomics: retries, timeouts, downloads with progress, and secrets
// redacted from every error.
//
// # Continuous integration
//
// When the log goes to the process's own standard error (or output), the
// CI system reading it gets its markup. Under GitHub Actions
// (GITHUB_ACTIONS=true), a [Group] is a ::group:: folded in the job's log,
// [Warn] and [Error] are ::warning:: and ::error:: annotations, and before
// a command whose output is shown runs, its secrets (and their base64
// forms, as docker prints "AWS:password") are registered with
// ::add-mask::, once per value, so that the log hides them. Under GitLab CI
// (GITLAB_CI=true), a Group is a collapsed section. Elsewhere, and for a
// logger that is a buffer or a file, nothing changes.
//
// # Environment
//
// DAX_PRINT_COMMANDS=1 prints every command, secrets as ***, to its
// Shell's logger before it runs, as [WithPrintCommands] does for one
// Shell; DAX_QUIET=1 streams no command's output, as [WithQuiet] does.
// Each takes 1 or 0 (true, false, yes, no, on, off); 0 turns the Shell's
// option off, and [Command.PrintCommand] and [Command.Quiet] apply
// whatever they say. CI=true and NO_COLOR take the colours and the live
// progress off the log.
//
// # Error handling
//
// A command that exits non-zero, times out or is cancelled returns a
// [*CommandError] naming the command (secrets as ***), its exit status
// (124 when stopped) and the last line of its standard error, unless that
// already streamed to the terminal. Its ExitStatus method lets Mage exit
// with the command's status. As in bash, a program that is not found
// exits with 127 and says "NAME: command not found" on standard error.
package dax
