package tokencache_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/ecrauth/tokencache"
)

var key = tokencache.Key{Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com", Region: "us-east-1",
	Role: "arn:aws:iam::111122223333:role/r", Endpoint: "AWS_ENDPOINT_URL=http://127.0.0.1:1"}

func entry() tokencache.Entry {
	return tokencache.Entry{Host: key.Host, Region: "us-east-1", Principal: "arn:aws:sts::111122223333:assumed-role/r/s",
		RequestedAt: requested, ExpiresAt: requested.Add(12 * time.Hour)}
}

func TestCache_StoresEntriesPrivatelyAndReadsThemBack(t *testing.T) {
	t.Parallel()
	c := tokencache.Cache{Dir: filepath.Join(t.TempDir(), "godax", "ecr")}
	if _, ok := c.Get(key); ok {
		t.Fatal("hit in an empty cache")
	}
	if err := c.Put(key, entry()); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(key)
	if !ok {
		t.Fatal("miss after Put")
	}
	want := entry()
	want.Version, want.Key = 2, key
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	dir, err := os.Stat(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", dir.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(c.Dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v, want one entry", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	other := key
	other.Role = "arn:aws:iam::111122223333:role/other"
	if _, ok := c.Get(other); ok {
		t.Error("another principal's key hit this entry")
	}
}

func TestCache_UsesAnExistingFolderOfItsOwnWithoutChangingIt(t *testing.T) {
	t.Parallel()
	c := tokencache.Cache{Dir: t.TempDir()}
	if err := os.Chmod(c.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Put(key, entry()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("folder mode %v, want 0755 as it was", fi.Mode().Perm())
	}
	if _, ok := c.Get(key); !ok {
		t.Error("miss after Put")
	}
}

func TestCache_IgnoresACorruptFileAndRewritesIt(t *testing.T) {
	t.Parallel()
	c := tokencache.Cache{Dir: t.TempDir()}
	path := filepath.Join(c.Dir, key.ID()+".json")
	for _, junk := range []string{"", "{", "null", `{"version":2}`, `{"version":99,"host":"h"}`, "\x00\x01"} {
		if err := os.WriteFile(path, []byte(junk), 0o600); err != nil {
			t.Fatal(err)
		}
		if e, ok := c.Get(key); ok {
			t.Errorf("corrupt file %q gave a hit: %+v", junk, e)
		}
	}
	if err := c.Put(key, entry()); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key); !ok {
		t.Error("miss after rewriting a corrupt file")
	}
}

func TestEntry_IsFreshUntilHalfItsLife(t *testing.T) {
	t.Parallel()
	e := entry()
	e.Version = 2
	tests := []struct {
		at             time.Duration
		fresh, expired bool
	}{
		{-time.Minute, false, false}, // clock went back: don't trust it
		{0, true, false},
		{5*time.Hour + 59*time.Minute, true, false},
		{6 * time.Hour, false, false},
		{11*time.Hour + 59*time.Minute, false, false},
		{12 * time.Hour, false, true},
		{13 * time.Hour, false, true},
	}
	for _, tt := range tests {
		now := requested.Add(tt.at)
		if got := e.Fresh(now); got != tt.fresh {
			t.Errorf("Fresh at +%v = %v, want %v", tt.at, got, tt.fresh)
		}
		if got := e.Expired(now); got != tt.expired {
			t.Errorf("Expired at +%v = %v, want %v", tt.at, got, tt.expired)
		}
	}
}

func TestCache_ConcurrentWritersNeverLeaveATornEntry(t *testing.T) {
	t.Parallel()
	c := tokencache.Cache{Dir: t.TempDir()}
	if err := c.Put(key, entry()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 8 {
		wg.Go(func() {
			for j := range 25 {
				e := entry()
				e.Principal = fmt.Sprintf("writer-%d-%d", i, j)
				if err := c.Put(key, e); err != nil {
					errs <- err
				}
				if _, ok := c.Get(key); !ok {
					errs <- fmt.Errorf("writer %d: miss during concurrent writes", i)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	left, _ := filepath.Glob(filepath.Join(c.Dir, ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestCache_LockLetsOneHolderInAtATime(t *testing.T) {
	t.Parallel()
	c := tokencache.Cache{Dir: t.TempDir()}
	unlock, err := c.Lock(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Lock(ctx, key); err == nil {
		t.Fatal("second Lock succeeded while the first was held")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := c.Lock(context.Background(), key)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
}

var requested = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func TestCache_LockTimesOutWithErrLockHeld(t *testing.T) {
	t.Parallel()
	c := tokencache.Cache{Dir: t.TempDir()}
	unlock, err := c.Lock(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Lock(ctx, key); !errors.Is(err, tokencache.ErrLockHeld) {
		t.Errorf("err = %v, want ErrLockHeld", err)
	}
}

func TestCache_PrepareFailsWhenAFileStandsInTheFolder(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c := tokencache.Cache{Dir: filepath.Join(file, "ecr")}
	if err := c.Prepare(); err == nil {
		t.Error("Prepare under a file: want an error")
	}
	if _, err := c.Lock(context.Background(), key); err == nil || errors.Is(err, tokencache.ErrLockHeld) {
		t.Errorf("Lock under a file: err = %v, want a plain error", err)
	}
}

func TestDigest_TellsCredentialsApart(t *testing.T) {
	t.Parallel()
	first, again := tokencache.Digest("AWS", "a"), tokencache.Digest("AWS", "a") // the same credential, twice
	if first == tokencache.Digest("AWS", "b") || first != again ||
		tokencache.Digest("AWS:a", "") == tokencache.Digest("AWS", ":a") {
		t.Error("Digest does not tell credentials apart")
	}
}

func ExampleCache() {
	dir, _ := os.MkdirTemp("", "tokens")
	defer os.RemoveAll(dir)
	c := tokencache.Cache{Dir: dir}
	k := tokencache.Key{Host: "111122223333.dkr.ecr.eu-west-1.amazonaws.com", Region: "eu-west-1"}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := c.Put(k, tokencache.Entry{Host: k.Host, Region: k.Region, RequestedAt: now, ExpiresAt: now.Add(12 * time.Hour)}); err != nil {
		fmt.Println(err)
		return
	}
	e, ok := c.Get(k)
	fmt.Println(ok, e.Fresh(now.Add(5*time.Hour)), e.Fresh(now.Add(7*time.Hour)), e.Expired(now.Add(13*time.Hour)))
	// Output:
	// true true false true
}

func TestKeyID_TellsKeysApartEvenWhenTheirFieldsJoinAlike(t *testing.T) {
	t.Parallel()
	keys := []tokencache.Key{
		{},
		{Host: "a", Region: "bc"},
		{Host: "ab", Region: "c"},
		{Host: "a:b"},
		{Host: "1:a"},
		{Region: "1:a"},
		{Profile: "p"},
		{Role: "p"},
		{Identity: "p"},
		{Endpoint: "p"},
		{Host: "111122223333.dkr.ecr.eu-west-1.amazonaws.com", Region: "eu-west-1", Role: "arn:aws:iam::111122223333:role/r"},
	}
	seen := map[string]tokencache.Key{}
	for _, k := range keys {
		id := k.ID()
		if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Errorf("%+v: ID %q, want 32 hex digits", k, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%+v and %+v share the ID %s", k, other, id)
		}
		seen[id] = k
		if again := k.ID(); again != id {
			t.Errorf("%+v: ID %s, then %s", k, id, again)
		}
	}
}
