package container

import (
	"fmt"
	"slices"
	"strings"

	"github.com/godax/godax/lib/dax"
)

// Names lists the container tools this package knows how to drive.
var Names = []string{"docker", "podman", "nerdctl", "finch"}

// CLI is one container command-line tool, named by its program.
type CLI struct {
	// Name is the program run for every command: one of [Names].
	Name string
	// Shell runs the commands, and its [dax.Shell.LookPath] says whether
	// the tool is installed; nil means lib/dax's default Shell, and the
	// process's PATH. Tests give one that fakes the tool (see
	// lib/dax/daxtest).
	Shell *dax.Shell
}

// cmd returns the command format (see [dax.Cmd]) run by c's Shell.
func (c CLI) cmd(format string, args ...any) dax.Command {
	if c.Shell == nil {
		return dax.Cmd(format, args...)
	}
	return c.Shell.Cmd(format, args...)
}

// New returns the CLI called name, or docker when name is empty. A name
// outside [Names] is an error that lists the known ones.
func New(name string) (CLI, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return CLI{Name: "docker"}, nil
	}
	if !slices.Contains(Names, name) {
		return CLI{}, fmt.Errorf("unknown container CLI %q: want one of %s", name, strings.Join(Names, ", "))
	}
	return CLI{Name: name}, nil
}

// String returns the program's name.
func (c CLI) String() string { return c.Name }
