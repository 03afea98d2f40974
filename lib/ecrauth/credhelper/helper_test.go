package credhelper_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/ecrauth/credhelper"
	"github.com/godax/godax/lib/ecrauth/tokencache"
)

const ecrHost = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// fixture is a helper over a private cache with a counting fake fetcher.
type fixture struct {
	env     map[string]string
	now     time.Time
	fetches atomic.Int32
	fail    error
	reqs    []credhelper.Request
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	t.Setenv("ECR_CACHE_DIR", filepath.Join(dir, "cache"))
	t.Setenv("ECR_HELPER_CONFIG", filepath.Join(dir, "none.json"))
	return &fixture{env: map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/pull"}, now: t0}
}

func (f *fixture) helper() credhelper.Helper {
	return credhelper.New(credhelper.Options{
		Getenv: func(k string) string { return f.env[k] },
		Now:    func() time.Time { return f.now },
		Fetch: func(_ context.Context, req credhelper.Request) (credhelper.Response, error) {
			if f.fail != nil {
				return credhelper.Response{}, f.fail
			}
			f.reqs = append(f.reqs, req)
			n := f.fetches.Add(1)
			return credhelper.Response{Username: "AWS", Secret: "token-" + string(rune('0'+n)), Region: "eu-west-1",
				RequestedAt: f.now, ExpiresAt: f.now.Add(12 * time.Hour)}, nil
		},
	})
}

func TestGet_ServesTheCacheUntilHalfLifeThenFetches(t *testing.T) {
	f := newFixture(t)
	h := f.helper()
	for _, at := range []time.Duration{0, time.Hour, 5*time.Hour + 59*time.Minute, 6 * time.Hour} {
		f.now = t0.Add(at)
		if _, _, err := h.Get("https://" + ecrHost); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.fetches.Load(); got != 2 {
		t.Errorf("%d fetches, want 2 (first, then at half-life)", got)
	}
}

func TestGet_NeverServesAnExpiredTokenWhenTheFetchFails(t *testing.T) {
	f := newFixture(t)
	h := f.helper()
	if _, _, err := h.Get(ecrHost); err != nil {
		t.Fatal(err)
	}
	f.fail = errors.New("assume role: access denied")
	f.now = t0.Add(13 * time.Hour)
	if _, secret, err := h.Get(ecrHost); err == nil || secret != "" {
		t.Errorf("Get after expiry with a failing fetch = %q, %v; want the error", secret, err)
	}
}

func TestGet_NoCacheFetchesEveryTime(t *testing.T) {
	f := newFixture(t)
	f.env["ECR_NO_CACHE"] = "1"
	h := f.helper()
	for range 3 {
		if _, _, err := h.Get(ecrHost); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.fetches.Load(); got != 3 {
		t.Errorf("%d fetches with ECR_NO_CACHE=1, want 3", got)
	}
}

func TestGet_KeepsTokensPrivate(t *testing.T) {
	f := newFixture(t)
	if _, _, err := f.helper().Get(ecrHost); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(os.Getenv("ECR_CACHE_DIR"), "helper", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestGet_ServesAnAliasOnlyWhenConfigured(t *testing.T) {
	f := newFixture(t)
	h := f.helper()
	if _, _, err := h.Get("127.0.0.1:5000"); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("unknown host: err = %v, want not found", err)
	}
	f.env["ECR_REGISTRY"] = "127.0.0.1:5000"
	user, secret, err := h.Get("http://127.0.0.1:5000/v2/")
	if err != nil || user != "AWS" || secret == "" {
		t.Errorf("alias: %q %q %v", user, secret, err)
	}
}

func TestGet_TakesEachRegistrysSettingsFromTheConfigFile(t *testing.T) {
	f := newFixture(t)
	cfg := `{"registries": {"proxy.example:443": {"ecr": "` + ecrHost + `", "profile": "prod", "role": "pull", "account": "111122223333"}}}`
	if err := os.WriteFile(os.Getenv("ECR_HELPER_CONFIG"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.helper().Get("proxy.example:443"); err != nil {
		t.Fatal(err)
	}
	want := []credhelper.Request{{Host: "proxy.example:443", Registry: credhelper.Registry{ECR: ecrHost, Region: "eu-west-1", Profile: "prod", Role: "pull", Account: "111122223333"}}}
	if diff := cmp.Diff(want, f.reqs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLookup_TakesTheRegionAndAccountFromTheECRHost(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AWS_REGION": "us-east-1", "ECR_ACCOUNT": "444455556666", "ECR_REGISTRY": "127.0.0.1:5000"}
	getenv := func(k string) string { return env[k] }
	cfg := credhelper.Config{Registries: map[string]credhelper.Registry{
		"111122223333.dkr.ecr.ap-south-1.amazonaws.com": {Region: "us-east-1", Profile: "ci"},
		"proxy.example": {ECR: ecrHost, Region: "us-east-1"},
	}}
	for host, want := range map[string]credhelper.Registry{
		ecrHost: {Account: "111122223333", Region: "eu-west-1"},
		"https://111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn/v2/": {Account: "111122223333", Region: "cn-north-1"},
		"111122223333.dkr.ecr.ap-south-1.amazonaws.com":                           {Account: "111122223333", Region: "ap-south-1", Profile: "ci"},
		"proxy.example":  {ECR: ecrHost, Account: "111122223333", Region: "eu-west-1"},
		"public.ecr.aws": {Account: "444455556666", Region: "us-east-1"},
		"127.0.0.1:5000": {Account: "444455556666", Region: "us-east-1"},
	} {
		got, ok := credhelper.Lookup(cfg, getenv, host)
		if diff := cmp.Diff(want, got); !ok || diff != "" {
			t.Errorf("Lookup(%q): served %v (-want +got):\n%s", host, ok, diff)
		}
	}
}

func TestGet_AsksAndKeysTheTokenByTheHostsRegion(t *testing.T) {
	f := newFixture(t)
	f.env["AWS_REGION"] = "us-east-1"
	if _, _, err := f.helper().Get("https://" + ecrHost + "/v2/"); err != nil {
		t.Fatal(err)
	}
	if len(f.reqs) != 1 || f.reqs[0].Registry.Region != "eu-west-1" {
		t.Errorf("requests %+v, want one for eu-west-1", f.reqs)
	}
	entries := tokencache.Cache{Dir: filepath.Join(os.Getenv("ECR_CACHE_DIR"), "helper")}.Entries()
	if len(entries) != 1 || entries[0].Key.Region != "eu-west-1" {
		t.Errorf("cache entries %+v, want one keyed by eu-west-1", entries)
	}
}

func TestList_LeavesOutHostsTheHelperDoesNotServe(t *testing.T) {
	f := newFixture(t)
	cache := tokencache.Cache{Dir: filepath.Join(os.Getenv("ECR_CACHE_DIR"), "helper")}
	for _, host := range []string{ecrHost, "111122223333.dkr.ecr.evil", "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example"} {
		e := tokencache.Entry{Host: host, Region: "us-east-1", RequestedAt: t0, ExpiresAt: t0.Add(12 * time.Hour), Username: "AWS", Secret: "s3cret"}
		if err := cache.Put(tokencache.Key{Host: host, Region: "us-east-1"}, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.helper().List()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{ecrHost: "AWS"}, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func TestListAndDelete_NameAndDropCachedTokens(t *testing.T) {
	f := newFixture(t)
	h := f.helper()
	if _, _, err := h.Get(ecrHost); err != nil {
		t.Fatal(err)
	}
	got, err := h.List()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{ecrHost: "AWS"}, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	if err := h.Delete(ecrHost); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.List(); len(got) != 0 {
		t.Errorf("List after Delete = %v", got)
	}
	if _, _, err := h.Get(ecrHost); err != nil || f.fetches.Load() != 2 {
		t.Errorf("Get after Delete: %v, %d fetches; want a new fetch", err, f.fetches.Load())
	}
}

func TestAdd_IsRefusedSayingWhy(t *testing.T) {
	f := newFixture(t)
	err := f.helper().Add(&credentials.Credentials{ServerURL: ecrHost, Username: "AWS", Secret: "s"})
	if err == nil || !strings.Contains(err.Error(), "does not store credentials") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Add: err = %v, want a one-line refusal", err)
	}
}

func TestIsECRHost_KnowsTheHostFormsWithoutARegexp(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		ecrHost: true, "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com": true,
		"111122223333.dkr-ecr.eu-west-1.on.aws": true, "public.ecr.aws": true,
		"127.0.0.1:5000": false, "docker.io": false, "11112222333.dkr.ecr.eu-west-1.amazonaws.com": false,
	} {
		if got := credhelper.IsECRHost(host); got != want {
			t.Errorf("IsECRHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestRunFetcher_ReadsTheAnswerAndReportsTheFetchersErrorLine(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	req := credhelper.Request{Host: ecrHost}
	if _, err := credhelper.RunFetcher(context.Background(), req); err == nil || !strings.Contains(err.Error(), "godax-ecr-token is not next to docker-credential-godax nor on PATH") {
		t.Errorf("no fetcher: err = %v", err)
	}
	fetcher := filepath.Join(dir, credhelper.FetcherName)
	write := func(script string) {
		if err := os.WriteFile(fetcher, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(`while read -r l; do :; done; echo '{"username":"AWS","secret":"s3cret","region":"eu-west-1"}'`)
	resp, err := credhelper.RunFetcher(context.Background(), req)
	if err != nil || resp.Username != "AWS" || resp.Secret != "s3cret" {
		t.Errorf("answer: %+v, %v", resp, err)
	}
	write(`while read -r l; do :; done; echo 'assume role arn:aws:iam::111122223333:role/pull: access denied' >&2; exit 1`)
	if _, err := credhelper.RunFetcher(context.Background(), req); err == nil || err.Error() != "assume role arn:aws:iam::111122223333:role/pull: access denied" {
		t.Errorf("failure: err = %v, want the fetcher's line", err)
	}
	write(`while read -r l; do :; done; echo 'not json'`)
	if _, err := credhelper.RunFetcher(context.Background(), req); err == nil || !strings.Contains(err.Error(), "something other than a token") {
		t.Errorf("junk: err = %v", err)
	}
}
