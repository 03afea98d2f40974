package container

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DockerConfig is the part of Docker's config.json that decides where a
// registry's credentials live. nerdctl and finch read the same file;
// podman reads its own auth.json in the same format first.
type DockerConfig struct {
	// Auths maps a registry host (or URL) to its stored credentials.
	Auths map[string]AuthEntry `json:"auths,omitempty"`
	// CredsStore names the default credential helper (docker-credential-NAME).
	CredsStore string `json:"credsStore,omitempty"`
	// CredHelpers maps a registry host to the credential helper for it.
	CredHelpers map[string]string `json:"credHelpers,omitempty"`
}

// AuthEntry is one registry's entry under "auths".
type AuthEntry struct {
	// Auth is base64("user:password"); empty when a helper holds them.
	Auth string `json:"auth,omitempty"`
	// IdentityToken is an OAuth refresh token, when the registry gave one.
	IdentityToken string `json:"identitytoken,omitempty"`
}

// DockerConfigDir returns the folder of Docker's config.json: $DOCKER_CONFIG,
// else ~/.docker.
func DockerConfigDir() (string, error) {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("docker config folder: %w (set DOCKER_CONFIG)", err)
	}
	return filepath.Join(home, ".docker"), nil
}

// ReadDockerConfig reads the config file at path. A missing file, or one
// that is empty or only white space, is an empty config, as Docker takes
// it; a file that is not valid JSON is an error naming it.
func ReadDockerConfig(path string) (DockerConfig, error) {
	var c DockerConfig
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read docker config: %w", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("docker config %s is not valid JSON: %w", path, err)
	}
	return c, nil
}

// Helper returns the credential helper Docker uses for host and the key
// that routes it there ("credHelpers" or "credsStore"), or "" when the
// credentials live in the file itself.
func (c DockerConfig) Helper(host string) (helper, via string) {
	for h, name := range c.CredHelpers {
		if bareHost(h) == host && name != "" {
			return name, "credHelpers"
		}
	}
	if c.CredsStore != "" {
		return c.CredsStore, "credsStore"
	}
	return "", ""
}

// HasCredentials reports whether the config holds credentials for host:
// an "auths" entry with a value, or, when a credential store is set, any
// "auths" entry (Docker then leaves it empty and keeps the secret in the
// store).
func (c DockerConfig) HasCredentials(host string) bool {
	for h, a := range c.Auths {
		if bareHost(h) != host {
			continue
		}
		if a.Auth != "" || a.IdentityToken != "" {
			return true
		}
		if helper, _ := c.Helper(host); helper != "" {
			return true
		}
	}
	return false
}

// bareHost strips a scheme and a path from a config key.
func bareHost(key string) string {
	if i := strings.Index(key, "://"); i >= 0 {
		key = key[i+3:]
	}
	if i := strings.IndexByte(key, '/'); i >= 0 {
		key = key[:i]
	}
	return strings.ToLower(key)
}

// ConfigPaths returns the files the CLI reads registry credentials from,
// in the order it reads them: for podman $REGISTRY_AUTH_FILE (or
// $XDG_RUNTIME_DIR/containers/auth.json) and then Docker's; for docker,
// nerdctl and finch Docker's config.json.
func (c CLI) ConfigPaths() ([]string, error) {
	dir, err := DockerConfigDir()
	if err != nil {
		return nil, err
	}
	docker := filepath.Join(dir, "config.json")
	if c.Name != "podman" {
		return []string{docker}, nil
	}
	if f := os.Getenv("REGISTRY_AUTH_FILE"); f != "" {
		return []string{f, docker}, nil
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return []string{filepath.Join(d, "containers", "auth.json"), docker}, nil
	}
	return []string{docker}, nil
}

// CredentialHelper returns why a login to host is not needed: a
// credential helper in the CLI's config routes the host (credHelpers), or
// the default store is ecr-login, which refuses `login` ("not
// implemented") and fetches tokens itself. It returns "" when a login is
// needed.
func (c CLI) CredentialHelper(host string) (string, error) {
	paths, err := c.ConfigPaths()
	if err != nil {
		return "", err
	}
	for _, p := range paths {
		cfg, err := ReadDockerConfig(p)
		if err != nil {
			return "", err
		}
		helper, via := cfg.Helper(host)
		if via == "credHelpers" || helper == "ecr-login" {
			return fmt.Sprintf("%s routes %s to docker-credential-%s (%s)", p, host, helper, via), nil
		}
	}
	return "", nil
}

// HasCredentials reports whether any of the CLI's config files holds
// credentials for host (see [DockerConfig.HasCredentials]).
func (c CLI) HasCredentials(host string) (bool, error) {
	paths, err := c.ConfigPaths()
	if err != nil {
		return false, err
	}
	for _, p := range paths {
		cfg, err := ReadDockerConfig(p)
		if err != nil {
			return false, err
		}
		if cfg.HasCredentials(host) {
			return true, nil
		}
	}
	return false, nil
}
