package container_test

import (
	"testing"

	"github.com/godax/godax/lib/container"
)

func TestNew_DefaultsToDocker(t *testing.T) {
	t.Parallel()
	cli, err := container.New("")
	if err != nil {
		t.Fatal(err)
	}
	if cli.Name != "docker" {
		t.Errorf("got %q, want docker", cli.Name)
	}
}

func TestNew_AcceptsEveryKnownName(t *testing.T) {
	t.Parallel()
	for _, name := range container.Names {
		cli, err := container.New(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if cli.Name != name {
			t.Errorf("got %q, want %q", cli.Name, name)
		}
	}
}

func TestNew_RejectsUnknownNameListingKnownOnes(t *testing.T) {
	t.Parallel()
	_, err := container.New("dokcer")
	if err == nil {
		t.Fatal("want an error for an unknown CLI")
	}
	want := `unknown container CLI "dokcer": want one of docker, podman, nerdctl, finch`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
