package sandbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
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

// fakeHost is a machine missing the tools in missing until apt-get
// installs their packages; it records the commands run.
type fakeHost struct {
	missing []string
	ran     []string
}

func (f *fakeHost) host(root, apt bool) host {
	return host{
		lookPath: func(name string) (string, error) { return lookPathWithout(f.missing...)(name) },
		root:     root,
		apt:      apt,
		run: func(_ context.Context, c dax.Command) error {
			f.ran = append(f.ran, c.String())
			if strings.HasPrefix(c.String(), "apt-get install") {
				f.missing = slices.DeleteFunc(f.missing, func(name string) bool { return name != "moto_server" })
			}
			return nil
		},
	}
}

func TestEnsureTools_InstallsMissingPackagesAsRootOnDebian(t *testing.T) {
	t.Parallel()
	f := &fakeHost{missing: []string{"docker-registry", "htpasswd"}}
	if err := f.host(true, true).ensureTools(t.Context(), true); err != nil {
		t.Fatalf("ensureTools: %v", err)
	}
	want := []string{"apt-get update", "apt-get install -y docker-registry apache2-utils"}
	if diff := cmp.Diff(want, f.ran); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
}

func TestEnsureTools_SaysWhatToInstallWhenNotRoot(t *testing.T) {
	t.Parallel()
	f := &fakeHost{missing: []string{"htpasswd"}}
	err := f.host(false, true).ensureTools(t.Context(), false)
	if err == nil || !strings.Contains(err.Error(), "apt-get install apache2-utils") {
		t.Errorf("ensureTools error = %v, want one saying to apt-get install apache2-utils", err)
	}
	if len(f.ran) > 0 {
		t.Errorf("ran %q without root", f.ran)
	}
}

func TestEnsureTools_NamesPipForMotoEvenAfterInstallingTheRest(t *testing.T) {
	t.Parallel()
	f := &fakeHost{missing: []string{"moto_server", "dockerd"}}
	err := f.host(true, true).ensureTools(t.Context(), true)
	if err == nil || !strings.Contains(err.Error(), "pip install 'moto[server]'") || strings.Contains(err.Error(), "dockerd") {
		t.Errorf("ensureTools error = %v, want only moto_server missing, with pip", err)
	}
	if diff := cmp.Diff([]string{"apt-get update", "apt-get install -y docker.io"}, f.ran); diff != "" {
		t.Errorf("commands run (-want +got):\n%s", diff)
	}
}

func TestEnsureTools_RefusesToStartDockerdWithoutRoot(t *testing.T) {
	t.Parallel()
	f := &fakeHost{}
	err := f.host(false, true).ensureTools(t.Context(), true)
	if err == nil || !strings.Contains(err.Error(), "root") {
		t.Errorf("ensureTools error = %v, want one saying dockerd needs root", err)
	}
}
