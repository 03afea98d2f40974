package dax

import (
	"fmt"
	"os"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
)

// Cd changes the working directory the Shell's commands start in, as `cd`
// does in a script. A relative dir is taken from the Shell's current
// directory. It fails, changing nothing, when dir is not a directory.
func (sh *Shell) Cd(dir string) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	abs, err := checkDir(dir, sh.dir)
	if err != nil {
		return fmt.Errorf("cd: %w", err)
	}
	sh.dir = abs
	return nil
}

// SetEnv sets the variable key to value in the environment the Shell's
// commands start with, as `export KEY=VALUE` does in a script. A Shell
// using the process environment takes a copy of it first; the process
// environment itself is left alone. key must be a non-empty name without
// "=" or a NUL byte.
func (sh *Shell) SetEnv(key, value string) error {
	if key == "" || strings.ContainsAny(key, "=\x00") || strings.ContainsRune(value, 0) {
		return fmt.Errorf("setenv %q: a variable name must be non-empty without = or NUL, and its value without NUL", key)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.env == nil {
		sh.env = envMap(os.Environ())
	}
	sh.env[key] = value
	return nil
}

// ExportEnv returns a copy of c that, when it succeeds, leaves its working
// directory and exported variables to its Shell, as dax's exportEnv does:
// after `cd build && export STAGE=prod`, later commands of the Shell start
// in build with STAGE set, and variables the command unset are gone. A
// command that is a single pipeline exports nothing, since each of its
// stages runs in a subshell, as in bash.
func (c Command) ExportEnv() Command {
	c.exportEnv = true
	return c
}

// snapshot returns the working directory ("" for the process's) and the
// environment a command starts with.
func (sh *Shell) snapshot() (dir string, env []string) {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if sh.env == nil {
		return sh.dir, os.Environ()
	}
	env = make([]string, 0, len(sh.env)+8)
	for k, v := range sh.env {
		env = append(env, k+"="+v)
	}
	return sh.dir, env
}

// export makes the final directory and exported variables of r the
// Shell's.
func (sh *Shell) export(r *interp.Runner) {
	env := make(map[string]string, len(r.Vars))
	for name, vr := range r.Vars {
		if vr.Exported && vr.IsSet() && vr.Kind == expand.String {
			env[name] = vr.String()
		}
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.env, sh.dir = env, r.Dir
}

// envMap turns KEY=VALUE entries into a map; later entries win.
func envMap(list []string) map[string]string {
	m := make(map[string]string, len(list))
	for _, kv := range list {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}
