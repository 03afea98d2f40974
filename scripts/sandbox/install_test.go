package sandbox

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func lookPathWithout(names ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		if slices.Contains(names, name) {
			return "", errors.New("not found")
		}
		return "/usr/bin/" + name, nil
	}
}

func TestDebPackages_NamesEachPackageOnce(t *testing.T) {
	t.Parallel()
	missing := missingTools(lookPathWithout("dockerd", "docker", "htpasswd", "moto_server"))
	if diff := cmp.Diff([]string{"docker.io", "apache2-utils"}, debPackages(missing)); diff != "" {
		t.Errorf("debPackages (-want +got):\n%s", diff)
	}
}

func TestMissingError_SaysExactlyWhatToInstall(t *testing.T) {
	t.Parallel()
	err := missingError(missingTools(lookPathWithout("moto_server", "docker-registry", "htpasswd")))
	want := "the sandbox needs moto_server, docker-registry, htpasswd on PATH: install with: " +
		"apt-get install docker-registry apache2-utils (as root, on Debian or Ubuntu); pip install 'moto[server]'"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("missingError (-want +got):\n%s", diff)
	}
}

func TestMissingTools_IsEmptyWhenEverythingIsThere(t *testing.T) {
	t.Parallel()
	if got := missingTools(lookPathWithout()); len(got) != 0 {
		t.Errorf("missingTools = %v, want none", got)
	}
}
