package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

func testState(dir string) *State {
	return &State{
		Dir:      dir,
		RunDir:   filepath.Join(dir, "run"),
		Moto:     Service{Proc: Proc{Pid: 10, Start: 100}, Port: 4566},
		Registry: Service{Proc: Proc{Pid: 11, Start: 101}, Port: 5000},
		Docker:   Service{Proc: Proc{Pid: 12, Start: 102}, Children: []Proc{{Pid: 13, Start: 103}}},
	}
}

func TestEnv_PointsEverySettingAtTheSandbox(t *testing.T) {
	t.Parallel()
	st := testState("/s/sandbox")
	want := []string{
		"AWS_ACCESS_KEY_ID=AKIAGODAXSANDBOX0000",
		"AWS_CONFIG_FILE=/s/sandbox/aws/config",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=http://127.0.0.1:4566",
		"AWS_REGION=us-east-1",
		"AWS_SECRET_ACCESS_KEY=godax-sandbox-secret-key",
		"AWS_SHARED_CREDENTIALS_FILE=/s/sandbox/aws/credentials",
		"DOCKER_CONFIG=/s/sandbox/docker-config",
		"DOCKER_HOST=unix:///s/sandbox/run/docker.sock",
		"ECR_ACCOUNT=111122223333",
		"ECR_CACHE_DIR=/s/sandbox/ecr-cache",
		"ECR_REGISTRY=127.0.0.1:5000",
		"ECR_ROLE=arn:aws:iam::111122223333:role/godax-deployer",
		"GODAX_SANDBOX_DIR=/s/sandbox",
	}
	if diff := cmp.Diff(want, st.Env()); diff != "" {
		t.Errorf("Env() mismatch (-want +got):\n%s", diff)
	}
}

// TestExports_ShellReadsBackExactlyEnv runs the export lines in a shell
// and checks that every variable holds exactly the value of Env, even for
// a state folder whose name is full of shell syntax.
func TestExports_ShellReadsBackExactlyEnv(t *testing.T) {
	t.Parallel()
	st := testState(`/tmp/it's "a" $(dir) with spaces; rm -rf ~/sandbox`)
	file, err := syntax.NewParser().Parse(strings.NewReader(st.Exports()), "exports")
	if err != nil {
		t.Fatalf("parse Exports(): %v\n%s", err, st.Exports())
	}
	start := []string{"AWS_PROFILE=prod", "AWS_SESSION_TOKEN=tok", "KEEP=1"}
	r, err := interp.New(interp.Env(expand.ListEnviron(start...)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background(), file); err != nil {
		t.Fatalf("run Exports(): %v", err)
	}
	got := map[string]string{}
	for name, vr := range r.Vars {
		if vr.IsSet() && vr.Exported {
			got[name] = vr.String()
		}
	}
	want := map[string]string{"KEEP": "1"}
	for _, kv := range st.Env() {
		k, v, _ := strings.Cut(kv, "=")
		want[k] = v
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("environment after Exports() (-want +got):\n%s", diff)
	}
}

func TestState_SaveThenReadRoundTrips(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	want := testState(dir)
	if err := want.save(); err != nil {
		t.Fatal(err)
	}
	got, err := readState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readState after save (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "state.json" {
		t.Errorf("folder holds %v, want only state.json (no temp file left)", entries)
	}
}

func TestReadState_MissingFileSaysNotRunningAndHowToStart(t *testing.T) {
	t.Parallel()
	_, err := readState(filepath.Join(t.TempDir(), "sandbox"))
	if !errors.Is(err, ErrNotRunning) {
		t.Fatalf("readState error = %v, want ErrNotRunning", err)
	}
	if !strings.Contains(err.Error(), "go run mage.go sandbox:up") {
		t.Errorf("error %q does not say how to start the sandbox", err)
	}
}

func TestReadState_RejectsStateOfAnotherFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"dir": "/elsewhere/sandbox"}`)
	if err := os.WriteFile(filepath.Join(dir, "state.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readState(dir); err == nil || !strings.Contains(err.Error(), "/elsewhere/sandbox") {
		t.Errorf("readState error = %v, want one naming /elsewhere/sandbox", err)
	}
}

func TestRunDirFor_KeepsShortFoldersInsideTheSandbox(t *testing.T) {
	t.Parallel()
	got, err := runDirFor("/work/.godax/sandbox", "/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("/work/.godax/sandbox/run", got); diff != "" {
		t.Errorf("runDirFor (-want +got):\n%s", diff)
	}
}

func TestRunDirFor_MovesSocketsOfLongFoldersToTemp(t *testing.T) {
	t.Parallel()
	long := "/" + strings.Repeat("very-long-folder-name/", 5) + "sandbox"
	got, err := runDirFor(long, "/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "/tmp/godax-") {
		t.Errorf("runDirFor(%q) = %q, want a folder under /tmp", long, got)
	}
	if n := len(got + longestRunPath); n > maxSocketPath {
		t.Errorf("longest socket %s%s is %d bytes, over %d", got, longestRunPath, n, maxSocketPath)
	}
	other, err := runDirFor(long+"2", "/tmp")
	if err != nil {
		t.Fatal(err)
	}
	if other == got {
		t.Errorf("two sandboxes share the run folder %s", got)
	}
	again, _ := runDirFor(long, "/tmp")
	if again != got {
		t.Errorf("runDirFor is not stable: %s then %s", got, again)
	}
}

func TestRunDirFor_FallsBackToSlashTmpWhenTempIsLong(t *testing.T) {
	t.Parallel()
	long := "/" + strings.Repeat("x", 100)
	got, err := runDirFor(long+"/sandbox", long)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "/tmp/godax-") {
		t.Errorf("runDirFor = %q, want a folder under /tmp", got)
	}
}

func TestRegistryConfig_ListensOnLoopbackWithHtpasswd(t *testing.T) {
	t.Parallel()
	st := testState("/s/sandbox")
	data, err := st.registryConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"addr": "127.0.0.1:5000"`,
		`"rootdirectory": "/s/sandbox/registry/data"`,
		`"path": "/s/sandbox/registry/htpasswd"`,
		`"version": "0.1"`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("registry config lacks %s:\n%s", want, data)
		}
	}
}

func TestDockerdArgs_KeepEverythingPrivate(t *testing.T) {
	t.Parallel()
	st := testState("/s/sandbox")
	want := []string{
		"dockerd", "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
		"--data-root", "/s/sandbox/docker/data",
		"--exec-root", "/s/sandbox/run/exec",
		"--pidfile", "/s/sandbox/docker/dockerd.pid",
		"--config-file", "/s/sandbox/docker/daemon.json",
		"-H", "unix:///s/sandbox/run/docker.sock",
	}
	if diff := cmp.Diff(want, st.dockerdArgs()); diff != "" {
		t.Errorf("dockerdArgs (-want +got):\n%s", diff)
	}
}
