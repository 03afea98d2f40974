package ecrauth_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrauth/tokencache"
)

// fakeDocker holds, per host, the digest of the credential "logged in".
type fakeDocker struct {
	mu     sync.Mutex
	stored map[string]string
	helper map[string]string
}

func (d *fakeDocker) CredentialHelper(host string) (string, error) { return d.helper[host], nil }

func (d *fakeDocker) Holds(host, digest string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stored[host] == digest, nil
}

// world is a fake registry and ECR: login stores the credential in docker
// and counts itself.
type world struct {
	docker *fakeDocker
	now    time.Time
	logins atomic.Int32
	fail   error
	logs   []string
	mu     sync.Mutex
}

func newWorld() *world {
	return &world{docker: &fakeDocker{stored: map[string]string{}}, now: requested}
}

func (w *world) login(_ context.Context, t ecrauth.Target) (ecrauth.Token, error) {
	if w.fail != nil {
		return ecrauth.Token{}, w.fail
	}
	n := w.logins.Add(1)
	tok := ecrauth.Token{Username: "AWS", Password: dax.Secret(fmt.Sprintf("pass-%d", n)), Host: t.Host,
		RequestedAt: w.now, ExpiresAt: w.now.Add(12 * time.Hour)}
	w.docker.mu.Lock()
	w.docker.stored[t.Host] = tokencache.Digest(tok.Username, string(tok.Password))
	w.docker.mu.Unlock()
	return tok, nil
}

func (w *world) log(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.logs = append(w.logs, fmt.Sprintf(format, args...))
}

func (w *world) run(t *testing.T, dir string, targets []ecrauth.Target, opts ...ecrauth.Option) []ecrauth.Result {
	t.Helper()
	opts = append([]ecrauth.Option{ecrauth.WithCacheDir(dir), ecrauth.WithDocker(w.docker),
		ecrauth.WithLog(w.log, w.log), ecrauth.WithClock(func() time.Time { return w.now })}, opts...)
	res, err := ecrauth.Login(context.Background(), targets, w.login, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func target(region string) ecrauth.Target {
	host := "111122223333.dkr.ecr." + region + ".amazonaws.com"
	return ecrauth.Target{Region: region, Host: host, Key: tokencache.Key{Host: host, Region: region, Role: "arn:aws:iam::111122223333:role/r"}}
}

func TestLogin_SecondRunIsServedFromTheCacheWithNoLogin(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	first := w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	second := w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	if got := w.logins.Load(); got != 1 {
		t.Errorf("%d logins, want 1", got)
	}
	want := []ecrauth.Result{{Region: "eu-west-1", Host: target("eu-west-1").Host, ExpiresAt: requested.Add(12 * time.Hour), FromCache: true}}
	if diff := cmp.Diff(want, second); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if first[0].FromCache {
		t.Error("first run came from the cache")
	}
}

func TestLogin_RefreshesAtHalfLifeAndWithoutTheCache(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	w.now = requested.Add(6 * time.Hour)
	w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	w.run(t, dir, []ecrauth.Target{target("eu-west-1")}, ecrauth.WithoutCache())
	if got := w.logins.Load(); got != 3 {
		t.Errorf("%d logins, want 3 (first, at half-life, without cache)", got)
	}
}

func TestLogin_LogsInAgainWhenTheCLIHoldsAnotherCredential(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	w.docker.stored[target("eu-west-1").Host] = tokencache.Digest("AWS", "stale")
	res := w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	if w.logins.Load() != 2 || res[0].FromCache {
		t.Errorf("%d logins, from cache %v: a stale credential was trusted", w.logins.Load(), res[0].FromCache)
	}
}

func TestLogin_KeepsAValidLoginWhenARefreshFailsButNeverAnExpiredOne(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	w.fail = errors.New("ecr is down")
	w.now = requested.Add(7 * time.Hour)
	res := w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	if !res[0].FromCache {
		t.Error("a valid login was not kept")
	}
	w.now = requested.Add(13 * time.Hour)
	if _, err := ecrauth.Login(context.Background(), []ecrauth.Target{target("eu-west-1")}, w.login,
		ecrauth.WithCacheDir(dir), ecrauth.WithDocker(w.docker), ecrauth.WithLog(w.log, w.log),
		ecrauth.WithClock(func() time.Time { return w.now })); err == nil || !strings.Contains(err.Error(), "ecr is down") {
		t.Errorf("err = %v, want the refresh's error once the token expired", err)
	}
}

func TestLogin_SkipsAHostACredentialHelperServes(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	w.docker.helper = map[string]string{target("eu-west-1").Host: "routed to docker-credential-godax"}
	res := w.run(t, dir, []ecrauth.Target{target("eu-west-1")})
	if w.logins.Load() != 0 || res[0].Skipped == "" {
		t.Errorf("%d logins, result %+v: want a skip", w.logins.Load(), res[0])
	}
}

func TestLogin_LogsInToEveryRegionInOrder(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	regions := []string{"eu-west-1", "us-east-1", "ap-south-1"}
	var targets []ecrauth.Target
	for _, r := range regions {
		targets = append(targets, target(r))
	}
	res := w.run(t, dir, targets)
	for i, r := range regions {
		if res[i].Region != r || res[i].Host != target(r).Host {
			t.Errorf("result %d = %+v, want %s", i, res[i], r)
		}
	}
}

func TestLogin_ConcurrentRunsLogInOnce(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { w.run(t, dir, []ecrauth.Target{target("eu-west-1")}) })
	}
	wg.Wait()
	if got := w.logins.Load(); got != 1 {
		t.Errorf("%d logins from 8 concurrent runs, want 1", got)
	}
}

func TestLogin_GivesUpOnAStuckLockAndLogsIn(t *testing.T) {
	t.Parallel()
	w, dir := newWorld(), t.TempDir()
	c := tokencache.Cache{Dir: dir}
	unlock, err := c.Lock(context.Background(), target("eu-west-1").Key)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	w.run(t, dir, []ecrauth.Target{target("eu-west-1")}, ecrauth.WithLockWait(100*time.Millisecond))
	if w.logins.Load() != 1 || !strings.Contains(strings.Join(w.logs, "\n"), "logging in without the lock") {
		t.Errorf("%d logins, logs:\n%s", w.logins.Load(), strings.Join(w.logs, "\n"))
	}
}

func TestLogin_WarnsAndLogsInWhenTheCacheFolderIsUnusable(t *testing.T) {
	t.Parallel()
	w := newWorld()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w.run(t, filepath.Join(file, "ecr"), []ecrauth.Target{target("eu-west-1")})
	logs := strings.Join(w.logs, "\n")
	if w.logins.Load() != 1 || !strings.Contains(logs, "logging in without the cache") || strings.Contains(logs, "waiting") {
		t.Errorf("%d logins, logs:\n%s", w.logins.Load(), logs)
	}
}
