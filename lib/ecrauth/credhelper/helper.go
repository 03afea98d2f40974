package credhelper

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/godax/godax/lib/ecrauth/tokencache"

	"github.com/godax/godax/lib/dax/envvar"
	"github.com/godax/godax/lib/dax/signals"
)

// FetcherName is the program that gets a private registry's token on a
// cache miss, and PublicFetcherName the one that gets ECR Public's. They
// are two programs so that the first, which serves most misses, links no
// ECR Public client: package init costs every start.
const (
	FetcherName       = "godax-ecr-token"
	PublicFetcherName = "godax-ecr-public-token"
)

// HandoffAction is the fetcher's first argument when it takes over a
// get: `godax-ecr-token get SERVERURL` serves that get as the helper
// would, with the token fetched in process, and answers in the
// protocol's form on stdout.
const HandoffAction = "get"

// DefaultFetchTimeout bounds one run of the fetcher.
const DefaultFetchTimeout = 60 * time.Second

// lockWait bounds the wait for a concurrent get of the same token.
const lockWait = 10 * time.Second

// Request is what the helper asks the fetcher, as JSON on its stdin.
type Request struct {
	// Host is the registry host Docker asked about.
	Host string `json:"host"`
	// Registry is how to get its token.
	Registry Registry `json:"registry"`
}

// ECRHost is the ECR host whose token serves req: the registry's ECR
// setting for an alias, else Host; bare and lower-cased.
func (req Request) ECRHost() string {
	if req.Registry.ECR != "" {
		return TrimHost(req.Registry.ECR)
	}
	return TrimHost(req.Host)
}

// Scope returns what req's ECR host ([Request.ECRHost]) says, and the
// account and region its token is asked for: the ECR host's when it is an
// ECR registry's, since a token opens only the registries of the region
// that issued it, else the settings'. err is [ParseECRHost]'s, and ecr
// the zero ECRRegistry, when the ECR host is not an ECR registry's (an
// alias whose settings name the account and region).
func (req Request) Scope() (ecr ECRRegistry, account, region string, err error) {
	ecr, err = ParseECRHost(req.ECRHost())
	if err != nil {
		return ECRRegistry{}, req.Registry.Account, req.Registry.Region, err
	}
	return ecr, cmp.Or(ecr.Account, req.Registry.Account), ecr.Region, nil
}

// Response is the fetcher's answer, as JSON on its stdout.
type Response struct {
	// Username is the token's user name ("AWS").
	Username string `json:"username"`
	// Secret is the token.
	Secret string `json:"secret"`
	// Region is the region that issued it.
	Region string `json:"region"`
	// RequestedAt is when the token was asked for.
	RequestedAt time.Time `json:"requestedAt"`
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time `json:"expiresAt"`
}

// Options configures [New]. The zero value reads the process's settings.
type Options struct {
	// Getenv reads a setting. Default: os.Getenv.
	Getenv func(string) string
	// Fetch gets a token on a miss. Default: [RunFetcher].
	Fetch func(ctx context.Context, req Request) (Response, error)
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Context is the context of every get's lock wait and fetch; when it
	// is done, the get stops. Default: context.Background().
	Context context.Context
}

// Helper serves Docker's credential helper protocol for ECR hosts and
// their aliases. Use it with credentials.Serve.
type Helper struct {
	o Options
	// handoff, when set, replaces this process with the fetcher on a
	// miss; it returns only when that fails.
	handoff func(serverURL, fetcher string) error
}

var _ credentials.Helper = Helper{}

// New returns a Helper with o's defaults filled in. With the default
// Fetch, a miss on Unix replaces this process with the fetcher, run as
// `godax-ecr-token get SERVERURL` ([HandoffAction]; [PublicFetcherName]
// for ECR Public), which takes the lock, gets the token, caches it and
// answers Docker itself; elsewhere it runs [RunFetcher] and waits.
func New(o Options) Helper {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	var h func(string, string) error
	if o.Fetch == nil {
		o.Fetch, h = RunFetcher, handoff
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	return Helper{o: o, handoff: h}
}

// Add refuses: the helper gets tokens itself, it does not store them.
func (h Helper) Add(c *credentials.Credentials) error {
	return fmt.Errorf("docker-credential-godax does not store credentials: it gets ECR tokens itself. To use docker login for %s instead, remove it from credHelpers in Docker's config.json", TrimHost(c.ServerURL))
}

// Get returns the user name and token for serverURL's host: from the
// cache while fresh, else from the fetcher, under a lock shared by
// concurrent gets. A host the helper does not serve is "not found".
func (h Helper) Get(serverURL string) (string, string, error) {
	host := TrimHost(serverURL)
	reg, k, cache, err := h.resolve(host)
	if err != nil {
		return "", "", err
	}
	noCache, err := envvar.Bool("ECR_NO_CACHE", h.o.Getenv("ECR_NO_CACHE"), false)
	if err != nil {
		return "", "", err
	}
	if !noCache {
		if e, ok := cache.Get(k); ok && e.Fresh(h.o.Now()) && e.Secret != "" {
			return e.Username, e.Secret, nil
		}
	}
	if h.handoff != nil {
		return "", "", h.handoff(serverURL, fetcherFor(Request{Host: host, Registry: reg}))
	}
	if !noCache {
		ctx, cancel := context.WithTimeout(h.o.Context, lockWait)
		unlock, lerr := cache.Lock(ctx, k)
		cancel()
		if lerr == nil {
			defer unlock()
			if e, ok := cache.Get(k); ok && e.Fresh(h.o.Now()) && e.Secret != "" {
				return e.Username, e.Secret, nil
			}
		} else {
			fmt.Fprintf(os.Stderr, "docker-credential-godax: %v: going on without the lock\n", lerr)
		}
	}
	ctx, cancel := context.WithTimeout(h.o.Context, DefaultFetchTimeout)
	defer cancel()
	resp, err := h.o.Fetch(ctx, Request{Host: host, Registry: reg})
	if err != nil {
		return "", "", err
	}
	if !noCache {
		e := tokencache.Entry{Host: host, Region: resp.Region, RequestedAt: resp.RequestedAt, ExpiresAt: resp.ExpiresAt,
			Username: resp.Username, Secret: resp.Secret, Credential: tokencache.Digest(resp.Username, resp.Secret)}
		if err := cache.Put(k, e); err != nil {
			fmt.Fprintf(os.Stderr, "docker-credential-godax: %v: the token is not cached\n", err)
		}
	}
	return resp.Username, resp.Secret, nil
}

// Delete drops the cached token of serverURL's host.
func (h Helper) Delete(serverURL string) error {
	_, k, cache, err := h.resolve(TrimHost(serverURL))
	if err != nil {
		return err
	}
	return cache.Remove(k)
}

// List names the hosts the cache holds an unexpired token for, each with
// its user name: the hosts Get would serve from it. A host the helper
// does not serve, such as one a version that checked hosts less strictly
// cached, is left out.
func (h Helper) List() (map[string]string, error) {
	path, err := ConfigPath()
	if err != nil {
		return nil, err
	}
	cfg, err := ReadConfig(path)
	if err != nil {
		return nil, err
	}
	dir, err := cacheDir()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range (tokencache.Cache{Dir: dir}).Entries() {
		if _, served := Lookup(cfg, h.o.Getenv, e.Host); served && e.Secret != "" && !e.Expired(h.o.Now()) {
			out[e.Host] = e.Username
		}
	}
	return out, nil
}

// resolve finds host's settings, cache key and cache.
func (h Helper) resolve(host string) (Registry, tokencache.Key, tokencache.Cache, error) {
	path, err := ConfigPath()
	if err != nil {
		return Registry{}, tokencache.Key{}, tokencache.Cache{}, err
	}
	cfg, err := ReadConfig(path)
	if err != nil {
		return Registry{}, tokencache.Key{}, tokencache.Cache{}, err
	}
	reg, ok := Lookup(cfg, h.o.Getenv, host)
	if !ok {
		return Registry{}, tokencache.Key{}, tokencache.Cache{}, credentials.NewErrCredentialsNotFound()
	}
	dir, err := cacheDir()
	if err != nil {
		return Registry{}, tokencache.Key{}, tokencache.Cache{}, err
	}
	return reg, key(host, reg, h.o.Getenv), tokencache.Cache{Dir: dir}, nil
}

// cacheDir is the helper's own folder in the token cache: its entries
// hold tokens, which ecrLogin's never do.
func cacheDir() (string, error) {
	d, err := tokencache.DefaultDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "helper"), nil
}

// key names host's token by everything that makes two gets the same.
func key(host string, r Registry, getenv func(string) string) tokencache.Key {
	k := tokencache.Key{Host: host, Region: r.Region, Profile: r.Profile, Role: r.Account + "/" + r.Role + "/" + r.ECR}
	if r.Role == "" {
		k.Identity = getenv("AWS_ACCESS_KEY_ID")
	}
	var eps []string
	for _, v := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_ECR_PUBLIC"} {
		if e := getenv(v); e != "" {
			eps = append(eps, v+"="+e)
		}
	}
	k.Endpoint = strings.Join(eps, " ")
	return k
}

// RunFetcher runs the fetcher program for req's registry with req on its
// stdin and reads its answer. The fetcher is looked for next to this
// program first, then on PATH. Its stderr, one line saying what went
// wrong, becomes the error.
func RunFetcher(ctx context.Context, req Request) (Response, error) {
	fetcher := fetcherFor(req)
	path, err := fetcherPath(fetcher)
	if err != nil {
		return Response{}, err
	}
	in, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	// The request and the answers are a few hundred bytes, well within a
	// pipe's buffer: plain pipes, written before the start and read after
	// the end, leave this process nothing to do (no copying goroutines)
	// while the fetcher, which needs the CPU, runs.
	stdin, err := pipeWith(in)
	if err != nil {
		return Response{}, err
	}
	defer stdin.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return Response{}, err
	}
	defer outR.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		return Response{}, errors.Join(err, outW.Close())
	}
	defer errR.Close()
	cmd := exec.CommandContext(ctx, path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, outW, errW
	err = cmd.Run()
	_, _ = outW.Close(), errW.Close()
	stdout, _ := io.ReadAll(io.LimitReader(outR, maxAnswer))
	stderr, _ := io.ReadAll(io.LimitReader(errR, maxAnswer))
	if err != nil {
		if msg := strings.TrimSpace(string(stderr)); msg != "" {
			return Response{}, errors.New(msg)
		}
		if ctx.Err() != nil {
			return Response{}, fmt.Errorf("%s: no token within %s", fetcher, DefaultFetchTimeout)
		}
		return Response{}, fmt.Errorf("%s: %w", fetcher, err)
	}
	var resp Response
	if err := json.Unmarshal(stdout, &resp); err != nil || resp.Secret == "" || resp.Username == "" {
		return Response{}, fmt.Errorf("%s answered something other than a token", fetcher)
	}
	return resp, nil
}

// maxAnswer bounds what is read of the fetcher's output: a pipe's buffer,
// more than any answer needs.
const maxAnswer = 64 << 10

// pipeWith returns the read end of a pipe that holds data and is closed
// for writing. data must fit in the pipe's buffer.
func pipeWith(data []byte) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	_, werr := w.Write(data)
	if err := errors.Join(werr, w.Close()); err != nil {
		return nil, errors.Join(err, r.Close())
	}
	return r, nil
}

// fetcherFor names the fetcher of req's token: [PublicFetcherName] when
// its ECR host is ECR Public's, else [FetcherName].
func fetcherFor(req Request) string {
	if req.ECRHost() == publicHost {
		return PublicFetcherName
	}
	return FetcherName
}

// fetcherPath finds the program named fetcher next to this program, else
// on PATH.
func fetcherPath(fetcher string) (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), fetcher+exeSuffix())
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(fetcher)
	if err != nil {
		return "", fmt.Errorf("%s is not next to docker-credential-godax nor on PATH: install them together with `CGO_ENABLED=0 go install github.com/godax/godax/cmd/...@latest`", fetcher)
	}
	return p, nil
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// ServeFetcher is the main of a fetcher program ([FetcherName],
// [PublicFetcherName]); fetch gets the token.
//
// Run as `FETCHER get SERVERURL` (how the helper replaces itself with it
// on Unix), it serves that get as the helper would: it takes the cache
// lock, fetches the token, caches it and prints the protocol's answer on
// stdout, or the protocol's one-line error with exit status 1.
//
// Run with no arguments (how [RunFetcher] runs it where a process cannot
// replace itself), it reads a [Request] as JSON on stdin and writes a
// [Response] as JSON on stdout; on failure it writes one line to stderr
// and exits 1.
//
// SIGINT, SIGTERM or SIGHUP stops the get: it says so in its error line
// and exits with 128 plus the signal's number (143 for SIGTERM).
func ServeFetcher(fetch func(ctx context.Context, req Request) (Response, error)) {
	ctx, done := signals.Context(context.Background())
	fail := func(out io.Writer, err error) {
		err = done(err)
		fmt.Fprintln(out, err)
		var stopped *signals.Error
		if errors.As(err, &stopped) {
			os.Exit(stopped.ExitStatus())
		}
		os.Exit(1)
	}
	if len(os.Args) == 3 && os.Args[1] == HandoffAction {
		h := New(Options{Fetch: fetch, Context: ctx})
		if err := credentials.Get(h, strings.NewReader(os.Args[2]), os.Stdout); err != nil {
			fail(os.Stdout, err)
		}
		return
	}
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), exeSuffix())
	var req Request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(os.Stderr, fmt.Errorf("%s: read the request on stdin: %w", name, err))
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultFetchTimeout)
	defer cancel()
	resp, err := fetch(ctx, req)
	if err != nil {
		fail(os.Stderr, err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(resp); err != nil {
		fail(os.Stderr, fmt.Errorf("%s: %w", name, err))
	}
}
