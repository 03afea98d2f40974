package dax

import (
	"os"

	"github.com/godax/godax/lib/dax/envvar"
)

// The environment variables that switch printing for every Shell; see
// [WithPrintCommands] and [WithQuiet].
const (
	envPrintCommands = "DAX_PRINT_COMMANDS"
	envQuiet         = "DAX_QUIET"
)

// WithPrintCommands makes every command of the Shell print "$ " and
// itself (secrets as ***) to the Shell's logger before it runs, as
// [Command.PrintCommand] does for one command. The default is off.
//
// # Environment
//
// DAX_PRINT_COMMANDS=1 turns it on for every Shell, the default one too,
// and DAX_PRINT_COMMANDS=0 off, whatever the option says. A command with
// [Command.PrintCommand] prints in any case.
func WithPrintCommands() Option {
	return func(sh *Shell) error {
		sh.printCommands = true
		return nil
	}
}

// WithQuiet makes every command of the Shell stream neither standard
// output nor standard error, as [Command.Quiet] does for one command: the
// capturing sinks still capture, and errors still carry the tail of
// standard error. A command given its own writer with [Command.Stdout] or
// [Command.Stderr] still writes to it. The default is off.
//
// # Environment
//
// DAX_QUIET=1 turns it on for every Shell, the default one too, and
// DAX_QUIET=0 off, whatever the option says.
func WithQuiet() Option {
	return func(sh *Shell) error {
		sh.quiet = true
		return nil
	}
}

// printing returns whether the Shell's commands print themselves and
// whether they are quiet: its options, overridden by the environment.
func (sh *Shell) printing() (print, quiet bool, err error) {
	if print, err = envvar.Bool(envPrintCommands, os.Getenv(envPrintCommands), sh.printCommands); err != nil {
		return false, false, err
	}
	if quiet, err = envvar.Bool(envQuiet, os.Getenv(envQuiet), sh.quiet); err != nil {
		return false, false, err
	}
	return print, quiet, nil
}
