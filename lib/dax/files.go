package dax

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/godax/godax/lib/dax/atomicfile"
)

// Dir returns the Shell's working directory as an absolute path: the one
// set with [WithDir], [Shell.Cd] or a command run with
// [Command.ExportEnv], or else the process's working directory as it is
// now. It returns "" only when the process's directory cannot be read
// (it was removed).
func (sh *Shell) Dir() string {
	sh.mu.RLock()
	dir := sh.dir
	sh.mu.RUnlock()
	if dir == "" {
		dir, _ = os.Getwd()
	}
	return dir
}

// Path returns p resolved against the Shell's working directory
// ([Shell.Dir]), as the Shell's commands and file helpers resolve it: p
// itself, cleaned, when it is absolute.
func (sh *Shell) Path(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(sh.Dir(), p)
}

// resolve returns p resolved by [Shell.Path], and fails for an empty p,
// which would otherwise name the working directory itself.
func (sh *Shell) resolve(op, p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("%s: empty path", op)
	}
	return sh.Path(p), nil
}

// ReadText returns the content of the file at path, relative to the
// Shell's working directory.
func (sh *Shell) ReadText(path string) (string, error) {
	abs, err := sh.resolve("read", path)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(abs)
	return string(b), err
}

// WriteText writes text to the file at path, relative to the Shell's
// working directory, atomically: readers see the old content or the new,
// never a part, and concurrent writers do not mix. An existing file keeps
// its permissions; a new one gets 0644. A symbolic link at path is
// written through, not replaced. The folder must exist. On failure the
// file is unchanged.
func (sh *Shell) WriteText(path, text string) error {
	abs, err := sh.resolve("write", path)
	if err != nil {
		return err
	}
	return writeAtomic(abs, []byte(text), 0o644)
}

// ReadJSON decodes the JSON in the file at path, relative to the Shell's
// working directory, into v.
func (sh *Shell) ReadJSON(path string, v any) error {
	abs, err := sh.resolve("read", path)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("read %s: decoding JSON: %w", abs, err)
	}
	return nil
}

// WriteJSON writes v as JSON, indented by two spaces and ending in a
// newline, to the file at path, relative to the Shell's working
// directory, atomically as [Shell.WriteText] does.
func (sh *Shell) WriteJSON(path string, v any) error {
	abs, err := sh.resolve("write", path)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: encoding JSON: %w", abs, err)
	}
	return writeAtomic(abs, append(b, '\n'), 0o644)
}

// Exists reports whether something (a file, a folder, what a symbolic
// link points to) is at path, relative to the Shell's working directory.
// A path that cannot be checked, for want of permission, counts as
// missing.
func (sh *Shell) Exists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(sh.Path(path))
	return err == nil
}

// Mkdir creates the folder path, relative to the Shell's working
// directory, with any missing parents, as mkdir -p does. An existing
// folder is no error.
func (sh *Shell) Mkdir(path string) error {
	abs, err := sh.resolve("mkdir", path)
	if err != nil {
		return err
	}
	return os.MkdirAll(abs, 0o755)
}

// Copy copies the file or folder (with everything in it) src to dst,
// both relative to the Shell's working directory, as cp -r does: when dst
// is an existing folder, the copy goes inside it, with src's name. Files
// keep their permissions and are written atomically, as by
// [Shell.WriteText]; symbolic links are copied as links.
func (sh *Shell) Copy(src, dst string) error {
	from, to, err := sh.srcDst("copy", src, dst)
	if err != nil {
		return err
	}
	if err := copyTree(from, to); err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}

// Move moves the file or folder src to dst, both relative to the Shell's
// working directory, as mv does: when dst is an existing folder, src goes
// inside it. An existing file at dst is replaced. Across file systems it
// copies, then removes src.
func (sh *Shell) Move(src, dst string) error {
	from, to, err := sh.srcDst("move", src, dst)
	if err != nil {
		return err
	}
	err = os.Rename(from, to)
	if errors.Is(err, syscall.EXDEV) {
		if err = copyTree(from, to); err == nil {
			err = os.RemoveAll(from)
		}
	}
	if err != nil {
		return fmt.Errorf("move %s to %s: %w", src, dst, err)
	}
	return nil
}

// srcDst resolves the paths of a copy or move: src must exist, and a dst
// that is a folder receives src under its own name.
func (sh *Shell) srcDst(op, src, dst string) (from, to string, err error) {
	if src == "" || dst == "" {
		return "", "", fmt.Errorf("%s %q to %q: empty path", op, src, dst)
	}
	from, to = sh.Path(src), sh.Path(dst)
	if _, err := os.Lstat(from); err != nil {
		return "", "", fmt.Errorf("%s %s to %s: %w", op, src, dst, err)
	}
	if fi, err := os.Stat(to); err == nil && fi.IsDir() {
		to = filepath.Join(to, filepath.Base(from))
	}
	if from == to {
		return "", "", fmt.Errorf("%s %s to %s: they are the same file", op, src, dst)
	}
	if rel, err := filepath.Rel(from, to); err == nil && filepath.IsLocal(rel) {
		return "", "", fmt.Errorf("%s %s to %s: cannot put a folder inside itself", op, src, dst)
	}
	return from, to, nil
}

// Remove removes the file or folder (with everything in it) at path,
// relative to the Shell's working directory, as rm -rf does: a missing
// path is no error. It refuses an empty path and a file system's root.
func (sh *Shell) Remove(path string) error {
	abs, err := sh.resolve("remove", path)
	if err != nil {
		return err
	}
	if filepath.Dir(abs) == abs {
		return fmt.Errorf("remove %s: refusing to remove a file system's root", path)
	}
	return os.RemoveAll(abs)
}

// Glob returns the paths that match pattern, relative to the Shell's
// working directory, sorted, as the shell expands an unquoted word:
// * and ? match within a name, ** (with the Shell's globstar option, on by
// default) any number of folders, [a-z] a class, {a,b} each of its
// alternatives, a leading ~ the home folder, and a backslash quotes the
// character after it. $ and backquotes are plain characters. Names
// starting with a dot match only a pattern that starts with a dot, unless
// the Shell's dotglob option is on. A relative pattern gives relative
// paths. Only paths that exist are returned: none is no error.
func (sh *Shell) Glob(pattern string) ([]string, error) {
	if pattern == "" {
		return nil, errors.New("glob: empty pattern")
	}
	dir, env := sh.snapshot()
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("glob %s: %w", pattern, err)
		}
	}
	cfg := &expand.Config{
		Env:      expand.ListEnviron(append(env, "PWD="+dir)...),
		ReadDir2: os.ReadDir,
		GlobStar: sh.shellOpts["globstar"],
		DotGlob:  sh.shellOpts["dotglob"],
		NullGlob: true,
	}
	word := &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: pattern}}}
	fields, err := expand.Fields(cfg, word)
	if err != nil {
		return nil, fmt.Errorf("glob %s: %w", pattern, err)
	}
	var matches []string
	for _, f := range fields {
		abs := f
		if !filepath.IsAbs(f) {
			abs = filepath.Join(dir, f)
		}
		if _, err := os.Lstat(abs); err == nil {
			matches = append(matches, f)
		}
	}
	slices.Sort(matches)
	return slices.Compact(matches), nil
}

// copyTree copies the file, link or folder from to the path to.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFileTo(path, target, info.Mode().Perm())
		}
		return fmt.Errorf("%s is neither a file, a folder nor a link", path)
	})
}

// copyFileTo copies the regular file from to the path to, atomically, with
// the permissions perm.
func copyFileTo(from, to string, perm fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close() // read only: a close error loses nothing
	return writeAtomicFrom(to, in, perm, true)
}

// writeAtomic writes data to path through a uniquely named temporary file
// in the same folder, synced before it is renamed over path. An existing
// file keeps its permissions; a new one gets perm.
func writeAtomic(path string, data []byte, perm fs.FileMode) error {
	return writeAtomicFrom(path, bytes.NewReader(data), perm, false)
}

// writeAtomicFrom writes what r holds to path (or to the file a symbolic
// link at path points to) through a uniquely named temporary file in the
// same folder, synced to disk before it is renamed over path; the folder
// is synced after, so the rename survives a crash.
// The file gets perm when forcePerm is set or path does not exist yet, and
// keeps its permissions otherwise. On failure path is unchanged and the
// temporary file is removed. Every error is checked, Close and Rename
// included.
func writeAtomicFrom(path string, r io.Reader, perm fs.FileMode, forcePerm bool) error {
	path = followLinks(path)
	if !forcePerm {
		if fi, err := os.Stat(path); err == nil {
			perm = fi.Mode().Perm()
		}
	}
	return atomicfile.WriteFrom(path, r, perm)
}

// followLinks returns the path a chain of symbolic links at path ends at,
// even when that does not exist yet, as os.WriteFile would write it; path
// itself when it is no link. It gives up after 40 links, as Linux does.
func followLinks(path string) string {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path
		}
		link, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return path
}

// ReadText is shorthand for [Shell.ReadText] on the default Shell, whose
// working directory is the process's.
func ReadText(path string) (string, error) { return defaultShell.ReadText(path) }

// WriteText is shorthand for [Shell.WriteText] on the default Shell: it
// writes text to the file at path atomically.
func WriteText(path, text string) error { return defaultShell.WriteText(path, text) }

// ReadJSON is shorthand for [Shell.ReadJSON] on the default Shell: it
// decodes the JSON in the file at path into v.
func ReadJSON(path string, v any) error { return defaultShell.ReadJSON(path, v) }

// WriteJSON is shorthand for [Shell.WriteJSON] on the default Shell: it
// writes v as indented JSON to the file at path atomically.
func WriteJSON(path string, v any) error { return defaultShell.WriteJSON(path, v) }

// Exists is shorthand for [Shell.Exists] on the default Shell: it reports
// whether something is at path.
func Exists(path string) bool { return defaultShell.Exists(path) }

// Mkdir is shorthand for [Shell.Mkdir] on the default Shell: it creates
// the folder path with any missing parents.
func Mkdir(path string) error { return defaultShell.Mkdir(path) }

// Copy is shorthand for [Shell.Copy] on the default Shell: it copies the
// file or folder src to dst, as cp -r does.
func Copy(src, dst string) error { return defaultShell.Copy(src, dst) }

// Move is shorthand for [Shell.Move] on the default Shell: it moves the
// file or folder src to dst, as mv does.
func Move(src, dst string) error { return defaultShell.Move(src, dst) }

// Remove is shorthand for [Shell.Remove] on the default Shell: it removes
// the file or folder at path, as rm -rf does.
func Remove(path string) error { return defaultShell.Remove(path) }

// Glob is shorthand for [Shell.Glob] on the default Shell: it returns the
// paths matching pattern.
func Glob(pattern string) ([]string, error) { return defaultShell.Glob(pattern) }
