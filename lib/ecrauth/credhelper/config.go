package credhelper

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Registry is how to get a token for one registry host.
type Registry struct {
	// ECR is the ECR host the registry stands for, when the host Docker
	// asks about is an alias of it (a proxy, the sandbox's registry);
	// "" when the host is the ECR host itself.
	ECR string `json:"ecr,omitempty"`
	// Account is the registry's account; "" for the caller's. The ECR
	// host's account, when it names one, wins over this setting.
	Account string `json:"account,omitempty"`
	// Region is the region to ask for the token; "" for the profile's.
	// The ECR host's region, when it names one, wins over this setting:
	// a token opens only the registries of the region that issued it.
	Region string `json:"region,omitempty"`
	// Profile is the shared-config profile; "" for the default chain.
	Profile string `json:"profile,omitempty"`
	// Role is the role to assume: an ARN, or a name in Account; "" for
	// none.
	Role string `json:"role,omitempty"`
	// RoleSessionName names the role's session; "" for the default.
	RoleSessionName string `json:"roleSessionName,omitempty"`
	// RoleExternalID is passed to STS when set.
	RoleExternalID string `json:"roleExternalId,omitempty"`
	// RoleDuration is the session's length, such as "1h"; "" for 15m.
	RoleDuration string `json:"roleDuration,omitempty"`
}

// Config is the helper's config file: the registries it serves, by host.
//
//	{
//	  "registries": {
//	    "111122223333.dkr.ecr.eu-west-1.amazonaws.com": {"role": "arn:aws:iam::111122223333:role/pull"},
//	    "444455556666.dkr.ecr.us-east-1.amazonaws.com": {"profile": "prod", "region": "us-east-1"},
//	    "registry.example.com": {"ecr": "111122223333.dkr.ecr.eu-west-1.amazonaws.com", "profile": "ci"}
//	  }
//	}
type Config struct {
	// Registries maps a registry host (HOST or HOST:PORT) to its settings.
	Registries map[string]Registry `json:"registries"`
}

// ConfigPath returns the config file's path.
//
// # Environment
//
// ECR_HELPER_CONFIG names the file. When it is unset, the file is
// godax/ecr-helper.json under the user config dir, such as
// ~/.config/godax/ecr-helper.json on Linux ($XDG_CONFIG_HOME is honoured).
func ConfigPath() (string, error) {
	if p := os.Getenv("ECR_HELPER_CONFIG"); p != "" {
		return p, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config folder: %w (set ECR_HELPER_CONFIG)", err)
	}
	return filepath.Join(d, "godax", "ecr-helper.json"), nil
}

// ReadConfig reads the config file at path. A missing file is an empty
// config; one that is not valid JSON is an error naming it.
func ReadConfig(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s is not a valid helper config: %w", path, err)
	}
	normal := make(map[string]Registry, len(c.Registries))
	for host, r := range c.Registries {
		normal[TrimHost(host)] = r
	}
	c.Registries = normal
	return c, nil
}

// FromEnv returns the registry settings of the environment, read with
// getenv (os.Getenv in production): the variables ecrLogin reads.
func FromEnv(getenv func(string) string) Registry {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	r := Registry{Account: env("ECR_ACCOUNT"), Profile: env("AWS_PROFILE"), Role: env("ECR_ROLE"),
		RoleSessionName: env("ECR_ROLE_SESSION_NAME"), RoleExternalID: env("ECR_ROLE_EXTERNAL_ID"),
		RoleDuration: env("ECR_ROLE_DURATION"), Region: env("AWS_REGION")}
	if r.Region == "" {
		r.Region = env("AWS_DEFAULT_REGION")
	}
	return r
}

// Lookup returns the settings for host: the config file's entry when it
// has one; else the environment's, when host is ECR_REGISTRY or an ECR
// host ([ParseECRHost]). ok is false for any other host. The region and
// account are those of the ECR host the settings serve, when it names
// them (see [Request.Scope]).
func Lookup(cfg Config, getenv func(string) string, host string) (r Registry, ok bool) {
	host = TrimHost(host)
	r, ok = cfg.Registries[host]
	if !ok {
		r = FromEnv(getenv)
		alias := TrimHost(getenv("ECR_REGISTRY"))
		ok = (alias != "" && alias == host) || IsECRHost(host)
	}
	if !ok {
		return Registry{}, false
	}
	_, r.Account, r.Region, _ = Request{Host: host, Registry: r}.Scope()
	return r, true
}
