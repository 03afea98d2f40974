package daxhttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

// Request is an HTTP request waiting to be sent: its URL, method,
// headers, body and how it is retried. Make one with [New]. Like
// [dax.Command] it is an immutable value: every modifier
// ([Request.Header], [Request.Bearer], [Request.Retries] ...) returns a
// new one, so a configured base request can be reused and shared between
// goroutines. The sinks ([Request.Text], [Request.JSON],
// [Request.Download] ...) send it.
//
// A response whose status is not 2xx is an error, an [*Error], as is any
// failure to send the request or read its response.
//
// # Secrets
//
// Values given as a [dax.Secret] ([Request.Bearer],
// [Request.HeaderSecret], [Request.QuerySecret], [Request.BasicAuth])
// and the password of a URL (https://user:password@host) are shown as
// *** in [Request.String], in errors and in log lines, in every form
// [dax.Redact] knows.
//
// # Retries
//
// With [Request.Retries], a request that fails to connect, times out,
// breaks off while its response is read, or gets a 429, 500, 502, 503 or
// 504 status is sent again, after a wait that doubles each time
// ([Request.RetryDelay]), or the time a Retry-After header asks for, up
// to 30s; a server asking for more is not retried. POST, PATCH and other
// methods that are not idempotent are not retried unless
// [Request.Idempotent] says they may be. Each retry is logged as a
// warning.
type Request struct {
	sh      *dax.Shell // nil: dax's package-level functions
	url     *url.URL
	shown   string
	secrets []dax.Secret
	err     error // a bad URL or body, reported by the sinks

	method     string
	header     http.Header
	body       []byte
	hasBody    bool
	timeout    time.Duration
	retries    int
	delay      time.Duration
	idempotent bool
	progress   []dax.ProgressOption
	noProgress bool
}

// New returns a GET request for rawURL. rawURL is an absolute http or
// https URL; a password in it is redacted wherever the request is shown.
// An invalid URL is an error from the sink, which does not repeat the
// URL, since it may hold a secret.
//
//	var release struct{ TagName string `json:"tag_name"` }
//	err := daxhttp.New("https://api.example.com/releases/latest").
//		Bearer(dax.Secret(token)).Retries(3).JSON(ctx, &release)
func New(rawURL string) Request {
	r := Request{delay: 500 * time.Millisecond}
	u, err := url.Parse(rawURL)
	var uerr *url.Error
	switch {
	case err != nil && strings.Contains(rawURL, "@"):
		// What went wrong quotes a piece of the URL, which may be of
		// its password.
		r.err = errors.New("request: invalid URL (not shown: it has a user:password part)")
	case errors.As(err, &uerr):
		r.err = fmt.Errorf("request: invalid URL: %w", uerr.Err) // without the URL, quoted again
	case err != nil:
		r.err = fmt.Errorf("request: invalid URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		r.err = errors.New("request: the URL must be absolute, starting with http:// or https://")
	}
	if r.err != nil {
		return r
	}
	r.url = u
	if pw, ok := u.User.Password(); ok {
		r.secrets = []dax.Secret{dax.Secret(pw)}
	}
	r.show()
	return r
}

// show updates the request's shown URL, secrets as ***.
func (r *Request) show() {
	r.shown = dax.Redact(r.url.String(), r.secrets...)
}

// Shell returns a copy of r sent for sh: [Request.Download] writes
// relative to its working directory, and progress and retries are logged
// to its logger. The default is dax's default Shell: the process's
// directory and standard error.
func (r Request) Shell(sh *dax.Shell) Request {
	r.sh = sh
	return r
}

// String returns the method and URL as shown in errors: "GET
// https://example.com/x?token=***".
func (r Request) String() string {
	if r.err != nil {
		return "<bad request: " + r.err.Error() + ">"
	}
	if r.url == nil {
		return "<empty request>"
	}
	return r.methodName() + " " + r.shown
}

// methodName returns the method: the one set, or GET, or POST when the
// request has a body.
func (r Request) methodName() string {
	switch {
	case r.method != "":
		return r.method
	case r.hasBody:
		return http.MethodPost
	}
	return http.MethodGet
}

// setErr records the first error building r, which its sinks report.
func (r *Request) setErr(err error) {
	if r.err == nil {
		r.err = err
	}
}

// Method returns a copy of r sent with method, such as "PUT" or
// "DELETE". The default is GET, or POST for a request with a body.
func (r Request) Method(method string) Request {
	if method == "" || strings.ContainsAny(method, " \t\r\n/") {
		r.setErr(fmt.Errorf("request: invalid method %q", method))
		return r
	}
	r.method = strings.ToUpper(method)
	return r
}

// Header returns a copy of r with the header key set to value, replacing
// any earlier value. Use [Request.HeaderSecret] for a value that must
// not be shown.
func (r Request) Header(key, value string) Request {
	r.header = r.header.Clone()
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(key, value)
	return r
}

// HeaderSecret returns a copy of r with the header key set to value,
// which is redacted wherever the request is shown.
func (r Request) HeaderSecret(key string, value dax.Secret) Request {
	r.secrets = append(slices.Clip(r.secrets), value)
	return r.Header(key, string(value))
}

// Bearer is shorthand for the header "Authorization: Bearer " and token,
// with token redacted.
func (r Request) Bearer(token dax.Secret) Request {
	return r.HeaderSecret("Authorization", "Bearer "+token)
}

// BasicAuth is shorthand for the Authorization header of HTTP basic
// authentication with user and password, with password redacted (and the
// header, which holds it in base64).
func (r Request) BasicAuth(user string, password dax.Secret) Request {
	r.secrets = append(slices.Clip(r.secrets), password)
	return r.HeaderSecret("Authorization", dax.Secret("Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+string(password)))))
}

// Query returns a copy of r with the query parameter key=value added to
// its URL, both escaped. Use [Request.QuerySecret] for a value that
// must not be shown.
func (r Request) Query(key, value string) Request {
	if r.url == nil {
		return r
	}
	u := *r.url
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += url.QueryEscape(key) + "=" + url.QueryEscape(value)
	r.url = &u
	r.show()
	return r
}

// QuerySecret returns a copy of r with the query parameter key=value added
// to its URL, value shown as ***.
func (r Request) QuerySecret(key string, value dax.Secret) Request {
	r.secrets = append(slices.Clip(r.secrets), value)
	return r.Query(key, string(value))
}

// BodyJSON returns a copy of r whose body is v encoded as JSON, with the
// header "Content-Type: application/json" unless one is set. v is encoded
// now; a value that cannot be is an error from the sink.
func (r Request) BodyJSON(v any) Request {
	b, err := json.Marshal(v)
	if err != nil {
		r.setErr(fmt.Errorf("request: encoding the body as JSON: %w", err))
		return r
	}
	r = r.BodyBytes(b)
	if r.header.Get("Content-Type") == "" {
		r = r.Header("Content-Type", "application/json")
	}
	return r
}

// BodyString returns a copy of r whose body is s.
func (r Request) BodyString(s string) Request {
	return r.BodyBytes([]byte(s))
}

// BodyBytes returns a copy of r whose body is a copy of b.
func (r Request) BodyBytes(b []byte) Request {
	r.body, r.hasBody = bytes.Clone(b), true
	return r
}

// Timeout returns a copy of r whose every attempt fails when it takes
// longer than d, reading the response included, with an [Error]
// whose TimedOut is true. Zero, the default, means no limit beyond the
// sink's context, which bounds the whole, retries included.
func (r Request) Timeout(d time.Duration) Request {
	r.timeout = max(d, 0)
	return r
}

// Retries returns a copy of r that is sent again up to n times when it
// fails in a way worth retrying (see [Request]). The default is 0: no
// retry. n must not be negative.
func (r Request) Retries(n int) Request {
	if n < 0 {
		r.setErr(fmt.Errorf("request: %d retries, want 0 or more", n))
		return r
	}
	r.retries = n
	return r
}

// RetryDelay returns a copy of r that waits d before its first retry,
// twice as long before the second, and so on, up to 10s, each wait
// shortened by up to a fifth at random so that many clients do not retry
// at once. The default is 500ms.
func (r Request) RetryDelay(d time.Duration) Request {
	r.delay = max(d, 0)
	return r
}

// Idempotent returns a copy of r that may be retried whatever its method:
// say so for a POST that the server handles only once however often it is
// sent. GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent already.
func (r Request) Idempotent() Request {
	r.idempotent = true
	return r
}

// Progress returns a copy of r whose [Request.Download] shows its
// progress configured by opts, which come after the defaults: the length
// of the file when the server tells it, and [dax.ProgressDelay] of 1s, so
// that a quick download shows none.
func (r Request) Progress(opts ...dax.ProgressOption) Request {
	r.progress = slices.Concat(r.progress, opts)
	r.noProgress = false
	return r
}

// NoProgress returns a copy of r whose [Request.Download] shows no
// progress.
func (r Request) NoProgress() Request {
	r.noProgress = true
	return r
}

// Error is the error of a request that failed: its response had a
// status that is not 2xx, or it could not be sent, timed out, or its
// response could not be read. Use [errors.As] to get it from an error a
// sink returned.
type Error struct {
	// Method and URL are the request's, secrets in the URL shown as ***.
	Method, URL string
	// StatusCode is the status of the response, 0 when there was none;
	// Status is its text, like "404 Not Found".
	StatusCode int
	Status     string
	// Body is the start (a few KiB) of the body of a response whose
	// status is not 2xx, secrets replaced by ***.
	Body string
	// Attempts is how many times the request was sent.
	Attempts int
	// Timeout is the limit that passed when the last attempt timed out
	// ([Error.TimedOut]), 0 otherwise.
	Timeout time.Duration
	// Err is what went wrong when it was not the status: a connection
	// error, context.Canceled, context.DeadlineExceeded, an error
	// reading or decoding the body, or writing a download. Its message
	// has secrets redacted.
	Err error
}

// Error reads like "GET https://example.com/x: 404 Not Found: no such
// release" or "GET https://example.com/x: timed out after 5s (3
// attempts)": the request, what went wrong, and the start of the
// response's body.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method + " " + e.URL + ": ")
	switch {
	case e.TimedOut():
		fmt.Fprintf(&b, "timed out after %s", e.Timeout)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(e.Status)
		if body := oneLine(e.Body, 200); body != "" {
			b.WriteString(": " + body)
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// TimedOut reports whether the last attempt took longer than the
// request's [Request.Timeout].
func (e *Error) TimedOut() bool { return e.Timeout > 0 }

// oneLine returns s with its runs of white space as one space, cut to at
// most n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "..."
	}
	return s
}

// Text is shorthand for sending the request and reading the body of its
// response as text, unchanged.
func (r Request) Text(ctx context.Context) (string, error) {
	b, err := r.Bytes(ctx)
	return string(b), err
}

// Bytes is shorthand for sending the request and reading the body of its
// response.
func (r Request) Bytes(ctx context.Context) ([]byte, error) {
	var body []byte
	err := r.send(ctx, func(resp *http.Response) error {
		var err error
		body, err = io.ReadAll(resp.Body)
		return err
	})
	return body, err
}

// JSON is shorthand for sending the request, with the header "Accept:
// application/json" unless one is set, and decoding the body of its
// response as JSON into v.
func (r Request) JSON(ctx context.Context, v any) error {
	if r.header.Get("Accept") == "" {
		r = r.Header("Accept", "application/json")
	}
	return r.send(ctx, func(resp *http.Response) error {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return permanent{fmt.Errorf("decoding the body as JSON: %w", err)}
		}
		return nil
	})
}

// Download sends the request and writes the body of its response to the
// file at path, relative to the working directory of its
// [Request.Shell]. The file is replaced at once when the whole body has
// arrived, so that it is never seen half written and a failed download
// leaves it as it was; the body is written to a temporary file beside it
// until then. An error writing the file is not retried. Its progress is
// shown after a second, as [dax.Progress] shows it: a bar on a terminal,
// plain lines elsewhere; see [Request.Progress].
func (r Request) Download(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("daxhttp: download: empty path")
	}
	if r.sh != nil {
		path = r.sh.Path(path)
	}
	var bar *dax.ProgressBar
	defer func() {
		if bar != nil {
			bar.Done()
		}
	}()
	return r.send(ctx, func(resp *http.Response) error {
		length := int(max(resp.ContentLength, 0)) // -1: unknown
		switch {
		case r.noProgress:
		case bar == nil:
			opts := slices.Concat([]dax.ProgressOption{dax.ProgressLength(length), dax.ProgressDelay(time.Second)}, r.progress)
			bar = r.progressBar(ctx, "Downloading "+filepath.Base(path), opts)
		default: // a retry starts again
			bar.SetLength(length)
			bar.SetPosition(0)
		}
		return writeAtomic(path, &progressReader{r: resp.Body, bar: bar})
	})
}

// writeAtomic writes what r reads to the file at path: to a temporary
// file beside it, renamed to path once complete, and removed otherwise.
// An error writing the file is [permanent]; one reading r is not.
func writeAtomic(path string, r io.Reader) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return permanent{fmt.Errorf("writing %s: %w", path, err)}
	}
	defer func() {
		if err != nil {
			_ = f.Close()           // already failed: the file is removed
			_ = os.Remove(f.Name()) // best effort: a leftover .part file is harmless
		}
	}()
	w := &permanentWriter{w: f}
	if _, err := io.Copy(w, r); err != nil {
		return err
	}
	for _, step := range []func() error{f.Sync, func() error { return f.Chmod(0o644) }, f.Close} {
		if err := step(); err != nil {
			return permanent{err}
		}
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return permanent{err}
	}
	return nil
}

// progressReader moves a progress bar, when there is one, as it reads.
type progressReader struct {
	r   io.Reader
	bar *dax.ProgressBar
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if p.bar != nil {
		p.bar.Add(n)
	}
	return n, err
}

// permanentWriter marks its errors [permanent]: a full disk is no reason
// to download again.
type permanentWriter struct{ w io.Writer }

func (p *permanentWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if err != nil {
		err = permanent{err}
	}
	return n, err
}

// permanent is an error handling a response that sending the request
// again would not mend, unlike an error reading it.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// progressBar shows progress on the logger of r's Shell.
func (r Request) progressBar(ctx context.Context, message string, opts []dax.ProgressOption) *dax.ProgressBar {
	if r.sh == nil {
		return dax.Progress(ctx, message, opts...)
	}
	return r.sh.Progress(ctx, message, opts...)
}

// warn logs a warning to the logger of r's Shell.
func (r Request) warn(format string, args ...any) {
	if r.sh == nil {
		dax.Warn(format, args...)
	} else {
		r.sh.Warn(format, args...)
	}
}

// The limits of waiting between attempts.
const (
	maxRetryDelay = 10 * time.Second
	maxRetryAfter = 30 * time.Second
)

// send sends the request, retried as r says, and has read handle a
// response whose status is 2xx.
func (r Request) send(ctx context.Context, read func(*http.Response) error) error {
	if r.err != nil {
		return fmt.Errorf("daxhttp: %w", r.err)
	}
	if r.url == nil {
		return errors.New("daxhttp: empty Request; build one with New")
	}
	mayRetry := r.idempotent || slices.Contains([]string{"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}, r.methodName())
	delay := r.delay
	for attempt := 1; ; attempt++ {
		e, retryAfter, again := r.attempt(ctx, read)
		if e == nil {
			return nil
		}
		e.Attempts = attempt
		wait := delay
		if retryAfter > 0 {
			wait = retryAfter
		}
		if !again || !mayRetry || attempt > r.retries || retryAfter > maxRetryAfter || ctx.Err() != nil {
			return e
		}
		wait -= time.Duration(rand.Int64N(int64(wait)/5 + 1))
		r.warn("%s; retrying in %s (attempt %d of %d)", e, wait.Round(time.Millisecond), attempt+1, r.retries+1)
		if dax.Sleep(ctx, wait) != nil {
			return e
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// attempt sends the request once. It returns the error, if any, the wait
// a Retry-After header asked for, and whether the failure is worth
// another attempt.
func (r Request) attempt(ctx context.Context, read func(*http.Response) error) (e *Error, retryAfter time.Duration, again bool) {
	e = &Error{Method: r.methodName(), URL: r.shown}
	actx := ctx
	if r.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	// failed fills e for an error that is not a status, and reports
	// whether it is worth another attempt.
	failed := func(err error) (*Error, time.Duration, bool) {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // its message repeats the URL, secrets and all
		}
		if ctx.Err() == nil && actx.Err() != nil {
			e.Timeout = r.timeout
		}
		e.Err = dax.RedactError(err, r.secrets...)
		var p permanent
		return e, 0, !errors.As(err, &p) && ctx.Err() == nil
	}
	var body io.Reader
	if r.hasBody {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.methodName(), r.url.String(), body)
	if err != nil {
		_, _, _ = failed(err)
		return e, 0, false
	}
	for k, v := range r.header {
		req.Header[k] = slices.Clone(v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return failed(err)
	}
	defer resp.Body.Close() // read to its end or not needed: a close error loses nothing
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 4096)) // what arrived is enough to explain
		e.StatusCode, e.Status, e.Body = resp.StatusCode, resp.Status, dax.Redact(string(head), r.secrets...)
		again = slices.Contains([]int{429, 500, 502, 503, 504}, resp.StatusCode)
		return e, parseRetryAfter(resp.Header.Get("Retry-After")), again
	}
	if err := read(resp); err != nil {
		return failed(err)
	}
	return nil, 0, false
}

// parseRetryAfter returns the wait a Retry-After header value asks for,
// in seconds or as a date, or 0 when it asks for none or cannot be read.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
