package container

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuildCommand_ForEachToolAndBuilder(t *testing.T) {
	t.Setenv("CI", "true")
	o := BuildOptions{
		Context:   "ctx",
		Tags:      []string{"team/app:abc", "team/app:latest"},
		Platform:  "linux/arm64",
		BuildArgs: map[string]string{"VERSION": "1.2", "APP": "demo"},
	}
	common := []string{"--platform", "linux/arm64", "--build-arg", "APP=demo", "--build-arg", "VERSION=1.2",
		"--tag", "team/app:abc", "--tag", "team/app:latest", "ctx"}
	tests := []struct {
		name    string
		cli     string
		buildx  bool
		builder string
		argv    []string
		env     map[string]string
	}{
		{name: "docker with buildx loads the result and shows plain progress in CI", cli: "docker", buildx: true,
			argv: append([]string{"docker", "buildx", "build", "--load", "--progress", "plain"}, common...)},
		{name: "docker with a named buildx builder", cli: "docker", buildx: true, builder: "remote",
			argv: append([]string{"docker", "buildx", "build", "--load", "--builder", "remote", "--progress", "plain"}, common...)},
		{name: "docker without buildx uses the legacy builder, which has no --progress", cli: "docker",
			argv: append([]string{"docker", "build"}, common...), env: map[string]string{"DOCKER_BUILDKIT": "0"}},
		{name: "podman has no --progress, and is told the Dockerfile, since it looks for a Containerfile first", cli: "podman",
			argv: append([]string{"podman", "build", "--platform", "linux/arm64", "--build-arg", "APP=demo", "--build-arg", "VERSION=1.2",
				"--file", "ctx/Dockerfile"}, common[6:]...)},
		{name: "nerdctl is BuildKit", cli: "nerdctl",
			argv: append([]string{"nerdctl", "build", "--progress", "plain"}, common...)},
	}
	for _, tt := range tests {
		o := o
		o.Builder = tt.builder
		argv, env := CLI{Name: tt.cli}.buildCommand(o, tt.buildx)
		if d := cmp.Diff(tt.argv, argv); d != "" {
			t.Errorf("%s: argv (-want +got):\n%s", tt.name, d)
		}
		if d := cmp.Diff(tt.env, env); d != "" {
			t.Errorf("%s: env (-want +got):\n%s", tt.name, d)
		}
	}
}

func TestBuildCommand_LeavesProgressToTheToolOutsideCI(t *testing.T) {
	t.Setenv("CI", "")
	argv, _ := CLI{Name: "docker"}.buildCommand(BuildOptions{Context: ".", Dockerfile: "build/Dockerfile", Tags: []string{"app:1"}}, true)
	want := []string{"docker", "buildx", "build", "--load", "--file", "build/Dockerfile", "--tag", "app:1", "."}
	if d := cmp.Diff(want, argv); d != "" {
		t.Errorf("argv (-want +got):\n%s", d)
	}
}

func TestBuildOptionsCheck_NamesTheMissingPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		o    BuildOptions
		want string
	}{
		{BuildOptions{Context: dir + "/nope", Tags: []string{"a:1"}}, "build context " + dir + "/nope: stat " + dir + "/nope: no such file or directory"},
		{BuildOptions{Context: dir, Tags: []string{"a:1"}}, "dockerfile " + dir + "/Dockerfile: stat " + dir + "/Dockerfile: no such file or directory"},
		{BuildOptions{Context: dir, Dockerfile: dir, Tags: []string{"a:1"}}, "dockerfile " + dir + " is a folder, not a file"},
	}
	for _, tt := range tests {
		err := tt.o.Check()
		if err == nil || err.Error() != tt.want {
			t.Errorf("Check(%+v) = %v, want %q", tt.o, err, tt.want)
		}
	}
}
