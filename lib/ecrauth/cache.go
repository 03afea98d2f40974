package ecrauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// cacheVersion is bumped when [Entry]'s meaning changes; older files are
// then ignored and rewritten.
const cacheVersion = 1

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
	// Role is the ARN of the assumed role, or "".
	Role string `json:"role"`
	// Identity is anything else that names the caller without a secret.
	Identity string `json:"identity"`
	// Endpoint is the API endpoint override, so an emulator and real AWS
	// never share an entry.
	Endpoint string `json:"endpoint"`
}

// ID returns the entry's file name stem: a hash of every field.
func (k Key) ID() string {
	b, _ := json.Marshal(k) // a struct of strings always encodes
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Entry records one login: no secret is stored, only where, as whom and
// until when. The credentials themselves stay in the container CLI's
// config, which [Entry.Fresh] callers check separately.
type Entry struct {
	// Version is the cache format, see cacheVersion.
	Version int `json:"version"`
	// Key is the key the entry was stored under.
	Key Key `json:"key"`
	// Host is the registry host logged in to.
	Host string `json:"host"`
	// Region is the region that issued the token.
	Region string `json:"region"`
	// Principal is the caller's ARN at login: an assumed role's session
	// ARN, or what sts GetCallerIdentity answered.
	Principal string `json:"principal"`
	// RequestedAt is when the token was asked for.
	RequestedAt time.Time `json:"requestedAt"`
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time `json:"expiresAt"`
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

// Cache is a folder of login records, one JSON file per [Key]. Files are
// written atomically (temp file, then rename) with mode 0600 in a 0700
// folder, so a concurrent reader sees the old or the new record, never a
// torn one; a file that cannot be read as a record is treated as missing.
type Cache struct {
	// Dir is the folder; see [DefaultCacheDir].
	Dir string
}

// DefaultCacheDir returns the user cache dir's godax/ecr folder, such as
// ~/.cache/godax/ecr on Linux ($XDG_CACHE_HOME is honoured).
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("token cache folder: %w", err)
	}
	return filepath.Join(d, "godax", "ecr"), nil
}

func (c Cache) path(k Key) string { return filepath.Join(c.Dir, k.ID()+".json") }

// Get returns the entry stored under k. A missing, unreadable, corrupt or
// foreign (different key or version) file gives ok false.
func (c Cache) Get(k Key) (e Entry, ok bool) {
	b, err := os.ReadFile(c.path(k))
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
	if err := c.mkdir(); err != nil {
		return err
	}
	e.Version, e.Key = cacheVersion, k
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	f, err := os.CreateTemp(c.Dir, ".entry-*")
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o600)
	}
	if werr == nil {
		werr = os.Rename(tmp, c.path(k))
	}
	if werr != nil {
		_ = os.Remove(tmp) // best effort: the write already failed
		return fmt.Errorf("token cache: write %s: %w", c.path(k), werr)
	}
	return nil
}

// mkdir creates the cache folder with mode 0700, tightening it if needed.
func (c Cache) mkdir() error {
	if c.Dir == "" {
		return errors.New("token cache: no folder set")
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := os.Chmod(c.Dir, 0o700); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// Lock takes an exclusive lock on k's entry across processes, waiting
// until ctx is done. Concurrent runs then log in one at a time, and the
// ones that wait find the first one's entry. unlock releases it.
func (c Cache) Lock(ctx context.Context, k Key) (unlock func() error, err error) {
	if err := c.mkdir(); err != nil {
		return nil, err
	}
	return lockFile(ctx, filepath.Join(c.Dir, k.ID()+".lock"))
}
