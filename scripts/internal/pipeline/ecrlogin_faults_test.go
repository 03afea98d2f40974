package pipeline

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// These tests each reproduce a fault found by hostile testing of the
// login's cache, on the sandbox, through a separate ecrLogin process.

func TestEcrLogin_LogsInAgainWhenTheDockerConfigHoldsAnotherCredential(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	if out, err := e.run(t); err != nil {
		t.Fatalf("first login: %v\n%s", err, out)
	}
	wrong := base64.StdEncoding.EncodeToString([]byte("AWS:not-the-token"))
	cfg := `{"auths":{"` + st.RegistryHost() + `":{"auth":"` + wrong + `"}}}`
	if err := os.WriteFile(filepath.Join(e.dockerCfg, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t)
	if err != nil {
		t.Fatalf("second login: %v\n%s", err, out)
	}
	if strings.Contains(out, "already logged in") {
		t.Errorf("the cache trusted a credential it did not store:\n%s", out)
	}
	registryAccepts(t, e.dockerCfg, st)
}

func TestEcrLogin_WarnsAndLogsInWhenTheCacheFolderCannotBeCreated(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t, "XDG_CACHE_HOME="+blocker, "ECR_CACHE_DIR="+filepath.Join(blocker, "ecr"))
	if err != nil {
		t.Fatalf("login with an unusable cache folder failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "token cache") || !strings.Contains(out, "without the cache") {
		t.Errorf("output does not warn that the cache is off:\n%s", out)
	}
	if strings.Contains(out, "waiting for another") {
		t.Errorf("output claims another run holds the lock:\n%s", out)
	}
	registryAccepts(t, e.dockerCfg, st)
}

func TestEcrLogin_RefusesAnEmptyRegionListInOneLine(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	for _, v := range []string{",", " , ", ",,"} {
		out, err := e.run(t, "ECR_REGIONS="+v)
		if err == nil {
			t.Errorf("ECR_REGIONS=%q: login succeeded:\n%s", v, out)
			continue
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 1 || !strings.Contains(out, "ECR_REGIONS") || strings.Contains(out, "panic") {
			t.Errorf("ECR_REGIONS=%q: want one line naming ECR_REGIONS, got:\n%s", v, out)
		}
	}
}

func TestEcrLogin_LogsInWithoutTheLockWhenItIsStuck(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	if out, err := e.run(t); err != nil {
		t.Fatalf("first login: %v\n%s", err, out)
	}
	// Hold every lock the first run made, as a stuck run would, and
	// drop its records so the next run has to log in.
	var locks []string
	err := filepath.WalkDir(e.cacheHome, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".lock"):
			locks = append(locks, p)
		case strings.HasSuffix(p, ".json"):
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(locks) == 0 {
		t.Fatalf("the first run left no lock file under %s", e.cacheHome)
	}
	for _, p := range locks {
		l := flock.New(p)
		if ok, err := l.TryLock(); err != nil || !ok {
			t.Fatalf("lock %s: %v %v", p, ok, err)
		}
		t.Cleanup(func() { _ = l.Unlock() })
	}
	start := time.Now()
	out, err := e.run(t)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("login behind a stuck lock failed after %s: %v\n%s", took, err, out)
	}
	// About 10 s of waiting, then the login; a loaded machine may add some.
	if took > 40*time.Second {
		t.Errorf("login behind a stuck lock took %s, want about 10s", took)
	}
	if !strings.Contains(out, "without the lock") {
		t.Errorf("output does not say it gave up on the lock:\n%s", out)
	}
	registryAccepts(t, e.dockerCfg, st)
}

func TestEcrLogin_SaysTheLoginTimedOutAndAfterHowLong(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	// A docker that hangs as a stuck dockerd makes it hang, after the
	// kind of line the real one prints first.
	bin := t.TempDir()
	script := "#!/bin/sh\necho 'time=\"2026-01-01T00:00:00Z\" level=info msg=\"Error logging in to endpoint\"' >&2\nexec sleep 120\n"
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := e.run(t, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "ECR_NO_CACHE=1", "ECR_LOGIN_TIMEOUT=3s")
	took := time.Since(start)
	if err == nil {
		t.Fatalf("a hung login succeeded:\n%s", out)
	}
	if !strings.Contains(out, "timed out after 3s") || strings.Contains(out, "exit status -1") {
		t.Errorf("error does not say the login timed out after 3s:\n%s", out)
	}
	if took > 25*time.Second {
		t.Errorf("ECR_LOGIN_TIMEOUT=3s took %s", took)
	}
}

func TestEcrLogin_WarnsAboutAnUnknownRegionAndLogsIn(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	out, err := e.run(t, "AWS_REGION=ap-future-9", "AWS_DEFAULT_REGION=ap-future-9")
	if err != nil {
		t.Fatalf("login in a region missing from the table failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "ap-future-9") || !strings.Contains(strings.ToLower(out), "warn") {
		t.Errorf("output does not warn about the unknown region:\n%s", out)
	}
	registryAccepts(t, e.dockerCfg, st)
}

func TestEcrLogin_CachesSandboxLoginsUnderTheSandboxFolder(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	// The sandbox's own environment, as `eval "$(mage sandbox:env)"`
	// sets it, with a private Docker config and an XDG cache that must
	// stay empty.
	xdg := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if slices.Contains(sandbox.UnsetVars, k) || strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "ECR_") || strings.HasPrefix(k, "DOCKER_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, st.Env()...)
	env = append(env, "DOCKER_CONFIG="+t.TempDir(), "XDG_CACHE_HOME="+xdg, helperEnv+"=1")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := sandboxLoginCmd(ctx, env)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("login: %v\n%s", err, out)
	}
	left, _ := filepath.Glob(filepath.Join(xdg, "*", "*", "*"))
	if len(left) != 0 {
		t.Errorf("sandbox login cached outside the sandbox: %v", left)
	}
	files, _ := filepath.Glob(filepath.Join(st.Dir, "ecr-cache", "*.json"))
	if len(files) == 0 {
		t.Errorf("no login record under %s", filepath.Join(st.Dir, "ecr-cache"))
	}
}

// sandboxLoginCmd is one ecrLogin process (this test binary) with env.
func sandboxLoginCmd(ctx context.Context, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = env
	return cmd
}

func TestEcrLogin_ReportsATokenThatDoesNotDecode(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	u, err := url.Parse(st.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	moto := httputil.NewSingleHostReverseProxy(u)
	// ECR answers a token with no colon in it; STS is moto's.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetAuthorizationToken") {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = w.Write([]byte(`{"authorizationData":[{"authorizationToken":"` +
				base64.StdEncoding.EncodeToString([]byte("AWSnocolon")) + `","proxyEndpoint":"https://x.example"}]}`))
			return
		}
		moto.ServeHTTP(w, r)
	}))
	defer bad.Close()
	e := newLoginEnv(t, st)
	e.endpointURL = bad.URL
	out, err := e.run(t, "ECR_NO_CACHE=1")
	if err == nil || !strings.Contains(out, "not of the form user:password") {
		t.Errorf("err = %v, want the decoding error:\n%s", err, out)
	}
}
