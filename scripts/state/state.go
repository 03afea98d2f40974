package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Dir returns the folder where godax keeps its local state: the
// sandbox's processes and data, and the reference of the last pushed image.
//
// # Environment
//
// GODAX_STATE_DIR names the folder. When it is unset, the folder is .godax
// at the root of the module (the folder holding go.mod), found by walking up
// from the working directory.
func Dir() (string, error) {
	if dir := os.Getenv("GODAX_STATE_DIR"); dir != "" {
		return filepath.Abs(dir)
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("state folder: %w (set GODAX_STATE_DIR)", err)
	}
	return filepath.Join(root, ".godax"), nil
}

// ModuleRoot returns the nearest folder at or above the working directory
// that holds a go.mod file.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found at or above the working directory")
		}
		dir = parent
	}
}
