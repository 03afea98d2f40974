//go:build unix

package privdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxLinks bounds the links followed on one path, as the kernel's ELOOP does.
const maxLinks = 40

// Check returns nil when dir is a private folder of the current user (see
// the package doc for the rule), and an [*UnsafeError] naming variable
// when it breaks the rule. A missing folder gives an error wrapping
// [fs.ErrNotExist]. Check changes nothing.
func Check(variable, dir string) error {
	_, err := walk(variable, dir, false)
	return err
}

// Make creates dir with mode 0700 when it is missing, and any missing
// folder above it likewise, then checks it as [Check] does. It never
// changes a folder that already exists: one that breaks the rule is
// refused, not repaired.
func Make(variable, dir string) error {
	_, err := walk(variable, dir, true)
	return err
}

// OpenFile opens path with flag and perm as [os.OpenFile] does, but never
// through a link in its last element (O_NOFOLLOW), and only when what it
// opened is a regular file owned by the current user; otherwise it closes
// it and fails. path should lie in a folder [Check] accepts, which keeps
// links out of the rest of the path.
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW, perm)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("open %s: it is a link, which is never followed here", path)
	}
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkFile(path, fi)
	}
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return f, nil
}

// checkFile fails unless fi is a regular file owned by the current user.
func checkFile(path string, fi fs.FileInfo) error {
	uid, ok := owner(fi)
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("open %s: not a regular file (%v): leaving it alone", path, fi.Mode().Type())
	case !ok || uid != os.Geteuid():
		return fmt.Errorf("open %s: owned by uid %d, not by uid %d: leaving it alone", path, uid, os.Geteuid())
	}
	return nil
}

// walk resolves path one element at a time, as the kernel does, and checks
// every folder it looks a name up in, every link it follows and the folder
// it ends at, creating missing folders with mode 0700 when create is set.
// It returns the resolved folder.
func walk(variable, path string, create bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", variable, err)
	}
	unsafe := func(found, want string) error {
		return &UnsafeError{Variable: variable, Dir: abs, Found: found, Want: want}
	}
	uid := os.Geteuid()
	cur := "/"
	info, err := os.Lstat(cur)
	if err != nil {
		return "", fmt.Errorf("%s: %w", variable, err)
	}
	rest := strings.Split(abs, "/")
	links := 0
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			if info, err = os.Lstat(cur); err != nil {
				return "", fmt.Errorf("%s: %w", variable, err)
			}
			continue
		}
		if o, ok := owner(info); !ok || (o != 0 && o != uid) || (info.Mode()&0o022 != 0 && info.Mode()&fs.ModeSticky == 0) {
			return "", unsafe(fmt.Sprintf("%s on its path is owned by uid %d with mode %s", cur, o, mode(info)),
				fmt.Sprintf("every folder on the path owned by root or uid %d, and not writable by group or others unless sticky", uid))
		}
		next := filepath.Join(cur, name)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) && create {
			if err = os.Mkdir(next, 0o700); err == nil || errors.Is(err, fs.ErrExist) {
				fi, err = os.Lstat(next)
			}
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", variable, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if o, ok := owner(fi); !ok || (o != 0 && o != uid) {
				return "", unsafe(fmt.Sprintf("the link %s on its path is owned by uid %d", next, o),
					fmt.Sprintf("links on the path owned by root or uid %d", uid))
			}
			if links++; links > maxLinks {
				return "", fmt.Errorf("%s: %s: %w", variable, abs, syscall.ELOOP)
			}
			target, err := os.Readlink(next)
			if err != nil {
				return "", fmt.Errorf("%s: %w", variable, err)
			}
			if filepath.IsAbs(target) {
				cur = "/"
				if info, err = os.Lstat(cur); err != nil {
					return "", fmt.Errorf("%s: %w", variable, err)
				}
			}
			rest = append(strings.Split(target, "/"), rest...)
			continue
		}
		if !fi.IsDir() {
			return "", fmt.Errorf("%s: %s is not a folder", variable, next)
		}
		cur, info = next, fi
	}
	if o, ok := owner(info); !ok || o != uid || info.Mode()&0o022 != 0 {
		what := cur
		if cur == abs {
			what = "it"
		}
		return "", unsafe(fmt.Sprintf("%s is owned by uid %d with mode %s", what, o, mode(info)),
			fmt.Sprintf("a folder owned by uid %d that group and others cannot write (no existing folder is changed to fit)", uid))
	}
	return cur, nil
}

// owner returns the user id that owns fi's file.
func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, false
	}
	return int(st.Uid), true
}

// mode formats fi's permission bits, and the sticky bit, in octal.
func mode(fi fs.FileInfo) string {
	m := uint32(fi.Mode().Perm())
	if fi.Mode()&fs.ModeSticky != 0 {
		m |= 0o1000
	}
	return "0" + strconv.FormatUint(uint64(m), 8)
}
