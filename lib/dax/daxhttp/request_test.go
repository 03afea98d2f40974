package daxhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxhttp"
)

// testServer serves handler on 127.0.0.1 and counts the requests.
func testServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) (url string, hits *atomic.Int32) {
	t.Helper()
	hits = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(w, r, int(hits.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, hits
}

// dropConnection closes the connection without a response.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.Close() // dropping it is the point
}

func TestRequest_RetriesOnServerErrorsUntilItSucceeds(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "ok")
	})
	sh, log := testShell(t)
	got, err := daxhttp.New(url + "/x").Shell(sh).Retries(3).RetryDelay(time.Millisecond).Text(context.Background())
	if err != nil || got != "ok" {
		t.Fatalf("Text() = %q, %v, want ok", got, err)
	}
	if hits.Load() != 3 {
		t.Errorf("server got %d requests, want 3", hits.Load())
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := "warn: GET " + url + "/x: 500 Internal Server Error: try later; retrying in "
	if len(lines) != 2 || !strings.HasPrefix(lines[0], want) || !strings.HasSuffix(lines[1], "(attempt 3 of 4)") {
		t.Errorf("logged %q, want two retries, the first starting %q", lines, want)
	}
}

func TestRequest_RetriesADroppedConnection(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			dropConnection(t, w)
			return
		}
		fmt.Fprint(w, "ok")
	})
	sh, _ := testShell(t)
	got, err := daxhttp.New(url).Shell(sh).Retries(1).RetryDelay(time.Millisecond).Text(context.Background())
	if err != nil || got != "ok" || hits.Load() != 2 {
		t.Errorf("Text() = %q, %v after %d requests, want ok after 2", got, err, hits.Load())
	}
}

func TestRequest_GivesUpAfterItsRetries(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) { dropConnection(t, w) })
	sh, _ := testShell(t)
	_, err := daxhttp.New(url).Shell(sh).Retries(2).RetryDelay(time.Millisecond).Bytes(context.Background())
	var herr *daxhttp.Error
	if !errors.As(err, &herr) || herr.StatusCode != 0 || herr.Attempts != 3 || !strings.HasSuffix(err.Error(), "(3 attempts)") {
		t.Errorf("Bytes() = %v, want an HTTPError without status after 3 attempts", err)
	}
	if hits.Load() != 3 {
		t.Errorf("server got %d requests, want 3", hits.Load())
	}
}

func TestRequest_DoesNotRetryANotFound(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Error(w, "no such\nrelease", http.StatusNotFound)
	})
	sh, _ := testShell(t)
	_, err := daxhttp.New(url + "/releases/9").Shell(sh).Retries(3).RetryDelay(time.Millisecond).Text(context.Background())
	var herr *daxhttp.Error
	if !errors.As(err, &herr) {
		t.Fatalf("Text() = %v, want an HTTPError", err)
	}
	want := &daxhttp.Error{Method: "GET", URL: url + "/releases/9", StatusCode: 404, Status: "404 Not Found", Body: "no such\nrelease\n", Attempts: 1}
	if diff := cmp.Diff(want, herr); diff != "" {
		t.Errorf("HTTPError mismatch (-want +got):\n%s", diff)
	}
	if want := "GET " + url + "/releases/9: 404 Not Found: no such release"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
	if hits.Load() != 1 {
		t.Errorf("server got %d requests, want 1", hits.Load())
	}
}

func TestRequest_RetriesAPostOnlyWhenIdempotent(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	sh, _ := testShell(t)
	post := daxhttp.New(url).Shell(sh).BodyString("x").Retries(2).RetryDelay(time.Millisecond)
	if _, err := post.Text(context.Background()); err == nil || hits.Load() != 1 {
		t.Errorf("POST: Text() = %v after %d requests, want an error after 1", err, hits.Load())
	}
	if _, err := post.Idempotent().Text(context.Background()); err == nil || hits.Load() != 4 {
		t.Errorf("idempotent POST: Text() = %v after %d requests in all, want an error after 3 more", err, hits.Load())
	}
}

func TestRequest_WaitsAsRetryAfterAsksWithinReason(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/later" {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "come back in two minutes", http.StatusServiceUnavailable)
			return
		}
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "ok")
	})
	sh, _ := testShell(t)
	start := time.Now()
	if _, err := daxhttp.New(url).Shell(sh).Retries(1).RetryDelay(time.Millisecond).Text(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 800*time.Millisecond {
		t.Errorf("retried after %s, want about the 1s Retry-After asked for", waited)
	}
	var herr *daxhttp.Error
	_, err := daxhttp.New(url + "/later").Shell(sh).Retries(3).Text(context.Background())
	if !errors.As(err, &herr) || herr.StatusCode != 503 || hits.Load() != 3 {
		t.Errorf("Text() = %v after %d requests in all, want the 503 at once", err, hits.Load())
	}
}

func TestRequest_TimeoutStopsASlowServer(t *testing.T) {
	t.Parallel()
	url, _ := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	sh, _ := testShell(t)
	_, err := daxhttp.New(url).Shell(sh).Timeout(50 * time.Millisecond).Text(context.Background())
	var herr *daxhttp.Error
	if !errors.As(err, &herr) || !herr.TimedOut() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Text() = %v, want a timed-out HTTPError wrapping DeadlineExceeded", err)
	}
	if want := "GET " + url + ": timed out after 50ms"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

func TestRequest_SendsJSONAndDecodesJSON(t *testing.T) {
	t.Parallel()
	url, _ := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"method":%q,"type":%q,"accept":%q,"body":%q}`,
			r.Method, r.Header.Get("Content-Type"), r.Header.Get("Accept"), body)
	})
	var got map[string]string
	err := daxhttp.New(url).BodyJSON(map[string]int{"replicas": 3}).JSON(context.Background(), &got)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"method": "POST", "type": "application/json", "accept": "application/json", "body": `{"replicas":3}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("server saw (-want +got):\n%s", diff)
	}
}

func TestRequest_JSONThatDoesNotDecodeIsNotRetried(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, "<html>") })
	var v any
	err := daxhttp.New(url).Retries(2).RetryDelay(time.Millisecond).JSON(context.Background(), &v)
	if err == nil || !strings.Contains(err.Error(), "decoding the body as JSON") || hits.Load() != 1 {
		t.Errorf("JSON() = %v after %d requests, want a decoding error after 1", err, hits.Load())
	}
}

func TestDownload_WritesTheFileWhenCompleteWithPlainProgress(t *testing.T) {
	t.Parallel()
	chunk := strings.Repeat("x", 10000)
	url, _ := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", "30000")
		for range 3 {
			fmt.Fprint(w, chunk)
			http.NewResponseController(w).Flush()
			time.Sleep(30 * time.Millisecond)
		}
	})
	dir := t.TempDir()
	sh, log := testShell(t, dax.WithDir(dir))
	err := daxhttp.New(url).Shell(sh).Progress(dax.ProgressDelay(0), dax.ProgressEvery(10*time.Millisecond)).Download(context.Background(), "app.bin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "app.bin"))
	if err != nil || string(got) != strings.Repeat(chunk, 3) {
		t.Errorf("downloaded %d bytes, %v, want 30000", len(got), err)
	}
	if names := fileNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only app.bin", names)
	}
	lines := log.lines()
	if len(lines) < 2 || lines[0] != "info: Downloading app.bin (0/30000)" || !strings.HasPrefix(lines[1], "info: Downloading app.bin (") {
		t.Errorf("logged %q, want plain progress lines", lines)
	}
}

func TestDownload_LeavesTheOldFileWhenTheDownloadBreaksOff(t *testing.T) {
	t.Parallel()
	url, _ := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", "1000")
		fmt.Fprint(w, "partial")
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "app.bin")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := daxhttp.New(url).NoProgress().Download(context.Background(), path)
	var herr *daxhttp.Error
	if !errors.As(err, &herr) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Download() = %v, want an HTTPError for the short body", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file holds %q, want the old content", got)
	}
	if names := fileNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only app.bin", names)
	}
}

func TestRequest_KeepsSecretsInTheURLQueryAndHeadersOutOfEveryError(t *testing.T) {
	t.Parallel()
	const token, key = "bearer-t0ken/+=", "query-k3y&x"
	echo, _ := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Error(w, "denied: "+r.Header.Get("Authorization")+" "+r.URL.RawQuery+" "+r.URL.Query().Get("key"), http.StatusUnauthorized)
	})
	slow, _ := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + neturl.UserPassword("user", token).String() + "@" + l.Addr().String()
	_ = l.Close() // nothing listens there now

	sh, log := testShell(t)
	for name, req := range map[string]daxhttp.Request{
		"status":  daxhttp.New(echo).Shell(sh).QuerySecret("key", key).Bearer(dax.Secret(token)),
		"refused": daxhttp.New(closed).Shell(sh).QuerySecret("key", key).Retries(1).RetryDelay(time.Millisecond),
		"timeout": daxhttp.New(slow).Shell(sh).QuerySecret("key", key).Timeout(20 * time.Millisecond),
		"basic":   daxhttp.New(echo).Shell(sh).BasicAuth("user", dax.Secret(token)),
	} {
		_, err := req.Text(context.Background())
		var herr *daxhttp.Error
		if !errors.As(err, &herr) {
			t.Fatalf("%s: Text() = %v, want an HTTPError", name, err)
		}
		for _, text := range []string{err.Error(), herr.URL, herr.Body, req.String(), fmt.Sprintf("%+v", herr)} {
			if strings.Contains(text, "t0ken") || strings.Contains(text, "k3y") || strings.Contains(text, "dXNlcjpiZWFyZXI") {
				t.Errorf("%s: %q shows a secret", name, text)
			}
		}
		if !strings.Contains(err.Error(), "***") {
			t.Errorf("%s: Error() = %q, want secrets as ***", name, err)
		}
	}
	if strings.Contains(log.String(), "t0ken") || strings.Contains(log.String(), "k3y") {
		t.Errorf("logged a secret: %q", log.String())
	}
}

func TestRequest_BadInputIsAnErrorFromTheSink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		req  daxhttp.Request
		want string
	}{
		"relative URL":            {daxhttp.New("/x"), "daxhttp: request: the URL must be absolute, starting with http:// or https://"},
		"bad URL":                 {daxhttp.New("https://host:port/"), `daxhttp: request: invalid URL: invalid port ":port" after host`},
		"bad URL with a password": {daxhttp.New("https://user:s3cret/@host/"), "daxhttp: request: invalid URL (not shown: it has a user:password part)"},
		"method":                  {daxhttp.New("https://host/").Method("GET /"), `daxhttp: request: invalid method "GET /"`},
		"retries":                 {daxhttp.New("https://host/").Retries(-1), "daxhttp: request: -1 retries, want 0 or more"},
		"JSON body":               {daxhttp.New("https://host/").BodyJSON(func() {}), "daxhttp: request: encoding the body as JSON: json: unsupported type: func()"},
		"zero value":              {daxhttp.Request{}, "daxhttp: empty Request; build one with New"},
	} {
		_, err := tc.req.Text(ctx)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: Text() = %v, want %q", name, err, tc.want)
		}
	}
	if err := daxhttp.New("https://host/").Download(ctx, ""); err == nil || err.Error() != "daxhttp: download: empty path" {
		t.Errorf("Download(\"\") = %v, want an error", err)
	}
}

func fileNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// syncBuffer is a log safe to read while a progress bar writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *syncBuffer) lines() []string {
	return strings.Split(strings.TrimSuffix(l.String(), "\n"), "\n")
}

// testShell returns a Shell logging to a buffer.
func testShell(t *testing.T, opts ...dax.Option) (sh *dax.Shell, log *syncBuffer) {
	t.Helper()
	log = &syncBuffer{}
	sh, err := dax.New(append([]dax.Option{dax.WithLogger(log)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return sh, log
}

func TestDownload_ToAMissingDirectoryFailsAtOnceNamingThePath(t *testing.T) {
	t.Parallel()
	url, hits := testServer(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, "data") })
	path := filepath.Join(t.TempDir(), "missing", "app.bin")
	err := daxhttp.New(url).Retries(2).RetryDelay(time.Millisecond).NoProgress().Download(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "writing "+path+": ") || hits.Load() != 1 {
		t.Errorf("Download() = %v after %d requests, want an error naming %s after 1", err, hits.Load(), path)
	}
}
