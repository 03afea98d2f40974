package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// buildHelper builds cmd/... (the helper and its fetcher) into a folder
// and returns it.
func buildHelper(t *testing.T) string {
	t.Helper()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-o", bin+string(os.PathSeparator), "./cmd/...")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/...: %v\n%s", err, out)
	}
	return bin
}

// procWatch scans /proc while it runs for processes descending from
// root whose argv or environment holds secret.
type procWatch struct {
	done  chan struct{}
	wg    sync.WaitGroup
	leaks []string
	seen  map[string]bool // every argument seen, and its base name
}

func watchProcs(root int, secret []byte) *procWatch {
	w := &procWatch{done: make(chan struct{}), seen: map[string]bool{}}
	w.wg.Go(func() {
		for {
			select {
			case <-w.done:
				return
			default:
			}
			dirs, _ := filepath.Glob("/proc/[0-9]*")
			for _, dir := range dirs {
				pid, _ := strconv.Atoi(filepath.Base(dir))
				if !descendsFrom(pid, root) {
					continue
				}
				for _, f := range []string{"cmdline", "environ"} {
					b, err := os.ReadFile(dir + "/" + f)
					if err != nil {
						continue
					}
					if bytes.Contains(b, secret) {
						w.leaks = append(w.leaks, dir+"/"+f+": "+strings.ReplaceAll(string(b), "\x00", " "))
					}
					if f == "cmdline" {
						for _, arg := range strings.Split(string(b), "\x00") {
							w.seen[arg], w.seen[filepath.Base(arg)] = true, true
						}
					}
				}
			}
		}
	})
	return w
}

// stop ends the scan and returns the leaks found.
func (w *procWatch) stop() []string {
	close(w.done)
	w.wg.Wait()
	return w.leaks
}

func TestEcrLogin_HelperModePushesAndPullsWithThePasswordNowhere(t *testing.T) {
	st := sandboxtest.Require(t)
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc")
	}
	t.Parallel()
	bin := buildHelper(t)
	e := newLoginEnv(t, st)
	secret := []byte(sandbox.RegistryPassword)
	host := st.RegistryHost()
	path := "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
	// Another registry's password and an unknown key must survive.
	other := `{"auths":{"other.example:5000":{"auth":"dTpw"},"` + host + `":{"auth":"QVdTOm9sZA=="}},"psFormat":"table"}`
	cfgPath := filepath.Join(e.dockerCfg, "config.json")
	if err := os.WriteFile(cfgPath, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	login := e.start(t, ctx, &out, path, "ECR_LOGIN_MODE=helper")
	w := watchProcs(login.Process.Pid, secret)
	err := login.Wait()
	leaks := w.stop()
	if err != nil {
		t.Fatalf("helper-mode login: %v\n%s", err, out.String())
	}
	for _, l := range leaks {
		t.Errorf("password visible in %s", l)
	}
	if !w.seen[ecrauth.HelperCommand] {
		t.Logf("the scan never caught %s (it is quick); the config checks below still hold", ecrauth.HelperCommand)
	}

	var cfg map[string]json.RawMessage
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("config.json: %v\n%s", err, b)
	}
	var helpers map[string]string
	var auths map[string]json.RawMessage
	_ = json.Unmarshal(cfg["credHelpers"], &helpers)
	_ = json.Unmarshal(cfg["auths"], &auths)
	if helpers[host] != "godax" {
		t.Errorf("credHelpers[%s] = %q, want godax\n%s", host, helpers[host], b)
	}
	if _, ok := auths[host]; ok {
		t.Errorf("the stored password for %s was kept:\n%s", host, b)
	}
	if _, ok := auths["other.example:5000"]; !ok || string(cfg["psFormat"]) != `"table"` {
		t.Errorf("other keys were lost:\n%s", b)
	}

	// Push and pull through the helper, with the token nowhere in sight.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY f /f\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte(t.Name()), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := host + "/helper-test:" + strconv.FormatInt(time.Now().UnixNano(), 36)
	env := e.environ(path, "DOCKER_BUILDKIT=0")
	for _, args := range [][]string{
		{"build", "-q", "-t", ref, dir},
		{"push", ref},
		{"rmi", ref},
		{"pull", ref},
		{"rmi", ref},
	} {
		cmd := exec.CommandContext(ctx, "docker", args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w := watchProcs(cmd.Process.Pid, secret)
		err := cmd.Wait()
		for _, l := range w.stop() {
			t.Errorf("docker %s: password visible in %s", args[0], l)
		}
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		if bytes.Contains(out.Bytes(), secret) {
			t.Errorf("docker %s printed the password", args[0])
		}
	}
	err = filepath.WalkDir(e.dockerCfg, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, secret) {
			t.Errorf("password written to %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEcrLogin_HelperModeSaysWhenTheHelperIsNotOnPath(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	e := newLoginEnv(t, st)
	empty := t.TempDir()
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("needs docker")
	}
	if err := os.Symlink(docker, filepath.Join(empty, "docker")); err != nil {
		t.Fatal(err)
	}
	out, err := e.run(t, "PATH="+empty, "ECR_LOGIN_MODE=helper")
	if err == nil || !strings.Contains(out, "docker-credential-godax is not on PATH") {
		t.Errorf("err = %v, want one saying the helper is missing:\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(e.dockerCfg, "config.json")); len(b) != 0 {
		t.Errorf("the Docker config was written though the helper is missing: %s", b)
	}

	// The helper without its fetcher: the helper's own reason comes through.
	// A copy, not a link: the helper looks for the fetcher next to itself.
	helper, err := os.ReadFile(filepath.Join(buildHelper(t), ecrauth.HelperCommand))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(empty, ecrauth.HelperCommand), helper, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err = e.run(t, "PATH="+empty, "ECR_LOGIN_MODE=helper")
	if err == nil || !strings.Contains(out, "godax-ecr-token is not next to docker-credential-godax nor on PATH") {
		t.Errorf("err = %v, want one saying the fetcher is missing:\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(e.dockerCfg, "config.json")); len(b) != 0 {
		t.Errorf("Docker was routed to a helper that cannot get a token: %s", b)
	}
}
