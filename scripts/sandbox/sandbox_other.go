//go:build !linux

package sandbox

import (
	"context"
	"time"
)

// Up fails with [ErrUnsupported]: the sandbox runs on Linux only.
func Up(ctx context.Context) (*State, error) { return nil, ErrUnsupported }

// Down fails with [ErrUnsupported]: the sandbox runs on Linux only.
func Down(ctx context.Context) error { return ErrUnsupported }

// Load fails with [ErrUnsupported]: the sandbox runs on Linux only.
func Load() (*State, error) { return nil, ErrUnsupported }

// CPUTime fails with [ErrUnsupported]: the sandbox runs on Linux only.
func (p Proc) CPUTime() (time.Duration, error) { return 0, ErrUnsupported }
