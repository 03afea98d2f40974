package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/godax/godax/lib/dax/atomicfile"
)

// Dir returns the folder where godax keeps its local state for the
// repository it runs in: the sandbox's processes and data, and the
// reference of the last pushed image. getenv is os.Getenv, or a run's own
// view of the environment.
//
// # Environment
//
// GODAX_STATE_DIR names the folder. When it is unset, the folder is
// .godax at the top of the repository the working directory is in (the
// nearest folder at or above it holding .git), else in the working
// directory itself. Nothing is run to find it.
func Dir(getenv func(string) string) (string, error) {
	if dir := getenv("GODAX_STATE_DIR"); dir != "" {
		return filepath.Abs(dir)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("state folder: %w (set GODAX_STATE_DIR)", err)
	}
	return filepath.Join(root, ".godax"), nil
}

// RepoRoot returns the top of the git work tree the working directory is
// in (the nearest folder at or above it that holds .git, a folder or a
// worktree's file), else the working directory. It reads the file system
// only, and runs no git.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd, nil
		}
		dir = parent
	}
}

// ignoreAll is the .gitignore a state folder holds: it ignores the folder
// itself, so git status stays clean and an image tag derived from the
// tree never turns -dirty because of godax.
const ignoreAll = "# Written by godax: its state folder is not part of the repository.\n*\n"

// Ensure makes the state folder dir when it is missing, with a .gitignore
// that ignores everything in it (as many tools' cache folders do), so
// that the state never shows in git status. A .gitignore already there is
// left as it is.
func Ensure(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state folder: %w", err)
	}
	ignore := filepath.Join(dir, ".gitignore")
	if _, err := os.Lstat(ignore); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := atomicfile.WriteFile(ignore, []byte(ignoreAll), 0o644); err != nil {
		return fmt.Errorf("state folder: %w", err)
	}
	return nil
}

// ModuleRoot returns the nearest folder at or above the working directory
// that holds a go.mod file: godax's own checkout, for the targets that
// build or test godax itself.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found at or above the working directory")
		}
		dir = parent
	}
}
