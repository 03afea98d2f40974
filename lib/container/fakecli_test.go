package container

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
)

// fakeCLI puts a shell script called name first on PATH for the rest of
// the test, and returns the file where it logs each call's arguments, one
// call per line. body is the script's case branches on "$1".
func fakeCLI(t *testing.T, name, body string) string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\ncase \"$1\" in\n" + body + "\nesac\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

func calls(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

var digestB = "sha256:" + strings.Repeat("b", 64)

func TestPush_ReturnsTheDigestDockerPrints(t *testing.T) {
	log := fakeCLI(t, "docker", `push) echo "The push refers to repository [reg/app]"; echo "abc: digest: `+digestB+` size: 528";;`)
	got, err := CLI{Name: "docker"}.Push(context.Background(), "127.0.0.1:5000/app:abc", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got != digestB {
		t.Errorf("got %q, want %q", got, digestB)
	}
	if d := cmp.Diff([]string{"push 127.0.0.1:5000/app:abc"}, calls(t, log)); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestPush_FallsBackOnRepoDigestsWhenTheOutputHasNoDigest(t *testing.T) {
	log := fakeCLI(t, "docker", `push) echo pushed;;
image) echo '["127.0.0.1:5000/app-old@sha256:`+strings.Repeat("a", 64)+`","127.0.0.1:5000/app@`+digestB+`"]';;`)
	got, err := CLI{Name: "docker"}.Push(context.Background(), "127.0.0.1:5000/app:abc", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got != digestB {
		t.Errorf("got %q, want %q", got, digestB)
	}
	want := []string{"push 127.0.0.1:5000/app:abc", "image inspect --format {{json .RepoDigests}} 127.0.0.1:5000/app:abc"}
	if d := cmp.Diff(want, calls(t, log)); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestPush_UsesPodmansDigestFile(t *testing.T) {
	log := fakeCLI(t, "podman", `push) printf '%s' `+digestB+` > "$3";;`)
	got, err := CLI{Name: "podman"}.Push(context.Background(), "reg/app:1", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got != digestB {
		t.Errorf("got %q, want %q", got, digestB)
	}
	if c := calls(t, log); len(c) != 1 || !strings.HasPrefix(c[0], "push --digestfile ") || !strings.HasSuffix(c[0], " reg/app:1") {
		t.Errorf("got calls %q, want one push with a digest file", c)
	}
}

func TestPush_FailureEndsWithTheToolsError(t *testing.T) {
	fakeCLI(t, "docker", `push) echo "Preparing"; echo "denied: requested access to the resource is denied" >&2; exit 1;;`)
	_, err := CLI{Name: "docker"}.Push(context.Background(), "reg/app:1", io.Discard)
	var ce *dax.CommandError
	if !errors.As(err, &ce) || ce.ExitStatus() != 1 {
		t.Fatalf("got %v, want a CommandError with exit status 1", err)
	}
	want := "push reg/app:1: docker push reg/app:1: exit status 1: denied: requested access to the resource is denied"
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
}

func TestBuild_FailureEndsWithTheToolsError(t *testing.T) {
	fakeCLI(t, "docker", `buildx) exit 1;;
build) echo "Step 2/3 : COPY app /app"; echo "COPY failed: file not found in build context" >&2; exit 1;;`)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := CLI{Name: "docker"}.Build(context.Background(), BuildOptions{Context: dir, Tags: []string{"app:1"}, Output: io.Discard})
	if err == nil || !strings.HasSuffix(err.Error(), ": exit status 1: COPY failed: file not found in build context") {
		t.Errorf("got %v, want the tool's last error line", err)
	}
}

func TestPing_NamesDockerHostWhenTheDaemonIsDown(t *testing.T) {
	fakeCLI(t, "docker", `version) echo "Cannot connect to the Docker daemon at unix:///nowhere.sock. Is the docker daemon running?" >&2; exit 1;;`)
	t.Setenv("DOCKER_HOST", "unix:///nowhere.sock")
	err := CLI{Name: "docker"}.Ping(context.Background())
	var de *DaemonError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a DaemonError", err)
	}
	want := "docker daemon not reachable at DOCKER_HOST=unix:///nowhere.sock: Cannot connect to the Docker daemon at unix:///nowhere.sock. Is the docker daemon running?"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
}

func TestPing_SaysWhenTheToolIsNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := CLI{Name: "nerdctl"}.Ping(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), `container CLI "nerdctl" not found on PATH`) {
		t.Errorf("got %v, want a not-found error", err)
	}
}

func TestImageID_WrapsErrNoImage(t *testing.T) {
	fakeCLI(t, "docker", `image) echo "Error: No such image: app:1" >&2; exit 1;;`)
	_, err := CLI{Name: "docker"}.ImageID(context.Background(), "app:1")
	if !errors.Is(err, ErrNoImage) {
		t.Errorf("got %v, want ErrNoImage", err)
	}
}

func TestBuild_LeavesOutTheLegacyBuildersNoticeAndSaysWhyOnce(t *testing.T) {
	fakeCLI(t, "docker", `buildx) exit 1;;
build) echo "Step 1/1 : FROM scratch"
  printf 'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n            environment-variable.\n' >&2
  echo "Successfully tagged app:1";;`)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	legacyWhy = sync.Once{}
	var out strings.Builder
	for range 2 {
		if err := (CLI{Name: "docker"}).Build(context.Background(), BuildOptions{Context: dir, Tags: []string{"app:1"}, Output: &out}); err != nil {
			t.Fatal(err)
		}
	}
	got := out.String()
	if strings.Contains(got, "DEPRECATED") || strings.Contains(got, "environment-variable") {
		t.Errorf("the deprecation notice got through:\n%s", got)
	}
	if n := strings.Count(got, "docker has no buildx plugin"); n != 1 {
		t.Errorf("the reason was given %d times, want once:\n%s", n, got)
	}
	if n := strings.Count(got, "Successfully tagged app:1\n"); n != 2 {
		t.Errorf("the build's own output was lost:\n%s", got)
	}
}
