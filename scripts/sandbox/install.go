package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

// tool is a program the sandbox runs and where it comes from.
type tool struct {
	name string
	// pkg is the Debian package that provides it, or "" when apt cannot.
	pkg string
	// install says how to install it by hand.
	install string
}

// tools are the programs [Up] needs. docker, the CLI, is not run by the
// sandbox itself but by everything that uses it.
var tools = []tool{
	{"moto_server", "", "pip install 'moto[server]'"},
	{"dockerd", "docker.io", "apt-get install docker.io"},
	{"containerd", "docker.io", "apt-get install docker.io"},
	{"docker", "docker.io", "apt-get install docker.io"},
	{"docker-registry", "docker-registry", "apt-get install docker-registry"},
	{"htpasswd", "apache2-utils", "apt-get install apache2-utils"},
}

// missingTools returns the tools that lookPath does not find.
func missingTools(lookPath func(string) (string, error)) []tool {
	var missing []tool
	for _, t := range tools {
		if _, err := lookPath(t.name); err != nil {
			missing = append(missing, t)
		}
	}
	return missing
}

// debPackages returns the Debian packages that provide the missing tools,
// without repeats, in the order of [tools].
func debPackages(missing []tool) []string {
	var pkgs []string
	for _, t := range missing {
		if t.pkg != "" && !slices.Contains(pkgs, t.pkg) {
			pkgs = append(pkgs, t.pkg)
		}
	}
	return pkgs
}

// missingError says which tools are missing and exactly how to install
// them: one apt-get line for the Debian packages, pip for moto.
func missingError(missing []tool) error {
	var names, how []string
	for _, t := range missing {
		names = append(names, t.name)
	}
	if pkgs := debPackages(missing); len(pkgs) > 0 {
		how = append(how, "apt-get install "+strings.Join(pkgs, " ")+" (as root, on Debian or Ubuntu)")
	}
	for _, t := range missing {
		if t.pkg == "" {
			how = append(how, t.install)
		}
	}
	return fmt.Errorf("the sandbox needs %s on PATH: install with: %s", strings.Join(names, ", "), strings.Join(how, "; "))
}

// host is what [host.ensureTools] knows about the machine and does to it.
type host struct {
	lookPath func(string) (string, error)
	// root is true when the process runs as root.
	root bool
	// apt is true on Debian and its kin, where apt-get can install.
	apt bool
	// run runs a command, such as apt-get.
	run func(context.Context, dax.Command) error
}

// thisHost describes the machine the process runs on.
func thisHost() host {
	_, err := os.Stat("/etc/debian_version")
	return host{
		lookPath: exec.LookPath,
		root:     os.Geteuid() == 0,
		apt:      err == nil && dax.CommandExists("apt-get"),
		run:      func(ctx context.Context, c dax.Command) error { return c.Run(ctx) },
	}
}

// ensureTools checks that the sandbox's programs are on PATH. When some
// are missing and h is a root Debian machine, it installs their packages
// with apt-get, saying so; otherwise it fails saying what to install.
// needRoot is set when dockerd is about to start, which needs root.
func (h host) ensureTools(ctx context.Context, needRoot bool) error {
	if needRoot && !h.root {
		return errors.New("the sandbox's dockerd needs root: run sandbox:up as root")
	}
	missing := missingTools(h.lookPath)
	pkgs := debPackages(missing)
	if len(pkgs) > 0 && h.root && h.apt {
		names := make([]string, len(missing))
		for i, t := range missing {
			names[i] = t.name
		}
		dax.Step("sandbox: installing %s with apt-get (missing: %s)", strings.Join(pkgs, " "), strings.Join(names, ", "))
		for _, c := range []dax.Command{
			dax.Cmd("apt-get update").Timeout(10 * time.Minute),
			dax.Cmd("apt-get install -y %s", pkgs).Timeout(20 * time.Minute),
		} {
			if err := h.run(ctx, c.Env("DEBIAN_FRONTEND", "noninteractive")); err != nil {
				return fmt.Errorf("install %s: %w", strings.Join(pkgs, " "), err)
			}
		}
		missing = missingTools(h.lookPath)
	}
	if len(missing) > 0 {
		return missingError(missing)
	}
	return nil
}
