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

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

var digestB = "sha256:" + strings.Repeat("b", 64)

func TestPush_ReturnsTheDigestDockerPrints(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "push", "127.0.0.1:5000/app:abc").
		Stdout("The push refers to repository [reg/app]\nabc: digest: " + digestB + " size: 528\n")
	got, err := CLI{Name: "docker", Shell: sh.Shell}.Push(t.Context(), "127.0.0.1:5000/app:abc", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got != digestB {
		t.Errorf("got %q, want %q", got, digestB)
	}
}

func TestPush_FallsBackOnRepoDigestsWhenTheOutputHasNoDigest(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "push", "127.0.0.1:5000/app:abc").Stdout("pushed\n")
	sh.Expect("docker", "image", "inspect", "--format", "{{json .RepoDigests}}", "127.0.0.1:5000/app:abc").
		Stdout(`["127.0.0.1:5000/app-old@sha256:` + strings.Repeat("a", 64) + `","127.0.0.1:5000/app@` + digestB + `"]` + "\n")
	got, err := CLI{Name: "docker", Shell: sh.Shell}.Push(t.Context(), "127.0.0.1:5000/app:abc", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got != digestB {
		t.Errorf("got %q, want %q", got, digestB)
	}
}

func TestPush_UsesPodmansDigestFile(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("podman", "push", "--digestfile", daxtest.AnyArg, "reg/app:1").Do(func(_ context.Context, inv dax.Invocation) error {
		return os.WriteFile(inv.Args[3], []byte(digestB), 0o600)
	})
	got, err := CLI{Name: "podman", Shell: sh.Shell}.Push(t.Context(), "reg/app:1", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got != digestB {
		t.Errorf("got %q, want %q", got, digestB)
	}
}

func TestPush_FailureEndsWithTheToolsError(t *testing.T) {
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "push", "reg/app:1").Stdout("Preparing\n").
		Stderr("denied: requested access to the resource is denied\n").Exit(1)
	_, err := CLI{Name: "docker", Shell: sh.Shell}.Push(t.Context(), "reg/app:1", io.Discard)
	var ce *dax.CommandError
	if !errors.As(err, &ce) || ce.ExitStatus() != 1 {
		t.Fatalf("got %v, want a CommandError with exit status 1", err)
	}
	want := "push reg/app:1: docker push reg/app:1: exit status 1: denied: requested access to the resource is denied"
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
}

// buildContext returns a build context folder with a Dockerfile.
func buildContext(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// expectLegacyBuild expects the check for buildx, which fails, and the
// legacy build of app:1 in dir that follows it, run with BuildKit off.
func expectLegacyBuild(t *testing.T, sh *daxtest.Shell, dir string) *daxtest.Call {
	sh.Expect("docker", "buildx", "version").Exit(1)
	return sh.Expect("docker", "build", "--tag", "app:1", dir).
		Do(func(_ context.Context, inv dax.Invocation) error {
			if got := inv.Getenv("DOCKER_BUILDKIT"); got != "0" {
				t.Errorf("the legacy build ran with DOCKER_BUILDKIT=%q, want 0", got)
			}
			return nil
		})
}

// The build tests share legacyWhy, so they do not run in parallel.

func TestBuild_FailureEndsWithTheToolsError(t *testing.T) {
	dir := buildContext(t)
	sh := daxtest.New(t)
	expectLegacyBuild(t, sh, dir).Stdout("Step 2/3 : COPY app /app\n").
		Stderr("COPY failed: file not found in build context\n").Exit(1)
	err := CLI{Name: "docker", Shell: sh.Shell}.Build(t.Context(), BuildOptions{Context: dir, Tags: []string{"app:1"}, Output: io.Discard})
	if err == nil || !strings.HasSuffix(err.Error(), ": exit status 1: COPY failed: file not found in build context") {
		t.Errorf("got %v, want the tool's last error line", err)
	}
}

func TestPing_NamesDockerHostWhenTheDaemonIsDown(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nowhere.sock")
	sh := daxtest.New(t)
	sh.Expect("docker", "version", "--format", "{{.Server.Version}}").
		Stderr("Cannot connect to the Docker daemon at unix:///nowhere.sock. Is the docker daemon running?\n").Exit(1)
	err := CLI{Name: "docker", Shell: sh.Shell}.Ping(t.Context())
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
	t.Parallel()
	sh := daxtest.New(t)
	sh.Expect("docker", "image", "inspect", "--format", daxtest.AnyArg, "app:1").
		Stderr("Error: No such image: app:1\n").Exit(1)
	_, err := CLI{Name: "docker", Shell: sh.Shell}.ImageID(t.Context(), "app:1")
	if !errors.Is(err, ErrNoImage) {
		t.Errorf("got %v, want ErrNoImage", err)
	}
}

func TestBuild_LeavesOutTheLegacyBuildersNoticeAndSaysWhyOnce(t *testing.T) {
	dir := buildContext(t)
	sh := daxtest.New(t)
	for range 2 {
		expectLegacyBuild(t, sh, dir).Stdout("Step 1/1 : FROM scratch\nSuccessfully tagged app:1\n").
			Stderr("DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n" +
				"            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n" +
				"            environment-variable.\n")
	}
	legacyWhy = sync.Once{}
	var out strings.Builder
	for range 2 {
		if err := (CLI{Name: "docker", Shell: sh.Shell}).Build(t.Context(), BuildOptions{Context: dir, Tags: []string{"app:1"}, Output: &out}); err != nil {
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
