package gitrev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Errors [Tag] wraps, for callers that say what to do about them.
var (
	// ErrNoGit means git is not on PATH.
	ErrNoGit = errors.New("git is not installed")
	// ErrNotRepository means the folder is not in a git work tree.
	ErrNotRepository = errors.New("not in a git work tree")
	// ErrNoCommit means the repository has no commit yet.
	ErrNoCommit = errors.New("no commit yet")
)

// timeout bounds each git command.
const timeout = 30 * time.Second

// Tag returns the short SHA of the commit checked out in dir (detached or
// not), with -dirty when the work tree differs from it: a tracked file
// changed, staged or not, an untracked file that is not ignored, or a
// submodule that has another commit checked out. Edits inside a
// submodule's own work tree are not looked at: that would run git in the
// submodule, under its own configuration.
//
// Git runs with the repository's command hooks off: core.fsmonitor=false,
// core.hooksPath=/dev/null, and every filter driver the repository's
// config defines (filter.NAME.clean, .smudge, .process) set empty, so
// that nothing runs but git itself. Filters from the system and the
// user's global config are kept. It also runs with --no-pager,
// --no-optional-locks, GIT_PAGER=cat and LC_ALL=C. safe.directory is left
// as git applies it: a repository another user owns is refused, unless
// the system or global config says otherwise.
//
// # Error handling
//
// The error wraps [ErrNoGit], [ErrNotRepository] or [ErrNoCommit] when
// those are the cause; otherwise it names the git command that failed and
// what git said.
func Tag(ctx context.Context, dir string) (string, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return "", ErrNoGit
	}
	run := func(overrides []string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		full := append([]string{"--no-pager", "--no-optional-locks"}, overrides...)
		cmd := exec.CommandContext(ctx, git, append(full, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_PAGER=cat", "PAGER=cat", "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return stdout.String(), nil
	}
	overrides := []string{"-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"}
	sha, err := run(overrides, "rev-parse", "--short", "HEAD")
	switch {
	case err != nil && strings.Contains(err.Error(), "not a git repository"):
		return "", fmt.Errorf("%s is %w", dir, ErrNotRepository)
	case err != nil && (strings.Contains(err.Error(), "unknown revision") || strings.Contains(err.Error(), "Needed a single revision")):
		return "", fmt.Errorf("the git repository at %s has %w", dir, ErrNoCommit)
	case err != nil:
		return "", fmt.Errorf("git could not name the commit: %w", err)
	}
	names, err := run(overrides, "config", "--show-scope", "--null", "--name-only", "--get-regexp", `^filter\.`)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: no filter at all
		return "", fmt.Errorf("git could not list the repository's filters: %w", err)
	}
	overrides = append(overrides, filterOverrides(names)...)
	status, err := run(overrides, "status", "--porcelain", "--ignore-submodules=dirty")
	if err != nil {
		return "", fmt.Errorf("git status failed: %w", err)
	}
	tag := strings.TrimSpace(sha)
	if strings.TrimSpace(status) != "" {
		tag += "-dirty"
	}
	return tag, nil
}

// filterOverrides returns the -c options that empty every filter driver
// named in list, the output of `git config --show-scope --null
// --name-only` (scope and name, each ended by NUL), except drivers from
// the system and global config.
func filterOverrides(list string) []string {
	var out []string
	seen := map[string]bool{}
	f := strings.Split(list, "\x00")
	for i := 0; i+1 < len(f); i += 2 {
		scope, key := f[i], f[i+1]
		if scope == "system" || scope == "global" {
			continue
		}
		name, ok := strings.CutPrefix(key, "filter.")
		if i := strings.LastIndexByte(name, '.'); ok && i > 0 {
			name = name[:i]
		} else {
			continue
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		for _, v := range []string{"clean=", "smudge=", "process=", "required=false"} {
			out = append(out, "-c", "filter."+name+"."+v)
		}
	}
	return out
}
