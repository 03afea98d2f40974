package pipeline

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// countingProxy forwards to moto and records each request's API action.
type countingProxy struct {
	*httptest.Server
	mu      sync.Mutex
	actions []string
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		action := r.Header.Get("X-Amz-Target")
		if action == "" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			action = form.Get("Action")
		}
		if i := strings.LastIndexByte(action, '.'); i >= 0 {
			action = action[i+1:]
		}
		p.mu.Lock()
		p.actions = append(p.actions, action)
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// seen returns the actions recorded so far.
func (p *countingProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.actions)
}

// loginEnv is the environment of a login run against st in its own
// Docker config and token cache folders, with overrides applied last.
type loginEnv struct {
	st          *sandbox.State
	dockerCfg   string
	cacheHome   string
	endpointURL string
}

func newLoginEnv(t *testing.T, st *sandbox.State) *loginEnv {
	t.Helper()
	return &loginEnv{st: st, dockerCfg: t.TempDir(), cacheHome: t.TempDir(), endpointURL: st.Endpoint()}
}

func (e *loginEnv) environ(extra ...string) []string {
	env := sandboxChildEnv(e.st, e.dockerCfg, e.cacheHome)
	env = append(env, "AWS_ENDPOINT_URL="+e.endpointURL, helperEnv+"=1")
	return append(env, extra...)
}

// start starts one ecrLogin in a separate process (this test binary in
// helper mode), bounded by limit.
func (e *loginEnv) start(t *testing.T, ctx context.Context, out *bytes.Buffer, extra ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = e.environ(extra...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// run runs one ecrLogin process and returns its output and error.
func (e *loginEnv) run(t *testing.T, extra ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := e.start(t, ctx, &out, extra...)
	err := cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("ecrLogin still running after 60s:\n%s", out.String())
	}
	return out.String(), err
}

// registryAccepts checks the credentials the Docker config holds for the
// sandbox registry against the registry itself.
func registryAccepts(t *testing.T, dockerCfg string, st *sandbox.State) {
	t.Helper()
	cfg, err := container.ReadDockerConfig(filepath.Join(dockerCfg, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	entry, ok := cfg.Auths[st.RegistryHost()]
	if !ok {
		t.Fatalf("docker config has no entry for %s: %+v", st.RegistryHost(), cfg)
	}
	raw, err := base64.StdEncoding.DecodeString(entry.Auth)
	if err != nil {
		t.Fatal(err)
	}
	user, pass, _ := strings.Cut(string(raw), ":")
	req, err := http.NewRequest("GET", "http://"+st.RegistryHost()+"/v2/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("registry answered %s to the stored credentials", resp.Status)
	}
}

func count(actions []string, name string) int {
	n := 0
	for _, a := range actions {
		if a == name {
			n++
		}
	}
	return n
}

func TestEcrLogin_AssumesTheRoleAndTheSecondRunMakesNoRequests(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	proxy := newCountingProxy(t, st.Endpoint())
	e.endpointURL = proxy.URL

	out, err := e.run(t)
	if err != nil {
		t.Fatalf("first login: %v\n%s", err, out)
	}
	first := proxy.seen()
	for _, action := range []string{"AssumeRole", "GetAuthorizationToken"} {
		if count(first, action) != 1 {
			t.Errorf("first run: %d %s requests, want 1 (all: %v)", count(first, action), action, first)
		}
	}
	if !strings.Contains(out, "logged in to "+st.RegistryHost()+" as godax-deployer/") {
		t.Errorf("first run output:\n%s", out)
	}
	registryAccepts(t, e.dockerCfg, st)

	out, err = e.run(t)
	if err != nil {
		t.Fatalf("second login: %v\n%s", err, out)
	}
	if extra := proxy.seen()[len(first):]; len(extra) != 0 {
		t.Errorf("second run made %d requests to moto: %v", len(extra), extra)
	}
	if want := "already logged in to " + st.RegistryHost() + " (token valid until "; !strings.Contains(out, want) {
		t.Errorf("second run output lacks %q:\n%s", want, out)
	}
}

func TestEcrLogin_NoCacheForcesAFreshLogin(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	proxy := newCountingProxy(t, st.Endpoint())
	e.endpointURL = proxy.URL
	for i := range 2 {
		if out, err := e.run(t); err != nil {
			t.Fatalf("login %d: %v\n%s", i, err, out)
		}
	}
	before := len(proxy.seen())
	out, err := e.run(t, "ECR_NO_CACHE=1")
	if err != nil {
		t.Fatalf("ECR_NO_CACHE=1 login: %v\n%s", err, out)
	}
	if got := count(proxy.seen()[before:], "GetAuthorizationToken"); got != 1 {
		t.Errorf("ECR_NO_CACHE=1 made %d GetAuthorizationToken requests, want 1", got)
	}
	if strings.Contains(out, "already logged in") {
		t.Errorf("ECR_NO_CACHE=1 was served from cache:\n%s", out)
	}
	registryAccepts(t, e.dockerCfg, st)
}

// descendsFrom reports whether pid is root or one of its descendants.
func descendsFrom(pid, root int) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		if pid == root {
			return true
		}
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return false
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 {
			return false
		}
		pid, _ = strconv.Atoi(fields[1])
	}
	return false
}

func TestEcrLogin_PasswordNeverAppearsInAnyProcessArgvOrEnvironment(t *testing.T) {
	st := sandboxtest.Require(t)
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc")
	}
	t.Parallel()
	e := newLoginEnv(t, st)
	secret := []byte(sandbox.RegistryPassword)

	sawLoginRuns := 0
	for run := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		var out bytes.Buffer
		cmd := e.start(t, ctx, &out, "ECR_NO_CACHE=1")
		w := watchProcs(cmd.Process.Pid, secret)
		err := cmd.Wait()
		leaks := w.stop()
		cancel()
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, out.String())
		}
		for _, l := range leaks {
			t.Errorf("run %d: password visible in %s", run, l)
		}
		if bytes.Contains(out.Bytes(), secret) {
			t.Errorf("run %d: password in the output:\n%s", run, out.String())
		}
		if w.seen["--password-stdin"] {
			sawLoginRuns++
		}
	}
	if sawLoginRuns == 0 {
		t.Error("the poller never caught the docker login process, so it proves nothing: make it faster")
	}
	registryAccepts(t, e.dockerCfg, st)
}

func TestEcrLogin_ReportsAStoppedEndpointClearlyWithinTenSeconds(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	e := newLoginEnv(t, st)
	e.endpointURL = closed

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	err = e.start(t, ctx, &out, "ECR_NO_CACHE=1").Wait()
	if ctx.Err() != nil {
		t.Fatalf("no answer within 10s:\n%s", out.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("err = %v, want a failed exit\n%s", err, out.String())
	}
	for _, want := range []string{"assume role " + sandbox.RoleARN + ": cannot reach STS", "connection refused", strings.TrimPrefix(closed, "http://")} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEcrLogin_ReportsARefusedPasswordRedacted(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	// moto's token for another account decodes to a password the
	// registry's htpasswd does not hold.
	out, err := e.run(t, "ECR_ACCOUNT=444455556666", "ECR_ROLE=arn:aws:iam::444455556666:role/other")
	if err == nil {
		t.Fatalf("login with the wrong password succeeded:\n%s", out)
	}
	if strings.Contains(out, "444455556666-auth-token") {
		t.Errorf("output shows the password:\n%s", out)
	}
	for _, want := range []string{"login " + st.RegistryHost(), "refused the password (***)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestEcrLogin_EightConcurrentRunsLeaveAValidDockerConfig(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	for _, mode := range []string{"ECR_NO_CACHE=1", "ECR_NO_CACHE="} {
		e := newLoginEnv(t, st)
		proxy := newCountingProxy(t, st.Endpoint())
		e.endpointURL = proxy.URL
		// Another registry's entry must survive the concurrent writes.
		other := `{"auths":{"other.example:5000":{"auth":"dTpw"}}}`
		if err := os.WriteFile(filepath.Join(e.dockerCfg, "config.json"), []byte(other), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		outs := make([]bytes.Buffer, 8)
		cmds := make([]*exec.Cmd, 8)
		for i := range cmds {
			cmds[i] = e.start(t, ctx, &outs[i], mode)
		}
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("%s: run %d: %v\n%s", mode, i, err, outs[i].String())
			}
		}
		cancel()
		b, err := os.ReadFile(filepath.Join(e.dockerCfg, "config.json"))
		if err != nil {
			t.Fatal(err)
		}
		var cfg container.DockerConfig
		if err := json.Unmarshal(b, &cfg); err != nil {
			t.Fatalf("%s: config.json is not valid JSON after concurrent logins: %v\n%s", mode, err, b)
		}
		if _, ok := cfg.Auths["other.example:5000"]; !ok {
			t.Errorf("%s: the other registry's entry was lost: %s", mode, b)
		}
		registryAccepts(t, e.dockerCfg, st)
		if mode == "ECR_NO_CACHE=" {
			if got := count(proxy.seen(), "GetAuthorizationToken"); got != 1 {
				t.Errorf("with the cache, %d runs fetched a token; want 1 (the rest wait and hit)", got)
			}
		}
	}
}
