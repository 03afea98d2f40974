package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// checkTimeout bounds one health request.
const checkTimeout = 2 * time.Second

// Check asks each of the sandbox's daemons whether it answers: moto over
// HTTP, the registry's GET /v2/ (401, since auth is on) and dockerd's
// _ping over its unix socket. The error names every one that does not, and
// wraps [ErrNotRunning].
func (s *State) Check(ctx context.Context) error {
	var errs []error
	for _, c := range s.checks() {
		if err := c.check(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.name, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrNotRunning, errors.Join(errs...))
	}
	return nil
}

type healthCheck struct {
	name  string
	check func(context.Context) error
}

func (s *State) checks() []healthCheck {
	return []healthCheck{
		{"moto", s.checkMoto},
		{"registry", s.checkRegistry},
		{"dockerd", s.checkDocker},
	}
}

// loopback sends health requests straight to 127.0.0.1, never through a
// proxy, on a fresh connection each time.
var loopback = &http.Transport{DisableKeepAlives: true}

// checkMoto expects moto's dashboard API to answer 200.
func (s *State) checkMoto(ctx context.Context) error {
	return httpStatus(ctx, loopback, s.Endpoint()+"/moto-api/", http.StatusOK)
}

// checkRegistry expects the registry's API root to ask for credentials.
func (s *State) checkRegistry(ctx context.Context) error {
	return httpStatus(ctx, loopback, "http://"+s.RegistryHost()+"/v2/", http.StatusUnauthorized)
}

// checkDocker expects the private dockerd to answer _ping on its socket.
func (s *State) checkDocker(ctx context.Context) error {
	socket := s.DockerSocket()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		DisableKeepAlives: true,
	}
	return httpStatus(ctx, tr, "http://dockerd/_ping", http.StatusOK)
}

// httpStatus sends GET url through tr and fails unless the answer has the
// status want.
func httpStatus(ctx context.Context, tr http.RoundTripper, url string, want int) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("GET %s: status %d, want %d", url, resp.StatusCode, want)
	}
	return nil
}

// logTail returns the last n lines of a log, indented, for an error message.
func logTail(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}
