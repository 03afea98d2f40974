//go:build linux

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/atomicfile"
	"github.com/godax/godax/lib/privdir"
	"github.com/godax/godax/scripts/internal/state"
)

// startTimeout bounds how long [Up] waits for the daemons to answer.
const startTimeout = 90 * time.Second

// stopGrace is how long [Down] waits after SIGTERM before SIGKILL.
// dockerd stops its containerd on the way out, which takes a few seconds.
const stopGrace = 20 * time.Second

// daemon is one of the sandbox's services with what it takes to run it.
type daemon struct {
	name  string
	svc   *Service
	port  bool // listens on a TCP port of its own
	argv  func() []string
	env   []string
	check func(context.Context) error
}

func (s *State) daemons() []daemon {
	return []daemon{
		{"moto", &s.Moto, true, s.motoArgs, motoEnv, s.checkMoto},
		{"registry", &s.Registry, true, s.registryArgs, nil, s.checkRegistry},
		{"dockerd", &s.Docker, false, s.dockerdArgs, nil, s.checkDocker},
	}
}

// Up starts the sandbox: moto, docker-registry and a private dockerd, on
// loopback ports and a private socket under <state folder>/sandbox, and
// waits until each one answers. It is idempotent: daemons that still run
// and answer are kept as they are, dead ones are started again. It prints its
// progress to standard error.
//
// When a program is missing and the user is root on Debian, Up installs
// its package with apt-get, saying so; otherwise it fails saying what to
// install.
//
// # Environment
//
// GODAX_STATE_DIR names the state folder (default: .godax at the module
// root). dockerd needs root.
func Up(ctx context.Context) (*State, error) {
	began := time.Now()
	dir, err := sandboxDir(true)
	if err != nil {
		return nil, err
	}
	if err := state.Ensure(filepath.Dir(dir)); err != nil {
		return nil, err
	}
	unlock, err := lockState(ctx, filepath.Dir(dir))
	if err != nil {
		return nil, err
	}
	defer unlock()

	st, err := loadState(dir)
	if errors.Is(err, ErrNotRunning) {
		st = &State{Dir: dir}
	} else if err != nil {
		return nil, err
	}

	// Sort the daemons into those that answer, those that run but do not
	// answer yet (an earlier Up may have been stopped while starting them)
	// and those to start. A record that no longer matches its process
	// stops everything: starting over it would lose the record.
	var toStart, toWait []daemon
	for _, d := range st.daemons() {
		v, why := st.examineDaemon(d)
		switch {
		case v == mismatch:
			return nil, st.mismatchError(fmt.Sprintf("%s (pid %d): %s", d.name, d.svc.Pid, why))
		case v == gone:
			toStart = append(toStart, d)
		case d.check(ctx) != nil:
			toWait = append(toWait, d)
		}
	}
	if len(toStart) == 0 && len(toWait) == 0 {
		dax.Info("sandbox: already running in %s; nothing to start", dir)
		return st, nil
	}

	needRoot := slices.ContainsFunc(toStart, func(d daemon) bool { return d.name == "dockerd" })
	if err := thisHost().ensureTools(ctx, needRoot); err != nil {
		return nil, err
	}
	if st.RunDir == "" {
		if st.RunDir, err = runDirFor(dir, os.TempDir()); err != nil {
			return nil, err
		}
	}
	if err := st.assignPorts(toStart); err != nil {
		return nil, err
	}
	if err := st.prepare(ctx); err != nil {
		return nil, err
	}

	exits := map[string]<-chan error{}
	st.Boot = bootID()
	for _, d := range toStart {
		// A dockerd that died leaves its containerd running: stop it
		// first, or nothing would record it any more.
		var left []Proc
		for _, c := range d.svc.Children {
			switch v, why := examine(c, st.namesSandbox); v {
			case mismatch:
				return nil, st.mismatchError(fmt.Sprintf("%s's child (pid %d): %s", d.name, c.Pid, why))
			case ours:
				left = append(left, c)
			}
		}
		if len(left) > 0 {
			dax.Warn("sandbox: %s died; stopping what it left running (%s)", d.name, pidList(left))
			if err := stopAll(ctx, left, left, stopGrace); err != nil {
				return nil, err
			}
		}
		if d.name == "dockerd" {
			// The old exec root names the old containerd's pid; dockerd
			// would wait for that process, which may linger as a zombie.
			if err := st.removeAll(st.execRoot()); err != nil {
				return nil, err
			}
		}
		dax.Step("sandbox: starting %s", d.name)
		s, err := startDaemon(dir, st.LogFile(d.name), d.argv(), d.env)
		if err != nil {
			return nil, err
		}
		d.svc.Proc, d.svc.Children = s.proc, nil
		exits[d.name] = s.exited
		// Record every start at once, so Down finds it even if Up fails.
		if err := st.save(); err != nil {
			return nil, err
		}
	}

	if err := st.waitReady(ctx, append(toStart, toWait...), exits); err != nil {
		return nil, err
	}
	// A daemon started through a wrapper script runs another program once
	// it answers: record the one it runs now.
	for _, d := range toStart {
		d.svc.Proc = refresh(d.svc.Proc)
	}
	st.Docker.Children = descendants(st.Docker.Proc)
	if err := st.save(); err != nil {
		return nil, err
	}
	dax.Info("sandbox: ready in %.1fs: moto %s, registry %s", time.Since(began).Seconds(), st.Endpoint(), st.RegistryHost())
	dax.Info("sandbox: dockerd %s", st.DockerHost())
	dax.Info(`sandbox: point a shell at it with: eval "$(go run mage.go sandbox:env)"`)
	return st, nil
}

// assignPorts gives each daemon in ds that listens on a port one: its
// recorded port when that is still free, else a newly picked one.
func (s *State) assignPorts(ds []daemon) error {
	var need []*Service
	for _, d := range ds {
		if !d.port {
			continue
		}
		if d.svc.Port != 0 && portFree(d.svc.Port) {
			continue
		}
		if d.svc.Port != 0 {
			dax.Warn("sandbox: %s's port %d is taken now: picking another (run sandbox:env again)", d.name, d.svc.Port)
		}
		need = append(need, d.svc)
	}
	ports, err := freePorts(len(need))
	if err != nil {
		return err
	}
	for i, svc := range need {
		svc.Port = ports[i]
	}
	return nil
}

// prepare creates the sandbox's folders and the daemons' config files.
func (s *State) prepare(ctx context.Context) error {
	for _, d := range []string{
		filepath.Join(s.Dir, "logs"),
		filepath.Join(s.Dir, "registry", "data"),
		filepath.Join(s.Dir, "docker"),
		filepath.Join(s.Dir, "aws"),
		s.DockerConfig(),
		s.CLIHome(),
	} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("sandbox folder: %w", err)
		}
	}
	if err := privdir.Make(stateVariable, s.RunDir); err != nil {
		return fmt.Errorf("sandbox run folder: %w", err)
	}
	cfg, err := s.registryConfig()
	if err != nil {
		return err
	}
	htpasswd, err := dax.Cmd("htpasswd -niB %s", RegistryUser).
		StdinSecret(dax.Secret(RegistryPassword)).Timeout(30 * time.Second).Text(ctx)
	if err != nil {
		return fmt.Errorf("registry password file: %w", err)
	}
	for _, f := range []struct {
		path string
		data []byte
	}{
		{s.registryConfigFile(), cfg},
		{s.htpasswdFile(), []byte(htpasswd + "\n")},
		{s.daemonConfigFile(), []byte("{}\n")},
		{s.awsConfigFile(), nil},
		{s.awsCredentialFile(), nil},
	} {
		if err := atomicfile.WriteFile(f.path, f.data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// waitReady waits until every daemon in ds answers its health check,
// printing progress. A daemon that exits or does not answer within
// [startTimeout] is stopped, and the error shows its log's tail.
func (s *State) waitReady(ctx context.Context, ds []daemon, exits map[string]<-chan error) error {
	began := time.Now()
	deadline := began.Add(startTimeout)
	bar := dax.Progress(ctx, "sandbox: waiting", dax.ProgressLength(len(ds)), dax.ProgressDelay(2*time.Second))
	defer bar.Done()
	pending := slices.Clone(ds)
	for len(pending) > 0 {
		var still []daemon
		for _, d := range pending {
			select {
			case err := <-exits[d.name]:
				return s.failed(d, fmt.Errorf("exited (%v)", err))
			default:
			}
			if !alive(refresh(d.svc.Proc)) {
				return s.failed(d, errors.New("exited"))
			}
			if d.check(ctx) != nil {
				still = append(still, d)
			}
		}
		pending = still
		if len(pending) == 0 {
			break
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			err := ctx.Err()
			if err == nil {
				err = fmt.Errorf("not answering after %s", startTimeout)
			}
			return s.failed(pending[0], fmt.Errorf("%w: %w", err, pending[0].check(context.WithoutCancel(ctx))))
		}
		names := make([]string, len(pending))
		for i, d := range pending {
			names[i] = d.name
		}
		bar.SetMessage("sandbox: waiting for " + strings.Join(names, ", "))
		bar.SetPosition(len(ds) - len(pending))
		_ = dax.Sleep(ctx, 100*time.Millisecond)
	}
	return nil
}

// failed stops the daemon d, which did not come up, records that, and
// returns an error with cause and the tail of d's log.
func (s *State) failed(d daemon, cause error) error {
	p := refresh(d.svc.Proc)
	procs := append([]Proc{p}, descendants(p)...)
	stopErr := stopAll(context.Background(), []Proc{p}, procs, 5*time.Second)
	d.svc.Proc, d.svc.Children = Proc{}, nil
	saveErr := s.save()
	log, err := os.ReadFile(s.LogFile(d.name))
	tail := logTail(log, 15)
	if err != nil {
		tail = "    (no log: " + err.Error() + ")"
	}
	return errors.Join(fmt.Errorf("sandbox: %s did not start: %w\n  last lines of %s:\n%s",
		d.name, cause, s.LogFile(d.name), tail), stopErr, saveErr)
}

// Down stops exactly the processes [Up] started (SIGTERM, then SIGKILL
// after a grace period), checks that none of them, nor any process they
// started, is left, and removes the sandbox's folders. It is safe to call
// when nothing runs.
//
// It acts only on what it can prove the sandbox started: a recorded
// process is signalled only while its start time, owner and program match
// the record and its command line is the one the sandbox gave it (a
// child's names the sandbox's folders); a folder is removed only when it
// is the sandbox's own, reached through no link. When a record and its
// process disagree, Down stops nothing, keeps the record and says why.
func Down(ctx context.Context) error {
	dir, err := sandboxDir(false)
	if err != nil {
		return err
	}
	unlock, err := lockState(ctx, filepath.Dir(dir))
	if err != nil {
		return err
	}
	defer unlock()

	st, err := loadState(dir)
	if errors.Is(err, ErrNotRunning) {
		if _, serr := os.Lstat(dir); errors.Is(serr, fs.ErrNotExist) {
			dax.Info("sandbox: not running in %s: nothing to stop", dir)
			return nil
		}
		dax.Info("sandbox: no processes recorded in %s: removing the folder", dir)
		return (&State{Dir: dir}).removeAll(dir)
	}
	if err != nil {
		return err
	}

	var leaders, procs []Proc
	var names, problems []string
	for _, d := range st.daemons() {
		v, why := st.examineDaemon(d)
		if v == mismatch {
			problems = append(problems, fmt.Sprintf("%s (pid %d): %s", d.name, d.svc.Pid, why))
		}
		if v != ours {
			continue
		}
		names = append(names, fmt.Sprintf("%s (pid %d)", d.name, d.svc.Pid))
		leaders = append(leaders, d.svc.Proc)
		procs = append(procs, d.svc.Proc)
		procs = append(procs, descendants(d.svc.Proc)...)
	}
	for _, d := range st.daemons() {
		for _, c := range d.svc.Children {
			v, why := examine(c, st.namesSandbox)
			if v == mismatch {
				problems = append(problems, fmt.Sprintf("%s's child (pid %d): %s", d.name, c.Pid, why))
			}
			if v == ours && !slices.Contains(procs, c) {
				procs = append(procs, c)
			}
		}
	}
	if len(problems) > 0 {
		return st.mismatchError(problems...)
	}
	if len(names) > 0 {
		dax.Step("sandbox: stopping %s", strings.Join(names, ", "))
	}
	if err := stopAll(ctx, leaders, procs, stopGrace); err != nil {
		return err
	}
	if err := st.removeAll(st.RunDir, dir); err != nil {
		return err
	}
	dax.Info("sandbox: stopped; removed %s", dir)
	return nil
}

// mismatchError says that the sandbox stopped nothing and kept its record
// because of problems, records that disagree with their processes.
func (s *State) mismatchError(problems ...string) error {
	return fmt.Errorf("sandbox: cannot prove it started %s; stopped nothing and kept %s (stop those processes yourself if they are the sandbox's, then remove %s)",
		strings.Join(problems, "; "), s.file(), s.Dir)
}

// examineDaemon is [examine] for d's recorded process, whose command line
// must end with the arguments the sandbox gives d.
func (s *State) examineDaemon(d daemon) (verdict, string) {
	want := d.argv()[1:]
	return examine(d.svc.Proc, func(args []string) bool {
		return len(args) >= len(want) && slices.Equal(args[len(args)-len(want):], want)
	})
}

// namesSandbox reports whether one of args names a path inside the
// sandbox's folders, as the command line of a process dockerd started
// (its containerd) does.
func (s *State) namesSandbox(args []string) bool {
	for _, a := range args {
		for _, root := range []string{s.Dir, s.RunDir} {
			if root != "" && strings.Contains(a, root+"/") {
				return true
			}
		}
	}
	return false
}

// loadState is [readState] with what only Linux checks: the run folder,
// when it exists, must be a private folder of the user's and not a link;
// and a record from an earlier boot has no process left running.
func loadState(dir string) (*State, error) {
	st, err := readState(dir)
	if err != nil {
		return nil, err
	}
	if st.RunDir != "" {
		fi, err := os.Lstat(st.RunDir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("sandbox run folder: %w", err)
		case !fi.IsDir():
			return nil, fmt.Errorf("sandbox state %s names %s as the run folder, which is a link or not a folder: kept it and touched nothing", st.file(), st.RunDir)
		default:
			if err := privdir.Check(stateVariable, st.RunDir); err != nil {
				return nil, err
			}
		}
	}
	if st.Boot != "" && st.Boot != bootID() {
		for _, d := range st.daemons() {
			d.svc.Proc, d.svc.Children = Proc{}, nil
		}
	}
	return st, nil
}

// owns fails unless path is one of the sandbox's folders (Dir or RunDir)
// or lies inside one, written without "..", and is reached from that
// folder through no link.
func (s *State) owns(path string) error {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return fmt.Errorf("sandbox: not removing %s: not a clean absolute path", path)
	}
	for _, root := range []string{s.Dir, s.RunDir} {
		rel, ok := strings.CutPrefix(path, root)
		if root == "" || !ok || (rel != "" && rel[0] != '/') {
			continue
		}
		realRoot, err := filepath.EvalSymlinks(root)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing there to remove
		}
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		real, err := filepath.EvalSymlinks(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		if real != realRoot+rel {
			return fmt.Errorf("sandbox: not removing %s: it leads through a link to %s", path, real)
		}
		return nil
	}
	return fmt.Errorf("sandbox: not removing %s: it lies outside the sandbox's folders", path)
}

// removeAll unmounts anything a daemon left mounted under dirs, then
// removes them. Each must be the sandbox's own ([State.owns]).
func (s *State) removeAll(dirs ...string) error {
	dirs = slices.DeleteFunc(dirs, func(d string) bool { return d == "" })
	for _, d := range dirs {
		if err := s.owns(d); err != nil {
			return err
		}
	}
	mounts, err := mountsUnder(dirs...)
	if err != nil {
		return fmt.Errorf("sandbox mounts: %w", err)
	}
	for _, m := range mounts {
		if err := syscall.Unmount(m, syscall.MNT_DETACH); err != nil {
			return fmt.Errorf("unmount %s: %w", m, err)
		}
	}
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			return fmt.Errorf("remove sandbox folder: %w", err)
		}
	}
	return nil
}

// Load reads the state of the running sandbox, for [State.Env] and the
// like. It fails, wrapping [ErrNotRunning], when the sandbox was not
// started or one of its daemons has died; it does not ask them whether
// they answer (see [State.Check]).
func Load() (*State, error) {
	dir, err := sandboxDir(false)
	if err != nil {
		return nil, err
	}
	st, err := loadState(dir)
	if err != nil {
		return nil, err
	}
	for _, d := range st.daemons() {
		if !alive(d.svc.Proc) {
			return nil, fmt.Errorf("%w: %s (pid %d) has exited: start it again with: go run mage.go sandbox:up", ErrNotRunning, d.name, d.svc.Pid)
		}
	}
	return st, nil
}
