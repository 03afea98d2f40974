package tokencache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/godax/godax/lib/dax/atomicfile"
	"github.com/godax/godax/lib/privdir"
)

// cacheVersion is bumped when [Entry]'s meaning changes; older files are
// then ignored and rewritten.
const cacheVersion = 2

// Key names a cache entry by what the caller configured, so that it can
// be looked up without any network call. Two runs with the same Key act
// as the same principal against the same registry: a role (Role) is the
// principal whatever access keys assumed it; without a role, Profile and
// Identity (e.g. a long-term access key id, never a secret) name it.
type Key struct {
	// Host is the registry host when it is known before the token
	// (ECR_REGISTRY or an account's standard host); "" otherwise.
	Host string `json:"host"`
	// Region is the region asked for the token.
	Region string `json:"region"`
	// Profile is the shared-config profile in use.
	Profile string `json:"profile"`
	// Role is the ARN (or name) of the assumed role, or "".
	Role string `json:"role"`
	// Identity is anything else that names the caller without a secret.
	Identity string `json:"identity"`
	// Endpoint is the API endpoint override, so an emulator and real AWS
	// never share an entry.
	Endpoint string `json:"endpoint"`
}

// ID returns the entry's file name stem: a hash of every field, each
// prefixed with its length so that no two keys hash the same bytes. It is
// not a hash of the key's JSON: a cached credential-helper get does little
// else, and building encoding/json's encoder for the type was about a
// fifth of that work.
func (k Key) ID() string {
	var b []byte
	for _, f := range [...]string{k.Host, k.Region, k.Profile, k.Role, k.Identity, k.Endpoint} {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Entry records one login.
type Entry struct {
	// Version is the cache format, see cacheVersion.
	Version int `json:"version"`
	// Key is the key the entry was stored under.
	Key Key `json:"key"`
	// Host is the registry host logged in to.
	Host string `json:"host"`
	// Region is the region that issued the token.
	Region string `json:"region"`
	// Principal is the caller's ARN at login, when known.
	Principal string `json:"principal,omitempty"`
	// RequestedAt is when the token was asked for.
	RequestedAt time.Time `json:"requestedAt"`
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time `json:"expiresAt"`
	// Credential is [Digest] of the user name and password logged in
	// with, so that a stale credential in the container CLI's config can
	// be told from the one this login stored; "" when unknown.
	Credential string `json:"credential,omitempty"`
	// Username is the token's user name, kept with Secret.
	Username string `json:"username,omitempty"`
	// Secret is the token itself, kept only by a credential helper,
	// which must hand it out; "" for logins made through the CLI.
	Secret string `json:"secret,omitempty"`
}

// RefreshAt is the token's half-life: from then on a new token is fetched.
func (e Entry) RefreshAt() time.Time {
	return e.RequestedAt.Add(e.ExpiresAt.Sub(e.RequestedAt) / 2)
}

// Fresh reports whether the entry may be used at now: before its half-life.
func (e Entry) Fresh(now time.Time) bool {
	return e.Version == cacheVersion && !now.Before(e.RequestedAt) && now.Before(e.RefreshAt())
}

// Expired reports whether the token is no longer valid at now.
func (e Entry) Expired(now time.Time) bool { return !now.Before(e.ExpiresAt) }

// Digest returns a hash of user and password: it tells two credentials
// apart without keeping either.
func Digest(user, password string) string {
	sum := sha256.Sum256([]byte("godax-ecr-credential\x00" + user + "\x00" + password))
	return hex.EncodeToString(sum[:16])
}

// Cache is a folder of login records, one JSON file per [Key]. A
// concurrent reader sees the old or the new record, never a torn one; a
// file that cannot be read as a record is treated as missing.
//
// The folder must be private to the current user, as [privdir] defines
// it: a cache in a folder another user could change is neither read nor
// written, and no folder or file is ever changed to make it private.
type Cache struct {
	// Dir is the folder; see [DefaultDir].
	Dir string
	// Variable names the setting Dir came from, in errors about the
	// folder. Default: ECR_CACHE_DIR.
	Variable string
}

// DirVariable is the setting that names the cache folder.
const DirVariable = "ECR_CACHE_DIR"

func (c Cache) variable() string {
	if c.Variable == "" {
		return DirVariable
	}
	return c.Variable
}

// DefaultDir returns the folder logins are cached in.
//
// # Environment
//
// ECR_CACHE_DIR names the folder. When it is unset, the folder is the user
// cache dir's godax/ecr, such as ~/.cache/godax/ecr on Linux
// ($XDG_CACHE_HOME is honoured). A shared folder such as /tmp gives a
// folder of the user's own inside it ([privdir.Pick]).
func DefaultDir() (string, error) {
	if d := os.Getenv(DirVariable); d != "" {
		return privdir.Pick(d), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("token cache folder: %w (set ECR_CACHE_DIR)", err)
	}
	return filepath.Join(d, "godax", "ecr"), nil
}

func (c Cache) path(k Key) string { return filepath.Join(c.Dir, k.ID()+".json") }

// Get returns the entry stored under k. A missing, unreadable, corrupt or
// foreign (different key or version) file gives ok false, as does a file
// that is a link or not the current user's, or a folder that is not
// private.
func (c Cache) Get(k Key) (e Entry, ok bool) {
	if c.Dir == "" || privdir.Check(c.variable(), c.Dir) != nil {
		return Entry{}, false
	}
	b, err := privdir.ReadFile(c.path(k))
	if err != nil {
		return Entry{}, false
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Version != cacheVersion || e.Key != k ||
		e.Host == "" || e.ExpiresAt.IsZero() || e.RequestedAt.IsZero() {
		return Entry{}, false
	}
	return e, true
}

// Put stores e under k atomically, replacing any older or corrupt file.
func (c Cache) Put(k Key, e Entry) error {
	if err := c.Prepare(); err != nil {
		return err
	}
	e.Version, e.Key = cacheVersion, k
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := atomicfile.WriteFile(c.path(k), b, 0o600); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// Remove drops the entry stored under k; a missing one is no error.
func (c Cache) Remove(k Key) error {
	if err := os.Remove(c.path(k)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// Entries returns every readable entry in the folder, in no set order;
// none when the folder is not private.
func (c Cache) Entries() []Entry {
	if privdir.Check(c.variable(), c.Dir) != nil {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(c.Dir, "*.json"))
	var out []Entry
	for _, f := range files {
		b, err := privdir.ReadFile(f)
		if err != nil {
			continue
		}
		var e Entry
		if json.Unmarshal(b, &e) == nil && e.Version == cacheVersion && e.Key.ID()+".json" == filepath.Base(f) {
			out = append(out, e)
		}
	}
	return out
}

// Prepare creates the cache folder with mode 0700 when it is missing,
// checks that it is private ([privdir.Make]: an existing folder is never
// changed, and one another user could change is refused), and checks that
// a file can be created in it. A caller that gets an error should go on
// without the cache.
func (c Cache) Prepare() error {
	if c.Dir == "" {
		return errors.New("token cache: no folder set")
	}
	if err := privdir.Make(c.variable(), c.Dir); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	f, err := os.CreateTemp(c.Dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// ErrLockHeld is wrapped by [Cache.Lock]'s error when another run held
// the lock until ctx was done.
var ErrLockHeld = privdir.ErrLockHeld

// Lock takes an exclusive lock on k's entry across processes (flock on
// Unix, LockFileEx on Windows), waiting until ctx is done. Concurrent runs
// then log in one at a time, and the ones that wait find the first one's
// entry. unlock releases it. The lock file is never opened through a link
// (see [privdir.OpenFile]).
//
// # Error handling
//
// When ctx ends first the error wraps [ErrLockHeld]; any other error
// means the folder is not private or the lock file could not be opened.
func (c Cache) Lock(ctx context.Context, k Key) (unlock func() error, err error) {
	if err := c.Prepare(); err != nil {
		return nil, err
	}
	path := filepath.Join(c.Dir, k.ID()+".lock")
	unlock, err = privdir.Lock(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("token cache lock %s: %w", path, err)
	}
	return unlock, nil
}
