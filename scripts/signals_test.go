//go:build linux

package scripts_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/godax/godax/lib/dax/signals"
	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/internal/state"
)

// The signal suite runs the targets as a user, timeout, docker stop,
// systemd or a CI runner does, and stops them with SIGINT, SIGTERM and
// SIGHUP in the middle of a step: a slow container CLI (a fake docker or
// podman first on PATH, which records its pid and its child's) or a
// deploy's wait. Each run must exit with 128 plus the signal's number,
// leave none of the fake's processes behind, leave its temporary folder
// (TMPDIR) empty, and a deploy must print its table.

// fakeCLI is the container CLI stand-in: the subcommand FAKE_SLOW names
// starts a child and waits, recording both pids in FAKE_PIDS, and takes
// a moment to stop when signalled, as a real build does; the others
// answer at once.
const fakeCLI = `#!/bin/sh
if [ "$1" = "$FAKE_SLOW" ]; then
	trap 'sleep 0.3; exit 143' TERM INT HUP
	sleep 300 &
	echo "$$ $!" >> "$FAKE_PIDS"
	wait
	exit 0
fi
case "$1" in
version) echo 28.2.0 ;;
buildx) exit 1 ;;
image) echo '[{"Id":"sha256:1111111111111111111111111111111111111111111111111111111111111111","RepoDigests":[]}]' ;;
esac
exit 0
`

var stopSignals = []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// suite is what every test shares: the compiled targets and the fake CLIs.
var suite = sync.OnceValues(func() (*suiteFiles, error) {
	made.suite.Store(true)
	root, err := state.ModuleRoot()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "godax-signals-")
	if err != nil {
		return nil, err
	}
	bin, err := compiledTargets()
	if err != nil {
		return nil, err
	}
	s := &suiteFiles{root: root, dir: dir, bin: bin, fakes: filepath.Join(dir, "fakes")}
	if err := os.Mkdir(s.fakes, 0o755); err != nil {
		return nil, err
	}
	for _, name := range []string{"docker", "podman"} {
		if err := os.WriteFile(filepath.Join(s.fakes, name), []byte(fakeCLI), 0o755); err != nil {
			return nil, err
		}
	}
	return s, nil
})

type suiteFiles struct {
	root, dir, bin, fakes string
}

func files(t *testing.T) *suiteFiles {
	t.Helper()
	if testing.Short() {
		t.Skip("compiles the targets")
	}
	s, err := suite()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// run is one run of the targets, in a process group of its own, as a
// shell starts a job.
type run struct {
	t        *testing.T
	cmd      *exec.Cmd
	out      string // the file of its output
	pids     string // the fake's pid file
	tmp      string // the run's TMPDIR
	waitErr  chan error
	finished bool
}

// start starts argv with env added to a private environment, the fake
// CLIs first on PATH and slow naming the subcommand that waits.
func start(t *testing.T, s *suiteFiles, slow string, argv []string, env ...string) *run {
	t.Helper()
	dir := t.TempDir()
	r := &run{t: t, pids: filepath.Join(dir, "pids"), tmp: filepath.Join(dir, "tmp"), waitErr: make(chan error, 1)}
	if err := os.Mkdir(r.tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := filepath.Join(dir, "context")
	if err := os.Mkdir(ctx, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(argv[0], argv[1:]...)
	r.cmd.Dir = s.root
	r.cmd.Env = append(os.Environ(),
		"PATH="+s.fakes+string(os.PathListSeparator)+os.Getenv("PATH"),
		"FAKE_SLOW="+slow, "FAKE_PIDS="+r.pids, "TMPDIR="+r.tmp, "CI=true",
		"GODAX_STATE_DIR="+filepath.Join(dir, "state"), "DOCKER_CONFIG="+filepath.Join(dir, "docker"),
		"ECR_CACHE_DIR="+filepath.Join(dir, "ecr"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"IMAGE_REPOSITORY=signals", "IMAGE_TAG=t1", "BUILD_CONTEXT="+ctx, "CONTAINER_CLI=docker")
	r.cmd.Env = append(r.cmd.Env, env...)
	// A file, not a pipe, so that Wait returns when the process ends,
	// not when the last process holding the output does.
	r.out = filepath.Join(dir, "output")
	out, err := os.Create(r.out)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	r.cmd.Stdout, r.cmd.Stderr = out, out
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.waitErr <- r.cmd.Wait() }()
	t.Cleanup(r.cleanup)
	return r
}

// cleanup stops what a failed test left: the run's group and the fake's
// processes, by pid.
func (r *run) cleanup() {
	for _, pid := range r.alive() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if !r.finished {
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.waitErr
	}
}

// what names what waitFor waits for.
func what(text string) string {
	if text == "" {
		return "the slow step"
	}
	return text
}

// waitFor waits until the output holds text or the fake has started
// (text ""), within limit.
func (r *run) waitFor(text string, limit time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if text == "" && len(r.recorded()) > 0 || text != "" && strings.Contains(r.output(), text) {
			return
		}
		select {
		case err := <-r.waitErr:
			r.finished = true
			r.t.Fatalf("the run ended (%v) before %q:\n%s", err, what(text), r.output())
		case <-time.After(20 * time.Millisecond):
		}
	}
	r.t.Fatalf("no %q within %s:\n%s", what(text), limit, r.output())
}

// output is what the run printed so far.
func (r *run) output() string {
	b, _ := os.ReadFile(r.out)
	return string(b)
}

// signal sends sig to the run's process, or to its whole process group.
func (r *run) signal(sig syscall.Signal, group bool) {
	r.t.Helper()
	pid := r.cmd.Process.Pid
	if group {
		pid = -pid
	}
	if err := syscall.Kill(pid, sig); err != nil {
		r.t.Fatal(err)
	}
}

// wait returns the run's exit status as a shell reports it (128 plus the
// signal's number when a signal ended it), within limit.
func (r *run) wait(limit time.Duration) int {
	r.t.Helper()
	select {
	case <-r.waitErr:
		r.finished = true
	case <-time.After(limit):
		r.t.Fatalf("still running %s after the signal:\n%s", limit, r.output())
	}
	ws := r.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// recorded returns the pids the fake recorded: its own and its child's.
func (r *run) recorded() []int {
	b, _ := os.ReadFile(r.pids)
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}

// alive returns the recorded pids that still run (a zombie does not).
func (r *run) alive() []int {
	var pids []int
	for _, pid := range r.recorded() {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		if _, rest, ok := strings.Cut(string(b), ") "); ok && !strings.HasPrefix(rest, "Z") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// orphans returns the fake's processes still running once the run is
// over: a run must not end before what it started.
func (r *run) orphans() []int { return r.alive() }

// leftovers names what the run left in its TMPDIR.
func (r *run) leftovers() []string {
	entries, _ := os.ReadDir(r.tmp)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// check checks a run stopped by sig: its status, its orphans, its
// temporary files.
func (r *run) check(sig syscall.Signal, status int) {
	r.t.Helper()
	if want := 128 + int(sig); status != want {
		r.t.Errorf("exit status %d, want %d:\n%s", status, want, r.output())
	}
	left := r.orphans()
	if len(left) > 0 {
		r.t.Errorf("%d of the fake CLI's processes still run after the run ended: %v", len(left), left)
	}
	if files := r.leftovers(); len(files) > 0 {
		r.t.Errorf("temporary files left: %v", files)
	}
	r.t.Logf("%s: exit %d, %d orphans", signals.Name(sig), status, len(left))
}

// moto is the AWS stand-in the login and deploy tests share, started on
// first use. Its ECS services never become stable (MOTO_ECS_SERVICE_RUNNING
// is 0), so a deploy waits until it is stopped.
var moto = sync.OnceValues(func() (*exec.Cmd, error) {
	made.moto.Store(true)
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	if err := l.Close(); err != nil {
		return nil, err
	}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", port)
	cmd.Env = append(os.Environ(), "MOTO_ECS_SERVICE_RUNNING=0")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	url := "http://127.0.0.1:" + port
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			_ = resp.Body.Close()
			cmd.Env = []string{"AWS_ENDPOINT_URL=" + url}
			return cmd, nil
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, fmt.Errorf("moto_server did not answer on %s within 30s", url)
})

func stopMoto() {
	if cmd, err := moto(); err == nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// awsEnv returns the variables that point a run at moto.
func awsEnv(t *testing.T) []string {
	t.Helper()
	cmd, err := moto()
	if err != nil {
		t.Skipf("no moto: %v", err)
	}
	return append(cmd.Env, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1")
}

// fakeRegistry answers every manifest request with the digest asked for,
// so a deploy of HOST/REPO@DIGEST finds its image.
func fakeRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ref, ok := strings.Cut(r.URL.Path, "/manifests/"); ok {
			w.Header().Set("Docker-Content-Digest", ref)
			w.Header().Set("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestSignals_BuildStopsTheContainerCLIAndExitsWithTheSignalsStatus(t *testing.T) {
	s := files(t)
	for _, sig := range stopSignals {
		t.Run(signals.Name(sig), func(t *testing.T) {
			r := start(t, s, "build", []string{s.bin, "build"})
			r.waitFor("", 30*time.Second)
			r.signal(sig, false) // as kill PID and docker stop do
			r.check(sig, r.wait(15*time.Second))
		})
	}
}

func TestSignals_LoginStopsTheContainerCLIAndExitsWithTheSignalsStatus(t *testing.T) {
	s := files(t)
	env := append(awsEnv(t), "ECR_REGISTRY=127.0.0.1:9")
	for _, sig := range stopSignals {
		t.Run(signals.Name(sig), func(t *testing.T) {
			r := start(t, s, "login", []string{s.bin, "ecrLogin"}, env...)
			r.waitFor("", 30*time.Second)
			r.signal(sig, true) // as a terminal, timeout and systemd do
			r.check(sig, r.wait(15*time.Second))
		})
	}
}

func TestSignals_PushRemovesItsTemporaryFolderAndStopsTheContainerCLI(t *testing.T) {
	s := files(t)
	env := append(awsEnv(t), "ECR_REGISTRY="+fakeRegistry(t), "CONTAINER_CLI=podman", "ECR_LOGIN_TIMEOUT=5s")
	for _, sig := range stopSignals {
		t.Run(signals.Name(sig), func(t *testing.T) {
			r := start(t, s, "push", []string{s.bin, "push"}, env...)
			r.waitFor("", 30*time.Second)
			if len(r.leftovers()) == 0 {
				t.Fatalf("podman push runs without its digest folder in TMPDIR:\n%s", r.output())
			}
			r.signal(sig, false)
			r.check(sig, r.wait(15*time.Second))
		})
	}
}

func TestSignals_DeployStoppedInItsWaitPrintsItsTable(t *testing.T) {
	s := files(t)
	env := awsEnv(t)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(strings.TrimPrefix(env[0], "AWS_ENDPOINT_URL="))}
	registry := fakeRegistry(t)
	for _, sig := range stopSignals {
		t.Run(signals.Name(sig), func(t *testing.T) {
			name := "signals-" + strings.ToLower(signals.Name(sig))
			_, err := deploy.EnsureECSService(context.Background(), ecs.NewFromConfig(cfg), name, name, []ecstypes.ContainerDefinition{
				{Name: aws.String("app"), Image: aws.String(registry + "/signals:old"), Essential: aws.Bool(true), Memory: aws.Int32(128)},
			})
			if err != nil {
				t.Fatal(err)
			}
			image := registry + "/signals@sha256:" + strings.Repeat("ab", 32)
			r := start(t, s, "none", []string{s.bin, "deploy"},
				append(env, "ECS_CLUSTER="+name, "ECS_SERVICE="+name, "DEPLOY_IMAGE="+image, "DEPLOY_TIMEOUT=5m")...)
			r.waitFor("deploying ", 30*time.Second)
			time.Sleep(time.Second) // into the wait
			r.signal(sig, false)
			r.check(sig, r.wait(15*time.Second))
			row := "\necs service " + name + "/" + name + " "
			if out := r.output(); !strings.Contains(out, "\nTARGET ") || !strings.Contains(out, row) {
				t.Errorf("no table with a row for the service:\n%s", out)
			}
		})
	}
}

// TestSignals_GoRunMageStopsTheWholeChain runs the chain `go run mage.go`
// starts below go run: mage.go's program, the front end (magerun and
// mage in it) and the targets binary mage compiled, and signals their
// process group, as a terminal, timeout and systemd do. go run itself is
// left out: it exits at once on SIGTERM and SIGHUP, and with status 1
// for any failure.
func TestSignals_GoRunMageStopsTheWholeChain(t *testing.T) {
	s := files(t)
	prog := filepath.Join(s.dir, "mage-go")
	if out, err := exec.Command("go", "build", "-o", prog, filepath.Join(s.root, "mage.go")).CombinedOutput(); err != nil {
		t.Fatalf("go build mage.go: %v\n%s", err, out)
	}
	for _, sig := range stopSignals {
		t.Run(signals.Name(sig), func(t *testing.T) {
			r := start(t, s, "build", []string{prog, "build"})
			r.waitFor("", 3*time.Minute) // the first run compiles the front end and the targets
			r.signal(sig, true)
			r.check(sig, r.wait(15*time.Second))
		})
	}
}
