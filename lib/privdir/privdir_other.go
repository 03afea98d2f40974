//go:build !unix

package privdir

import (
	"fmt"
	"io/fs"
	"os"
)

// Check returns nil when dir is a folder. Windows keeps ownership in
// ACLs, which Check does not read; a missing folder gives an error
// wrapping [fs.ErrNotExist].
func Check(variable, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", variable, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: %s is not a folder", variable, dir)
	}
	return nil
}

// Make creates dir and any missing folder above it, then checks it as
// [Check] does. It never changes a folder that already exists.
func Make(variable, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("%s: %w", variable, err)
	}
	return Check(variable, dir)
}

// OpenFile opens path with flag and perm as [os.OpenFile] does, and fails
// unless it is a regular file.
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag, perm)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("open %s: not a regular file: leaving it alone", path)
	}
	return f, nil
}
