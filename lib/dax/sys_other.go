//go:build !linux

package dax

import (
	"os"
)

// newPipe returns a pipe.
func newPipe() (r, w *os.File, err error) { return os.Pipe() }
