//go:build unix

package privdir

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// Lock takes flock's exclusive lock on path, created with mode 0600
// if missing and never opened through a link, retrying every [lockRetry]
// until ctx is done; then the error wraps [ErrLockHeld]. Closing the file
// releases the lock.
func Lock(ctx context.Context, path string) (unlock func() error, err error) {
	f, err := OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	t := time.NewTimer(lockRetry)
	defer t.Stop()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f.Close, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.Join(err, f.Close())
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(ErrLockHeld, f.Close())
		case <-t.C:
			t.Reset(lockRetry)
		}
	}
}
