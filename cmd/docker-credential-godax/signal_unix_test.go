//go:build unix

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGet_ASignalStopsTheFetchersGetWithItsStatus stops a get the fetcher
// took over while ECR does not answer, as docker or systemd stopping the
// docker CLI's group would: the fetcher must answer with one protocol
// line saying why, and exit 128 plus the signal's number, rather than
// die mid-get.
func TestGet_ASignalStopsTheFetchersGetWithItsStatus(t *testing.T) {
	t.Parallel()
	bin := build(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		asked, release := make(chan struct{}, 1), make(chan struct{})
		ecr := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case asked <- struct{}{}:
			default:
			}
			select { // never answers
			case <-r.Context().Done():
			case <-release:
			}
		}))
		dir := t.TempDir()
		cmd := exec.Command(filepath.Join(bin, "docker-credential-godax"), "get")
		cmd.Env = env(&fakeECR{Server: ecr}, dir, "ECR_NO_CACHE=1")
		cmd.Stdin = strings.NewReader("https://" + ecrHost + "\n")
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-asked:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("%v: the fetcher did not ask ECR within 10s", sig)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_ = cmd.Wait()
		took := time.Since(start)
		close(release)
		ecr.Close()
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ws.Signaled() || ws.ExitStatus() != 128+int(sig) {
			t.Errorf("%v: %v, want exit status %d", sig, cmd.ProcessState, 128+int(sig))
		}
		if got := out.String(); !strings.HasPrefix(got, "stopped by SIG") || strings.Count(got, "\n") != 1 {
			t.Errorf("%v: stdout %q, want one line saying which signal stopped the get", sig, got)
		}
		if took > 5*time.Second {
			t.Errorf("%v: the fetcher took %s to stop", sig, took.Round(time.Millisecond))
		}
	}
}
