package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/godax/godax/lib/dax/atomicfile"
	"github.com/godax/godax/lib/privdir"
	"github.com/godax/godax/scripts/internal/state"
)

// The sandbox's fixed settings. They are not secrets: every sandbox uses them.
const (
	// Account is the AWS account the sandbox's role lives in.
	Account = "111122223333"
	// Region is the AWS region the sandbox reports.
	Region = "us-east-1"
	// RoleARN is the role the pipeline assumes in the sandbox (ECR_ROLE).
	RoleARN = "arn:aws:iam::" + Account + ":role/godax-deployer"
	// AccessKeyID and SecretAccessKey are the dummy base credentials. moto
	// accepts any key and acts in its default account 123456789012 until
	// the role is assumed.
	AccessKeyID = "AKIAGODAXSANDBOX0000"
	// SecretAccessKey is the dummy secret key paired with [AccessKeyID].
	SecretAccessKey = "godax-sandbox-secret-key"
	// RegistryUser is the registry's only htpasswd user, as in ECR.
	RegistryUser = "AWS"
	// RegistryPassword is the registry's password: what moto's ECR
	// GetAuthorizationToken hands out for [Account].
	RegistryPassword = Account + "-auth-token"
)

// ErrNotRunning is wrapped by the errors of [Load] and [State.Check] when
// the sandbox is not up or not answering.
var ErrNotRunning = errors.New("the sandbox is not running")

// ErrUnsupported is returned by [Up], [Down] and [Load] on systems other
// than Linux.
var ErrUnsupported = errors.New("the sandbox needs Linux (it runs dockerd, moto and docker-registry locally)")

// Proc identifies one process: its pid and its start time, so that a pid
// the kernel has since given to another process is never mistaken for ours.
type Proc struct {
	// Pid is the process id.
	Pid int `json:"pid"`
	// Start is the process's start time in clock ticks after boot, field 22
	// of /proc/PID/stat.
	Start uint64 `json:"start"`
	// Uid is the user id the process runs as.
	Uid int `json:"uid"`
	// Exe is the program it runs, as /proc/PID/exe names it.
	Exe string `json:"exe,omitempty"`
}

// Service is one of the sandbox's daemons as recorded in its state file.
type Service struct {
	Proc
	// Port is the loopback TCP port it listens on (moto and the registry).
	Port int `json:"port,omitempty"`
	// Children are processes the daemon started itself and that outlive
	// it if it dies badly: dockerd's containerd.
	Children []Proc `json:"children,omitempty"`
}

// State is a sandbox's record: where it lives, which processes it started
// and where they listen. [Up] writes it; [Load] reads it.
type State struct {
	// Dir is the sandbox's folder, <state folder>/sandbox.
	Dir string `json:"dir"`
	// RunDir holds dockerd's socket and exec root. It is Dir/run unless
	// that path is too long for a unix socket; then it is a short folder
	// under the temp folder, named after a hash of Dir.
	RunDir string `json:"run_dir"`
	// Moto is moto_server.
	Moto Service `json:"moto"`
	// Registry is docker-registry.
	Registry Service `json:"registry"`
	// Docker is the private dockerd.
	Docker Service `json:"docker"`
	// Boot is the kernel's boot id when the processes were recorded: after
	// a reboot none of them runs any more, whatever has their pids.
	Boot string `json:"boot,omitempty"`
}

// Endpoint returns moto's URL, the AWS_ENDPOINT_URL for every service.
func (s *State) Endpoint() string {
	return "http://127.0.0.1:" + strconv.Itoa(s.Moto.Port)
}

// RegistryHost returns the registry's HOST:PORT, the ECR_REGISTRY.
func (s *State) RegistryHost() string {
	return "127.0.0.1:" + strconv.Itoa(s.Registry.Port)
}

// DockerSocket returns the path of the private dockerd's unix socket.
func (s *State) DockerSocket() string { return filepath.Join(s.RunDir, "docker.sock") }

// DockerHost returns the DOCKER_HOST that reaches the private dockerd.
func (s *State) DockerHost() string { return "unix://" + s.DockerSocket() }

// DockerConfig returns the DOCKER_CONFIG folder the sandbox's docker CLI
// uses, so logins never land in the user's ~/.docker.
func (s *State) DockerConfig() string { return filepath.Join(s.Dir, "docker-config") }

// ECRCacheDir returns the token cache folder of logins made against the
// sandbox (ECR_CACHE_DIR), so that [Down] removes them with the rest.
func (s *State) ECRCacheDir() string { return filepath.Join(s.Dir, "ecr-cache") }

// CLIHome returns an empty folder meant as HOME for the AWS CLI when it
// runs against the sandbox, so its ~/.aws/cli/cache never serves keys a
// previous moto handed out. [State.Env] does not set HOME.
func (s *State) CLIHome() string { return filepath.Join(s.Dir, "home") }

// LogFile returns the log file of the daemon called name ("moto",
// "registry" or "dockerd").
func (s *State) LogFile(name string) string { return filepath.Join(s.Dir, "logs", name+".log") }

func (s *State) file() string              { return filepath.Join(s.Dir, "state.json") }
func (s *State) awsConfigFile() string     { return filepath.Join(s.Dir, "aws", "config") }
func (s *State) awsCredentialFile() string { return filepath.Join(s.Dir, "aws", "credentials") }

// Env returns the KEY=VALUE settings that point the AWS SDK and CLI, the
// docker CLI and godax's own targets at the sandbox, sorted by key:
// AWS_ENDPOINT_URL, AWS_REGION, dummy AWS keys, DOCKER_HOST, DOCKER_CONFIG,
// ECR_ACCOUNT, ECR_CACHE_DIR, ECR_ROLE, ECR_REGISTRY, GODAX_STATE_DIR and
// a few more.
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name empty files, so the
// user's own profiles cannot leak in. Append it to [os.Environ] for a child
// process; the variables in [UnsetVars] should be dropped too.
func (s *State) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_CONFIG_FILE=" + s.awsConfigFile(),
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=" + s.Endpoint(),
		"AWS_REGION=" + Region,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_SHARED_CREDENTIALS_FILE=" + s.awsCredentialFile(),
		"DOCKER_CONFIG=" + s.DockerConfig(),
		"DOCKER_HOST=" + s.DockerHost(),
		"ECR_ACCOUNT=" + Account,
		"ECR_CACHE_DIR=" + s.ECRCacheDir(),
		"ECR_REGISTRY=" + s.RegistryHost(),
		"ECR_ROLE=" + RoleARN,
		"GODAX_SANDBOX_DIR=" + s.Dir,
	}
}

// UnsetVars lists the variables that would steer the AWS SDK away from
// the sandbox's credentials if they stayed set. [State.Exports] unsets them.
var UnsetVars = []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}

// Exports returns shell lines that apply [State.Env] to the current shell:
// one `unset` line for [UnsetVars], then one `export KEY=VALUE` line per
// setting, each value quoted for bash. Use it as
//
//	eval "$(go run mage.go sandbox:env)"
func (s *State) Exports() string {
	var b strings.Builder
	b.WriteString("unset " + strings.Join(UnsetVars, " ") + "\n")
	for _, kv := range s.Env() {
		key, value, _ := strings.Cut(kv, "=")
		q, err := syntax.Quote(value, syntax.LangBash)
		if err != nil {
			// Only a NUL byte cannot be quoted, and no path holds one:
			// still, fail loudly in the shell rather than export a
			// wrong value.
			fmt.Fprintf(&b, "echo 'sandbox: cannot quote %s' >&2; false\n", key)
			continue
		}
		fmt.Fprintf(&b, "export %s=%s\n", key, q)
	}
	return b.String()
}

// stateVariable is the setting that names the state folder.
const stateVariable = "GODAX_STATE_DIR"

// sandboxDir returns the sandbox's folder: GODAX_SANDBOX_DIR, which the
// sandbox's own environment sets so that another repository's targets
// reach it while keeping their state at home, else <state folder>/sandbox.
// It checks that the folder and the one above it, which holds the lock,
// are private to the user ([privdir.Check]); with create it makes them
// when missing ([privdir.Make]). A folder another user could change is
// refused, naming the setting, and no folder is ever chmodded.
func sandboxDir(create bool) (string, error) {
	variable, dir := "GODAX_SANDBOX_DIR", os.Getenv("GODAX_SANDBOX_DIR")
	if dir == "" {
		stateDir, err := state.Dir(os.Getenv)
		if err != nil {
			return "", err
		}
		variable, dir = stateVariable, filepath.Join(privdir.Pick(stateDir), "sandbox")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if create {
			err = privdir.Make(variable, d)
		} else if err = privdir.Check(variable, d); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		if err != nil {
			return "", err
		}
	}
	return dir, nil
}

// readState reads the state file of the sandbox in dir. A missing file is
// an error wrapping [ErrNotRunning]. The file is never read through a link
// nor when another user owns it, and its run folder must be one the
// sandbox would pick for dir ([runDirCandidates]).
func readState(dir string) (*State, error) {
	st := &State{Dir: dir}
	data, err := privdir.ReadFile(st.file())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (no %s): start it with: go run mage.go sandbox:up", ErrNotRunning, st.file())
	}
	if err != nil {
		return nil, fmt.Errorf("read sandbox state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("read sandbox state %s: %w", st.file(), err)
	}
	if st.Dir != dir {
		return nil, fmt.Errorf("sandbox state %s belongs to %s: remove it or set GODAX_STATE_DIR=%s", st.file(), st.Dir, filepath.Dir(st.Dir))
	}
	if st.RunDir != "" && !slices.Contains(runDirCandidates(dir, os.TempDir()), st.RunDir) {
		return nil, fmt.Errorf("sandbox state %s names %s as the run folder, which is not where the sandbox puts its sockets: kept it and touched nothing", st.file(), st.RunDir)
	}
	return st, nil
}

// save writes the state file atomically (see [atomicfile.WriteFile]).
func (s *State) save() error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sandbox state: %w", err)
	}
	return atomicfile.WriteFile(s.file(), append(data, '\n'), 0o600)
}

// maxSocketPath is the longest path a unix socket can have on Linux:
// sun_path holds 108 bytes including the final NUL.
const maxSocketPath = 107

// longestRunPath is the longest socket path dockerd and its containerd
// create under RunDir.
const longestRunPath = "/exec/containerd/containerd.sock.ttrpc"

// runDirCandidates returns, in order of preference, the folders the
// sandbox in dir may keep its sockets in: dir/run, then a short folder
// named after a hash of dir under tmp, then under /tmp.
func runDirCandidates(dir, tmp string) []string {
	sum := sha256.Sum256([]byte(dir))
	short := "godax-" + hex.EncodeToString(sum[:6])
	return []string{filepath.Join(dir, "run"), filepath.Join(tmp, short), filepath.Join("/tmp", short)}
}

// runDirFor returns where the sandbox in dir keeps its sockets: the first
// of [runDirCandidates] whose socket paths fit.
func runDirFor(dir, tmp string) (string, error) {
	for _, c := range runDirCandidates(dir, tmp) {
		if len(c)+len(longestRunPath) <= maxSocketPath {
			return c, nil
		}
	}
	return "", fmt.Errorf("the sandbox's socket paths under %s would pass the %d-byte unix socket limit: set GODAX_STATE_DIR to a shorter path of a folder of your own, not a shared one such as /tmp", dir, maxSocketPath)
}
