package sandbox

import (
	"fmt"
	"slices"
	"strings"
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
