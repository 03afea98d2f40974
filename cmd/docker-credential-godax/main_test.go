package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const ecrHost = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"

// token is what the fake ECR hands out: base64 of "AWS:test-token-1".
const token = "QVdTOnRlc3QtdG9rZW4tMQ=="

// fakeECR answers GetAuthorizationToken on loopback, or refuses it, and
// records, for each call, the program the helper's process runs then.
type fakeECR struct {
	*httptest.Server
	mu      sync.Mutex
	refuse  bool
	pid     int
	exes    []string
	targets []string
	regions []string
}

func newFakeECR(t *testing.T) *fakeECR {
	f := &fakeECR{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.targets = append(f.targets, r.Header.Get("X-Amz-Target"))
		f.regions = append(f.regions, signingRegion(r.Header.Get("Authorization")))
		exe, _ := os.Readlink("/proc/" + strconv.Itoa(f.pid) + "/exe")
		f.exes = append(f.exes, filepath.Base(exe))
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if f.refuse {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"AccessDeniedException","message":"not for you"}`))
			return
		}
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "SpencerFrontendService.") { // ECR Public
			_, _ = w.Write([]byte(`{"authorizationData":{"authorizationToken":"` + token + `","expiresAt":4102444800}}`))
			return
		}
		_, _ = w.Write([]byte(`{"authorizationData":[{"authorizationToken":"` + token + `","expiresAt":4102444800,"proxyEndpoint":"https://` + ecrHost + `"}]}`))
	}))
	t.Cleanup(f.Close)
	return f
}

// signingRegion is the region of a SigV4 Authorization header's scope,
// Credential=KEY/DATE/REGION/SERVICE/aws4_request: the region the SDK
// was asked to call.
func signingRegion(auth string) string {
	_, cred, _ := strings.Cut(auth, "Credential=")
	scope := strings.Split(cred, "/")
	if len(scope) < 3 {
		return ""
	}
	return scope[2]
}

func (f *fakeECR) calls() ([]string, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.targets...), append([]string(nil), f.exes...)
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// build builds the helper and the fetcher into one folder, once.
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "godax-credhelper-test-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator), "github.com/godax/godax/cmd/...").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/...: %v", buildErr)
	}
	return binDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// env is a clean environment that points the SDK at f and the cache
// at dir.
func env(f *fakeECR, dir string, extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"AWS_ACCESS_KEY_ID=AKIATEST", "AWS_SECRET_ACCESS_KEY=test", "AWS_ENDPOINT_URL=" + f.URL, "AWS_MAX_ATTEMPTS=1",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true",
		"ECR_CACHE_DIR=" + filepath.Join(dir, "cache"), "ECR_HELPER_CONFIG=" + filepath.Join(dir, "none.json"),
	}, extra...)
}

// get runs `docker-credential-godax get` for ecrHost as Docker does; the
// fake records the program the process runs when the call reaches it.
func get(t *testing.T, f *fakeECR, environ []string) (stdout string, err error) {
	t.Helper()
	return getHost(t, f, environ, ecrHost)
}

// getHost is get for host.
func getHost(t *testing.T, f *fakeECR, environ []string, host string) (stdout string, err error) {
	t.Helper()
	return getServerURL(t, f, environ, "https://"+host)
}

// getServerURL is get with serverURL on stdin as it is, then a newline.
func getServerURL(t *testing.T, f *fakeECR, environ []string, serverURL string) (stdout string, err error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(build(t), "docker-credential-godax"), "get")
	cmd.Env, cmd.Stdin = environ, strings.NewReader(serverURL+"\n")
	var out bytes.Buffer
	cmd.Stdout = &out
	f.mu.Lock()
	if err := cmd.Start(); err != nil {
		f.mu.Unlock()
		t.Fatal(err)
	}
	f.pid = cmd.Process.Pid
	f.mu.Unlock()
	err = cmd.Wait()
	return out.String(), err
}

// cached returns the cache's entry files and their modes.
func cached(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	files := map[string]fs.FileMode{}
	err := filepath.WalkDir(filepath.Join(dir, "cache"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".lock") {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files[filepath.Base(p)] = fi.Mode().Perm()
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return files
}

const wantAnswer = `{"ServerURL":"https://` + ecrHost + `","Username":"AWS","Secret":"test-token-1"}` + "\n"

func TestGet_OnAMissTheFetcherTakesOverCachesTheTokenAndAnswers(t *testing.T) {
	t.Parallel()
	f, dir := newFakeECR(t), t.TempDir()
	out, err := get(t, f, env(f, dir))
	if err != nil {
		t.Fatalf("get: %v: %s", err, out)
	}
	if diff := cmp.Diff(wantAnswer, out); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	targets, exes := f.calls()
	if diff := cmp.Diff([]string{"AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"}, targets); diff != "" {
		t.Errorf("calls to ECR (-want +got):\n%s", diff)
	}
	if runtime.GOOS == "linux" {
		// The process Docker started is the one that calls ECR: the
		// helper replaced itself with the fetcher rather than run it.
		if diff := cmp.Diff([]string{"godax-ecr-token"}, exes); diff != "" {
			t.Errorf("program of the helper's process during the call (-want +got):\n%s", diff)
		}
	}
	files := cached(t, dir)
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one entry", files)
	}
	for name, mode := range files {
		if mode != 0o600 {
			t.Errorf("cache entry %s has mode %v, want 0600", name, mode)
		}
	}

	out, err = get(t, f, env(f, dir))
	if err != nil {
		t.Fatalf("second get: %v: %s", err, out)
	}
	if diff := cmp.Diff(wantAnswer, out); diff != "" {
		t.Errorf("second answer (-want +got):\n%s", diff)
	}
	if targets, _ := f.calls(); len(targets) != 1 {
		t.Errorf("%d calls to ECR after a second get, want 1: the cached token should serve it", len(targets))
	}
}

func TestGet_WithECR_NO_CACHEFetchesEveryTimeAndCachesNothing(t *testing.T) {
	t.Parallel()
	f, dir := newFakeECR(t), t.TempDir()
	for range 2 {
		out, err := get(t, f, env(f, dir, "ECR_NO_CACHE=1"))
		if err != nil {
			t.Fatalf("get: %v: %s", err, out)
		}
		if diff := cmp.Diff(wantAnswer, out); diff != "" {
			t.Errorf("answer (-want +got):\n%s", diff)
		}
	}
	if targets, _ := f.calls(); len(targets) != 2 {
		t.Errorf("%d calls to ECR, want 2", len(targets))
	}
	if files := cached(t, dir); len(files) != 0 {
		t.Errorf("cache holds %v, want nothing", files)
	}
}

func TestGet_ReportsARefusalInOneProtocolLineAndCachesNothing(t *testing.T) {
	t.Parallel()
	f, dir := newFakeECR(t), t.TempDir()
	f.refuse = true
	out, err := get(t, f, env(f, dir))
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("get = %v, want exit status 1", err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(out, "access denied") || !strings.Contains(out, "eu-west-1") {
		t.Errorf("stdout = %q, want one line saying access was denied in eu-west-1", out)
	}
	if files := cached(t, dir); len(files) != 0 {
		t.Errorf("cache holds %v, want nothing", files)
	}
}

func TestFetcher_AnswersARequestOnStdinAsJSON(t *testing.T) {
	t.Parallel()
	// Where a process cannot replace itself, the helper runs the fetcher
	// this way and waits for its answer.
	f, dir := newFakeECR(t), t.TempDir()
	cmd := exec.Command(filepath.Join(build(t), "godax-ecr-token"))
	cmd.Env, cmd.Stdin = env(f, dir), strings.NewReader(`{"host":"`+ecrHost+`"}`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("godax-ecr-token: %v", err)
	}
	var resp struct{ Username, Secret, Region string }
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("answer %q: %v", out, err)
	}
	if diff := cmp.Diff(struct{ Username, Secret, Region string }{"AWS", "test-token-1", "eu-west-1"}, resp); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if files := cached(t, dir); len(files) != 0 {
		t.Errorf("cache holds %v, want nothing: the helper caches in this mode", files)
	}
}

func TestGet_ForECRPublicTheFetcherOfPublicTokensTakesOver(t *testing.T) {
	t.Parallel()
	f, dir := newFakeECR(t), t.TempDir()
	out, err := getHost(t, f, env(f, dir), "public.ecr.aws")
	if err != nil {
		t.Fatalf("get: %v: %s", err, out)
	}
	want := `{"ServerURL":"https://public.ecr.aws","Username":"AWS","Secret":"test-token-1"}` + "\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	targets, exes := f.calls()
	if diff := cmp.Diff([]string{"SpencerFrontendService.GetAuthorizationToken"}, targets); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if runtime.GOOS == "linux" {
		if diff := cmp.Diff([]string{"godax-ecr-public-token"}, exes); diff != "" {
			t.Errorf("program of the helper's process during the call (-want +got):\n%s", diff)
		}
	}
}

func TestFetchers_RefuseTheOtherKindOfRegistryNamingItsFetcher(t *testing.T) {
	t.Parallel()
	f, dir := newFakeECR(t), t.TempDir()
	for fetcher, tc := range map[string]struct{ host, want string }{
		"godax-ecr-token":        {"public.ecr.aws", "come from godax-ecr-public-token"},
		"godax-ecr-public-token": {ecrHost, "come from godax-ecr-token"},
	} {
		cmd := exec.Command(filepath.Join(build(t), fetcher))
		cmd.Env, cmd.Stdin = env(f, dir), strings.NewReader(`{"host":"`+tc.host+`"}`)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err == nil || len(out) != 0 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s for %s: %v, stdout %q, stderr %q; want a failure saying its tokens %s", fetcher, tc.host, err, out, stderr.String(), tc.want)
		}
	}
	if targets, _ := f.calls(); len(targets) != 0 {
		t.Errorf("calls to ECR: %v, want none", targets)
	}
}

// hostileHosts are server URLs that name, or seem to name, an ECR
// registry but send Docker elsewhere, or are not a host at all. The
// helper must answer each "not found" without fetching or caching.
var hostileHosts = []string{
	"111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example",
	"111122223333.dkr.ecr.evil",
	"999999999999.dkr.ecr.attacker.example:443",
	"https://111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example/v2/",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com.",
	"https://111122223333.dkr.ecr.us-east-1.amazonaws.com./v2/",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com..evil.example",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com.cn.evil",
	"111122223333.dkr.ecr.us-east-1.on.aws.evil.example",
	"111122223333.dkr.ecr-fips.us-east-1.amazonaws.com.evil.example",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com@evil.example",
	"https://111122223333.dkr.ecr.us-east-1.amazonaws.com@evil.example/v2/",
	"https://user@111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/",
	"111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM.EVIL.EXAMPLE",
	"111122223333.dkr.ecr.us-east-1.\u0430mazonaws.com", // Cyrillic а
	"111122223333.d\u212Ar.ecr.us-east-1.amazonaws.com", // Kelvin sign, which lower-cases to k
	"evil.111122223333.dkr.ecr.us-east-1.amazonaws.com",
	"1111222233334.dkr.ecr.us-east-1.amazonaws.com",
	"111122223333.dkr.ecr..amazonaws.com",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com evil.example",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com\n.evil.example",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com:8443",
	"111122223333.dkr.ecr.us-east-1.amazonaws.com:443.evil.example",
	"evil.example/?next=://111122223333.dkr.ecr.us-east-1.amazonaws.com",
	"111122223333.dkr.ecr.cn-north-1.amazonaws.com",
	"public.ecr.aws.evil.example",
}

func TestGet_AnswersNotFoundForHostileHostsWithoutFetchingOrCaching(t *testing.T) {
	t.Parallel()
	f := newFakeECR(t)
	for _, host := range hostileHosts {
		dir := t.TempDir()
		out, err := getServerURL(t, f, env(f, dir, "AWS_REGION=us-east-1"), host)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || strings.TrimSpace(out) != "credentials not found in native keychain" {
			t.Errorf("get %q = %q, %v; want exit status 1 and credentials not found", host, out, err)
		}
		if strings.Contains(out, "test-token-1") {
			t.Errorf("get %q handed out the token", host)
		}
		if files := cached(t, dir); len(files) != 0 {
			t.Errorf("get %q: cache holds %v, want nothing", host, files)
		}
		list := exec.Command(filepath.Join(build(t), "docker-credential-godax"), "list")
		list.Env = env(f, dir, "AWS_REGION=us-east-1")
		if listed, err := list.Output(); err != nil || strings.TrimSpace(string(listed)) != "{}" {
			t.Errorf("list after get %q = %q, %v; want {}", host, listed, err)
		}
	}
	if targets, _ := f.calls(); len(targets) != 0 {
		t.Errorf("%d calls to ECR for hostile hosts, want none", len(targets))
	}
}

func TestGet_AsksTheHostsRegionWhateverAWS_REGIONSays(t *testing.T) {
	t.Parallel()
	f, dir := newFakeECR(t), t.TempDir()
	out, err := get(t, f, env(f, dir, "AWS_REGION=us-east-1"))
	if err != nil {
		t.Fatalf("get: %v: %s", err, out)
	}
	f.mu.Lock()
	regions := append([]string(nil), f.regions...)
	f.mu.Unlock()
	if diff := cmp.Diff([]string{"eu-west-1"}, regions); diff != "" {
		t.Errorf("regions asked (-want +got):\n%s", diff)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "cache", "helper", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Key    struct{ Region string }
		Region string
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if e.Key.Region != "eu-west-1" || e.Region != "eu-west-1" {
		t.Errorf("cache entry key region %q, token region %q; want eu-west-1 for both", e.Key.Region, e.Region)
	}

	// The fetcher, asked on stdin with a region in the settings, asks
	// the host's all the same.
	cmd := exec.Command(filepath.Join(build(t), "godax-ecr-token"))
	cmd.Env, cmd.Stdin = env(f, dir, "AWS_REGION=us-east-1"), strings.NewReader(`{"host":"`+ecrHost+`","registry":{"region":"us-east-1"}}`)
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), `"region":"eu-west-1"`) {
		t.Errorf("godax-ecr-token = %s, %v; want a token from eu-west-1", out, err)
	}
	f.mu.Lock()
	regions = append([]string(nil), f.regions...)
	f.mu.Unlock()
	if diff := cmp.Diff([]string{"eu-west-1", "eu-west-1"}, regions); diff != "" {
		t.Errorf("regions asked after the fetcher's run (-want +got):\n%s", diff)
	}
}
