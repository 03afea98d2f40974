//go:build !unix

package privdir

import (
	"context"

	"github.com/gofrs/flock"
)

// Lock takes an exclusive lock on path (LockFileEx on Windows),
// created with mode 0600 if missing, retrying every [lockRetry] until ctx
// is done; then the error wraps [ErrLockHeld].
func Lock(ctx context.Context, path string) (unlock func() error, err error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, lockRetry)
	if ok {
		return l.Unlock, nil
	}
	_ = l.Close() // never locked: this only closes the file
	if ctx.Err() != nil {
		return nil, ErrLockHeld
	}
	return nil, err
}
