package sandbox

import (
	"encoding/json"
	"fmt"
	"path/filepath"
)

// registryConfig returns docker-registry's config.yml for st: storage under
// st.Dir, loopback listener on st.Registry.Port, htpasswd auth. It is
// written as JSON, which the registry's YAML parser reads as well, so no
// path needs YAML quoting.
func (s *State) registryConfig() ([]byte, error) {
	type object = map[string]any
	cfg := object{
		"version": "0.1",
		"log":     object{"level": "info", "accesslog": object{"disabled": true}},
		"storage": object{
			"filesystem": object{"rootdirectory": filepath.Join(s.Dir, "registry", "data")},
			"delete":     object{"enabled": true},
		},
		"http": object{"addr": s.RegistryHost()},
		"auth": object{"htpasswd": object{
			"realm": "godax-sandbox",
			"path":  s.htpasswdFile(),
		}},
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode registry config: %w", err)
	}
	return append(data, '\n'), nil
}

func (s *State) registryConfigFile() string { return filepath.Join(s.Dir, "registry", "config.yml") }
func (s *State) htpasswdFile() string       { return filepath.Join(s.Dir, "registry", "htpasswd") }

// dockerdArgs returns the private dockerd's command line: no iptables, no
// bridge, vfs storage, its own data and exec roots, pid file, config file
// and socket, so it shares nothing with a system dockerd.
func (s *State) dockerdArgs() []string {
	dockerDir := filepath.Join(s.Dir, "docker")
	return []string{
		"dockerd",
		"--iptables=false",
		"--ip6tables=false",
		"--bridge=none",
		"--storage-driver=vfs",
		"--data-root", filepath.Join(dockerDir, "data"),
		"--exec-root", s.execRoot(),
		"--pidfile", filepath.Join(dockerDir, "dockerd.pid"),
		"--config-file", s.daemonConfigFile(),
		"-H", s.DockerHost(),
	}
}

func (s *State) execRoot() string         { return filepath.Join(s.RunDir, "exec") }
func (s *State) daemonConfigFile() string { return filepath.Join(s.Dir, "docker", "daemon.json") }

// motoArgs returns moto_server's command line, listening on 127.0.0.1 only.
func (s *State) motoArgs() []string {
	return []string{"moto_server", "-H", "127.0.0.1", "-p", fmt.Sprint(s.Moto.Port)}
}

// motoEnv is added to moto's environment: ECS services report one running
// task, so the services-stable waiter finishes.
var motoEnv = []string{"MOTO_ECS_SERVICE_RUNNING=1"}

// registryArgs returns docker-registry's command line.
func (s *State) registryArgs() []string {
	return []string{"docker-registry", "serve", s.registryConfigFile()}
}
