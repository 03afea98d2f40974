package container_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/container"
)

const host = "111122223333.dkr.ecr.us-east-1.amazonaws.com"

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadDockerConfig_TreatsAMissingFileAsEmpty(t *testing.T) {
	t.Parallel()
	cfg, err := container.ReadDockerConfig(filepath.Join(t.TempDir(), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(container.DockerConfig{}, cfg); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadDockerConfig_NamesAFileThatIsNotJSON(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "{not json")
	_, err := container.ReadDockerConfig(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want one naming %s", err, path)
	}
}

func TestDockerConfig_HelperFollowsDockersOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		cfg             container.DockerConfig
		helper, viaWant string
	}{
		{"nothing", container.DockerConfig{}, "", ""},
		{"credHelpers for the host", container.DockerConfig{CredHelpers: map[string]string{host: "ecr-login"}}, "ecr-login", "credHelpers"},
		{"credHelpers under a URL key", container.DockerConfig{CredHelpers: map[string]string{"https://" + host: "ecr-login"}}, "ecr-login", "credHelpers"},
		{"credHelpers for another host", container.DockerConfig{CredHelpers: map[string]string{"other.io": "gcloud"}}, "", ""},
		{"credHelpers wins over credsStore", container.DockerConfig{CredsStore: "desktop", CredHelpers: map[string]string{host: "ecr-login"}}, "ecr-login", "credHelpers"},
		{"credsStore", container.DockerConfig{CredsStore: "ecr-login"}, "ecr-login", "credsStore"},
	}
	for _, tt := range tests {
		helper, via := tt.cfg.Helper(host)
		if helper != tt.helper || via != tt.viaWant {
			t.Errorf("%s: Helper = %q, %q; want %q, %q", tt.name, helper, via, tt.helper, tt.viaWant)
		}
	}
}

func TestDockerConfig_HasCredentialsOnlyForAStoredHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  container.DockerConfig
		want bool
	}{
		{"no auths", container.DockerConfig{}, false},
		{"auth for the host", container.DockerConfig{Auths: map[string]container.AuthEntry{host: {Auth: "QVdTOng="}}}, true},
		{"auth under a URL key", container.DockerConfig{Auths: map[string]container.AuthEntry{"https://" + host: {Auth: "QVdTOng="}}}, true},
		{"identity token", container.DockerConfig{Auths: map[string]container.AuthEntry{host: {IdentityToken: "t"}}}, true},
		{"empty entry, no store (after logout)", container.DockerConfig{Auths: map[string]container.AuthEntry{host: {}}}, false},
		{"empty entry kept by a store", container.DockerConfig{CredsStore: "pass", Auths: map[string]container.AuthEntry{host: {}}}, true},
		{"another host", container.DockerConfig{Auths: map[string]container.AuthEntry{"other.io": {Auth: "QVdTOng="}}}, false},
	}
	for _, tt := range tests {
		if got := tt.cfg.HasCredentials(host); got != tt.want {
			t.Errorf("%s: HasCredentials = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The tests below read DOCKER_CONFIG, so they cannot run in parallel.

func TestCLI_CredentialHelperSaysWhyNoLoginIsNeeded(t *testing.T) {
	tests := []struct {
		body string
		want string // substring of the reason; "" for none
	}{
		{`{}`, ""},
		{`{"credsStore":"desktop"}`, ""},
		{`{"credsStore":"ecr-login"}`, "docker-credential-ecr-login (credsStore)"},
		{`{"credHelpers":{"` + host + `":"ecr-login"}}`, "docker-credential-ecr-login (credHelpers)"},
		{`{"credHelpers":{"` + host + `":"pass"}}`, "docker-credential-pass (credHelpers)"},
	}
	for _, tt := range tests {
		path := writeConfig(t, tt.body)
		t.Setenv("DOCKER_CONFIG", filepath.Dir(path))
		got, err := container.CLI{Name: "docker"}.CredentialHelper(host)
		if err != nil {
			t.Fatal(err)
		}
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: reason %q, want one containing %q", tt.body, got, tt.want)
		}
	}
}

func TestCLI_HasCredentialsReadsPodmansAuthFileFirst(t *testing.T) {
	docker := writeConfig(t, `{}`)
	t.Setenv("DOCKER_CONFIG", filepath.Dir(docker))
	podman := writeConfig(t, `{"auths":{"`+host+`":{"auth":"QVdTOng="}}}`)
	t.Setenv("REGISTRY_AUTH_FILE", podman)
	for name, want := range map[string]bool{"podman": true, "docker": false, "nerdctl": false} {
		got, err := container.CLI{Name: name}.HasCredentials(host)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: HasCredentials = %v, want %v", name, got, want)
		}
	}
}

func TestReadDockerConfig_TakesAnEmptyFileAsAnEmptyConfigAsDockerDoes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "\n", "  \n\t"} {
		cfg, err := container.ReadDockerConfig(writeConfig(t, body))
		if err != nil {
			t.Errorf("config %q: %v", body, err)
			continue
		}
		if diff := cmp.Diff(container.DockerConfig{}, cfg); diff != "" {
			t.Errorf("config %q (-want +got):\n%s", body, diff)
		}
	}
}
