package scripts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
)

// fakeWorld stands in for STS, ECR and the container CLI, counting calls.
type fakeWorld struct {
	mu        sync.Mutex
	now       time.Time
	tokens    atomic.Int32
	whoami    atomic.Int32
	logins    atomic.Int32
	aborts    atomic.Int32
	stored    map[string]bool // hosts with credentials in the CLI config
	helperFor map[string]string
	tokenErr  error
	logs      []string
	// together, when set, makes each token request wait until that many
	// requests are in flight at once; it fails the request after a few
	// seconds when they never are.
	together *barrier
}

// barrier lets n calls through once all n have arrived.
type barrier struct {
	n       int32
	arrived atomic.Int32
	all     chan struct{}
}

func newBarrier(n int32) *barrier { return &barrier{n: n, all: make(chan struct{})} }

func (b *barrier) wait(ctx context.Context) error {
	if b.arrived.Add(1) == b.n {
		close(b.all)
	}
	select {
	case <-b.all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Second):
		return fmt.Errorf("only %d of %d token requests were in flight together", b.arrived.Load(), b.n)
	}
}

func newRunner(t *testing.T, s LoginSettings, w *fakeWorld) *loginRunner {
	t.Helper()
	if s.CacheDir == "" {
		s.CacheDir = t.TempDir()
	}
	if s.CLI.Name == "" {
		s.CLI = container.CLI{Name: "docker"}
	}
	r, err := newLoginRunner(s)
	if err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	if w.stored == nil {
		w.stored = map[string]bool{}
	}
	w.mu.Unlock()
	r.now = func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
	logf := func(format string, args ...any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.logs = append(w.logs, fmt.Sprintf(format, args...))
	}
	r.log, r.warn = logf, logf
	r.token = func(ctx context.Context, region string) (ecrauth.Token, error) {
		w.tokens.Add(1)
		if w.tokenErr != nil {
			return ecrauth.Token{}, w.tokenErr
		}
		if w.together != nil {
			if err := w.together.wait(ctx); err != nil {
				return ecrauth.Token{}, err
			}
		}
		now := r.now()
		return ecrauth.Token{Username: "AWS", Password: "pw-" + dax.Secret(region), Host: "111122223333.dkr.ecr." + region + ".amazonaws.com",
			RequestedAt: now, ExpiresAt: now.Add(12 * time.Hour)}, nil
	}
	r.principal = func(context.Context) (string, error) {
		w.whoami.Add(1)
		return "arn:aws:sts::111122223333:assumed-role/r/s", nil
	}
	r.login = func(_ context.Context, host, user string) (pendingLogin, error) {
		return &fakeLogin{w: w, host: host}, nil
	}
	r.hasCreds = func(host string) (bool, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.stored[host], nil
	}
	r.helper = func(host string) (string, error) { return w.helperFor[host], nil }
	return r
}

// mustRun runs one login of s in w, failing the test on error.
func mustRun(t *testing.T, s LoginSettings, w *fakeWorld) []LoginResult {
	t.Helper()
	res, err := newRunner(t, s, w).run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// fakeLogin stores the host's credentials when finished.
type fakeLogin struct {
	w       *fakeWorld
	host    string
	aborted bool
}

func (l *fakeLogin) Finish(dax.Secret) error {
	l.w.logins.Add(1)
	l.w.mu.Lock()
	defer l.w.mu.Unlock()
	l.w.stored[l.host] = true
	return nil
}

func (l *fakeLogin) Abort() {
	l.w.aborts.Add(1)
	l.aborted = true
}

func (w *fakeWorld) counts() [3]int32 {
	return [3]int32{w.tokens.Load(), w.whoami.Load(), w.logins.Load()}
}

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func roleSettings() LoginSettings {
	return LoginSettings{Region: "us-east-1", Account: "111122223333",
		Role: &awsauth.Role{ARN: "arn:aws:iam::111122223333:role/r"}}
}

func TestLogin_SecondRunIsServedFromCacheWithNoCalls(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	first := mustRun(t, s, w)
	if got := w.counts(); got != [3]int32{1, 1, 1} {
		t.Fatalf("first run calls (token, whoami, login) = %v, want one each", got)
	}
	w.now = t0.Add(5 * time.Hour)
	second := mustRun(t, s, w)
	if got := w.counts(); got != [3]int32{1, 1, 1} {
		t.Errorf("second run made calls: %v", got)
	}
	want := []LoginResult{{Region: "us-east-1", Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com", ExpiresAt: t0.Add(12 * time.Hour), FromCache: true}}
	if diff := cmp.Diff(want, second); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if first[0].FromCache {
		t.Error("first run claims to be cached")
	}
	last := w.logs[len(w.logs)-1]
	if !strings.HasPrefix(last, "already logged in to 111122223333.dkr.ecr.us-east-1.amazonaws.com (token valid until ") {
		t.Errorf("message %q", last)
	}
}

func TestLogin_RefreshesAtHalfLife(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	mustRun(t, s, w)
	w.now = t0.Add(6 * time.Hour)
	mustRun(t, s, w)
	if got := w.counts(); got != [3]int32{2, 2, 2} {
		t.Errorf("calls = %v, want a second full login at half-life", got)
	}
}

func TestLogin_NoCacheForcesAFreshLogin(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	mustRun(t, s, w)
	s.NoCache = true
	res := mustRun(t, s, w)
	if got := w.counts(); got != [3]int32{2, 2, 2} || res[0].FromCache {
		t.Errorf("calls = %v, FromCache %v; want a second full login", got, res[0].FromCache)
	}
}

func TestLogin_MissesWhenTheCLIConfigLostTheCredentials(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	mustRun(t, s, w)
	w.stored = map[string]bool{} // docker logout
	mustRun(t, s, w)
	if got := w.logins.Load(); got != 2 {
		t.Errorf("logins = %d, want 2", got)
	}
}

func TestLogin_KeepsAValidLoginWhenARefreshFails(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	mustRun(t, s, w)
	w.tokenErr = errors.New("endpoint unreachable")
	w.now = t0.Add(8 * time.Hour) // past half-life, before expiry
	res, err := newRunner(t, s, w).run(context.Background())
	if err != nil {
		t.Fatalf("refresh failure before expiry: %v", err)
	}
	if !res[0].FromCache || !res[0].ExpiresAt.Equal(t0.Add(12*time.Hour)) {
		t.Errorf("result %+v, want the still-valid login", res[0])
	}
}

func TestLogin_NeverReusesAnExpiredTokenWhenARefreshFails(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	mustRun(t, s, w)
	w.tokenErr = errors.New("endpoint unreachable")
	w.now = t0.Add(12 * time.Hour)
	_, err := newRunner(t, s, w).run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "endpoint unreachable") {
		t.Errorf("err = %v, want the refresh's error", err)
	}
}

func TestLogin_SkipsWhenCredentialHelperConfigured(t *testing.T) {
	t.Parallel()
	host := "111122223333.dkr.ecr.us-east-1.amazonaws.com"
	w := &fakeWorld{now: t0, helperFor: map[string]string{host: "config.json routes it to docker-credential-ecr-login (credHelpers)"}}
	res, err := newRunner(t, roleSettings(), w).run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := w.counts(); got != [3]int32{0, 0, 0} {
		t.Errorf("calls = %v, want none", got)
	}
	if !strings.Contains(res[0].Skipped, "docker-credential-ecr-login") || !strings.Contains(w.logs[0], "not logging in to "+host) {
		t.Errorf("result %+v, logs %v", res[0], w.logs)
	}
}

func TestLogin_LogsInToEveryRegionInOrder(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.Regions = []string{"ap-northeast-1", "us-east-1", "eu-west-1", "us-west-2"}
	res := mustRun(t, s, w)
	var got []string
	for _, r := range res {
		got = append(got, r.Region+" "+r.Host)
	}
	want := []string{
		"ap-northeast-1 111122223333.dkr.ecr.ap-northeast-1.amazonaws.com",
		"us-east-1 111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"eu-west-1 111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		"us-west-2 111122223333.dkr.ecr.us-west-2.amazonaws.com",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if w.logins.Load() != 4 {
		t.Errorf("logins = %d, want 4", w.logins.Load())
	}
}

func TestLogin_AsksForEveryRegionsTokenAtOnce(t *testing.T) {
	t.Parallel()
	// Each token request waits for the other three: one region at a time
	// would never get past the first.
	w := &fakeWorld{now: t0, together: newBarrier(4)}
	s := roleSettings()
	s.Regions = []string{"ap-northeast-1", "us-east-1", "eu-west-1", "us-west-2"}
	res := mustRun(t, s, w)
	if len(res) != 4 || w.logins.Load() != 4 {
		t.Errorf("%d results and %d logins, want 4 and 4", len(res), w.logins.Load())
	}
}

func TestLogin_ConcurrentRunsLogInOnce(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			if _, err := newRunner(t, s, w).run(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := w.logins.Load(); got != 1 {
		t.Errorf("logins = %d, want 1: the others should wait for the lock and find the entry", got)
	}
}

func TestLogin_KeysTheCacheByPrincipalNotByRegistryAlone(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.CacheDir = t.TempDir()
	mustRun(t, s, w)
	s.Role = &awsauth.Role{ARN: "arn:aws:iam::111122223333:role/other"}
	mustRun(t, s, w)
	if got := w.logins.Load(); got != 2 {
		t.Errorf("logins = %d, want 2: another role is another principal", got)
	}
}

func TestLogin_AbortsTheEarlyStartedLoginWhenTheTokenFails(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0, tokenErr: errors.New("no token")}
	if _, err := newRunner(t, roleSettings(), w).run(context.Background()); err == nil {
		t.Fatal("want the token's error")
	}
	if w.aborts.Load() != 1 || w.logins.Load() != 0 {
		t.Errorf("aborts %d, logins %d; want the early login aborted and none finished", w.aborts.Load(), w.logins.Load())
	}
}

func TestLogin_UsesTheTokensHostWhenItDiffersFromTheExpectedOne(t *testing.T) {
	t.Parallel()
	w := &fakeWorld{now: t0}
	s := roleSettings()
	s.Region = "us-west-2"
	r := newRunner(t, s, w)
	token := r.token
	r.token = func(ctx context.Context, region string) (ecrauth.Token, error) {
		tok, err := token(ctx, region)
		tok.Host = "111122223333.dkr.ecr-fips.us-west-2.amazonaws.com"
		return tok, err
	}
	res, err := r.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Host != "111122223333.dkr.ecr-fips.us-west-2.amazonaws.com" || w.aborts.Load() != 1 || w.logins.Load() != 1 {
		t.Errorf("host %s, aborts %d, logins %d", res[0].Host, w.aborts.Load(), w.logins.Load())
	}
}
