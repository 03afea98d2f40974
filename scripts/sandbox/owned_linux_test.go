//go:build linux

package sandbox

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/godax/godax/lib/privdir/privdirtest"
)

// useStateDir points the sandbox at stateDir/sandbox for the test.
func useStateDir(t *testing.T, stateDir string) {
	t.Helper()
	t.Setenv("GODAX_STATE_DIR", stateDir)
	t.Setenv("GODAX_SANDBOX_DIR", "")
}

// forge writes state.json in dir, a sandbox folder, naming st.
func forge(t *testing.T, dir string, st *State) {
	t.Helper()
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "state.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// victim makes a folder of the current user holding one file, which Down
// must not remove.
func victim(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "victim")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sleeper starts a `sleep` of this user and returns its identity, which
// anyone can read in /proc; the test kills it by pid at the end.
func sleeper(t *testing.T) Proc {
	t.Helper()
	cmd := startSleep(t)
	st, err := readStat(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Readlink("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/exe")
	if err != nil {
		t.Fatal(err)
	}
	return Proc{Pid: cmd.Process.Pid, Start: st.start, Uid: os.Geteuid(), Exe: exe}
}

// climb returns to's path relative to from, which climbs out with "..".
func climb(t *testing.T, from, to string) string {
	t.Helper()
	rel, err := filepath.Rel(from, to)
	if err != nil || !strings.HasPrefix(rel, "..") {
		t.Fatalf("filepath.Rel(%s, %s) = %s, %v", from, to, rel, err)
	}
	return rel
}

func stillRuns(t *testing.T, p Proc) {
	t.Helper()
	if st, err := readStat(p.Pid); err != nil || st.state == 'Z' {
		t.Errorf("pid %d (the recorded sleep) was stopped", p.Pid)
	}
}

func exists(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("%s was removed: %v", path, err)
	}
}

// TestDown_RefusesASandboxFolderOfAnotherUser has nobody own the sandbox
// folder, with mode 0777, and plant a state file naming a folder of root's
// as the run folder and root's sleep as moto: Down must refuse the folder
// and touch neither.
func TestDown_RefusesASandboxFolderOfAnotherUser(t *testing.T) {
	privdirtest.RequireRoot(t)
	stateDir := filepath.Join(t.TempDir(), "state")
	dir := filepath.Join(stateDir, "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(os.Chmod(dir, 0o777), os.Chown(dir, privdirtest.Nobody, privdirtest.Nobody)); err != nil {
		t.Fatal(err)
	}
	runDir, proc := victim(t), sleeper(t)
	forge(t, dir, &State{Dir: dir, RunDir: runDir, Moto: Service{Proc: proc}})
	if err := os.Chown(filepath.Join(dir, "state.json"), privdirtest.Nobody, privdirtest.Nobody); err != nil {
		t.Fatal(err)
	}
	useStateDir(t, stateDir)

	err := Down(t.Context())
	if err == nil || !strings.Contains(err.Error(), "GODAX_STATE_DIR: refusing "+dir) {
		t.Errorf("Down = %v, want a refusal naming GODAX_STATE_DIR and %s", err, dir)
	}
	if _, err := Load(); err == nil || !strings.Contains(err.Error(), "GODAX_STATE_DIR: refusing "+dir) {
		t.Errorf("Load = %v, want a refusal naming GODAX_STATE_DIR and %s", err, dir)
	}
	exists(t, filepath.Join(runDir, "keep"))
	exists(t, filepath.Join(dir, "state.json"))
	stillRuns(t, proc)
	if fi, err := os.Stat(dir); err != nil {
		t.Errorf("the sandbox folder is gone: %v", err)
	} else if fi.Mode().Perm() != 0o777 {
		t.Errorf("the sandbox folder's mode became %v", fi.Mode())
	}
}

// TestDown_NeitherStopsNorRemovesWhatTheSandboxDidNotStart forges, in a
// sandbox folder of its own, a state file that names root's sleep as
// moto, with the sleep's true start time, owner and program, and a folder
// outside the sandbox as its run folder: Down must stop nothing, remove
// nothing and keep the record.
func TestDown_NeitherStopsNorRemovesWhatTheSandboxDidNotStart(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), "state")
	dir := filepath.Join(stateDir, "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	useStateDir(t, stateDir)
	proc, linked := sleeper(t), victim(t)
	for name, st := range map[string]*State{
		"a process it did not start":   {Dir: dir, RunDir: filepath.Join(dir, "run"), Moto: Service{Proc: proc, Port: 4566}},
		"a child it did not start":     {Dir: dir, RunDir: filepath.Join(dir, "run"), Docker: Service{Children: []Proc{proc}}},
		"a run folder elsewhere":       {Dir: dir, RunDir: victim(t)},
		"a run folder through a link":  {Dir: dir, RunDir: filepath.Join(dir, "run")},
		"a run folder that climbs out": {Dir: dir, RunDir: dir + "/" + climb(t, dir, victim(t))},
	} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if name == "a run folder through a link" {
			if err := os.Symlink(linked, st.RunDir); err != nil {
				t.Fatal(err)
			}
		}
		forge(t, dir, st)
		if err := Down(t.Context()); err == nil {
			t.Errorf("%s: Down succeeded", name)
		}
		exists(t, filepath.Join(dir, "state.json"))
		if st.RunDir != filepath.Join(dir, "run") {
			exists(t, filepath.Join(filepath.Clean(st.RunDir), "keep"))
		}
		if name == "a run folder through a link" {
			exists(t, filepath.Join(linked, "keep"))
			_ = os.Remove(st.RunDir)
		}
		stillRuns(t, proc)
	}
}

// TestDown_KeepsTheRecordOfADaemonWhosePidNoLongerMatches records, as
// the registry, a process that runs with the registry's arguments, with a
// start time one tick off: a record that no longer matches a process that
// looks like its daemon. Down must stop nothing and keep the record.
func TestDown_KeepsTheRecordOfADaemonWhosePidNoLongerMatches(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), "state")
	dir := filepath.Join(stateDir, "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	useStateDir(t, stateDir)
	st := &State{Dir: dir, RunDir: filepath.Join(dir, "run")}
	args := append([]string{"-c", "sleep 300; :"}, st.registryArgs()...)
	cmd := exec.Command("sh", args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	proc, err := procOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	st.Registry.Proc = proc
	st.Registry.Start--
	forge(t, dir, st)

	err = Down(t.Context())
	if err == nil || !strings.Contains(err.Error(), "kept "+filepath.Join(dir, "state.json")) {
		t.Errorf("Down = %v, want an error saying it kept the record", err)
	}
	exists(t, filepath.Join(dir, "state.json"))
	stillRuns(t, proc)
}

// TestDown_ForgetsAProcessWhosePidTheKernelGaveToAnother records a sleep
// with a start time one tick off, as after the registry died and the
// kernel gave its pid to an unrelated process: Down must spare it and
// remove the sandbox.
func TestDown_ForgetsAProcessWhosePidTheKernelGaveToAnother(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), "state")
	dir := filepath.Join(stateDir, "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	useStateDir(t, stateDir)
	proc := sleeper(t)
	proc.Start--
	forge(t, dir, &State{Dir: dir, RunDir: filepath.Join(dir, "run"), Registry: Service{Proc: proc, Port: 5000}})
	if err := Down(t.Context()); err != nil {
		t.Fatalf("Down: %v", err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still exists after Down (%v)", dir, err)
	}
	stillRuns(t, proc)
}
