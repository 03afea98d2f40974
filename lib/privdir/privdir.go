package privdir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// UnsafeError is the error of [Check] and [Make] for a folder that breaks
// the package's rule: one line naming the setting, the folder, what was
// found and what is expected.
type UnsafeError struct {
	// Variable is the setting that names the folder, such as ECR_CACHE_DIR.
	Variable string
	// Dir is the folder asked for.
	Dir string
	// Found says what breaks the rule, with the owner and mode found.
	Found string
	// Want says what the rule expects.
	Want string
}

func (e *UnsafeError) Error() string {
	return fmt.Sprintf("%s: refusing %s: %s; want %s", e.Variable, e.Dir, e.Found, e.Want)
}

// SharedPrefix starts the name of the folder [Pick] chooses inside a
// shared folder; the user id follows.
const SharedPrefix = "godax-"

// Pick returns the folder to keep private files in when a setting names
// path: path itself, or, when path is a shared folder (a world-writable
// folder with the sticky bit, such as /tmp), path/godax-<uid>, a folder
// of the current user's own inside it. Pick creates nothing; [Make] and
// [Check] take its result.
func Pick(path string) string {
	if path == "" {
		return path
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() && shared(fi.Mode()) {
		return filepath.Join(path, SharedPrefix+strconv.Itoa(os.Geteuid()))
	}
	return path
}

// shared reports whether a folder of mode m is one anyone may add to but
// only an entry's owner may rename: world-writable and sticky.
func shared(m fs.FileMode) bool { return m&0o002 != 0 && m&fs.ModeSticky != 0 }

// ReadFile reads the file at path as [OpenFile] opens it for reading: never
// through a link, and only when it is a regular file of the current user.
func ReadFile(path string) ([]byte, error) {
	f, err := OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// lockRetry is how often [Lock] retries a lock another process holds.
const lockRetry = 20 * time.Millisecond

// ErrLockHeld is wrapped by [Lock]'s error when another process held the
// lock until the context was done.
var ErrLockHeld = errors.New("held by another run")
