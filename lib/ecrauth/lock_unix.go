//go:build unix

package ecrauth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockPoll is how often a waiting run retries a held lock. flock has no
// way to wait with a deadline, so the wait is a non-blocking try in a
// loop bounded by ctx.
const lockPoll = 20 * time.Millisecond

// lockFile takes an exclusive flock on path, creating it with mode 0600.
func lockFile(ctx context.Context, path string) (func() error, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("token cache lock: %w", err)
	}
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() error {
				uerr := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				return errors.Join(uerr, f.Close())
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			return nil, errors.Join(fmt.Errorf("token cache lock %s: %w", path, err), f.Close())
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(fmt.Errorf("token cache lock %s: still held by another run: %w", path, ctx.Err()), f.Close())
		case <-t.C:
		}
	}
}
