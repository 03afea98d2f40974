package scripts_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/godax/godax/lib/deploy"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// These tests run godax's targets as a user does: from a repository of
// their own, outside godax's checkout, against the sandbox.

// godaxRoot is godax's checkout, the module these tests belong to.
func godaxRoot(t *testing.T) string {
	t.Helper()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// userEnv is the environment of a user whose shell ran sandbox:env: the
// sandbox's variables, and none of this process's godax state settings
// (CI sets GODAX_STATE_DIR for godax's own checkout).
func userEnv(st *sandbox.State, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "ECR_") || strings.HasPrefix(name, "DOCKER_") ||
			strings.HasPrefix(name, "GODAX_") || strings.HasPrefix(name, "IMAGE_") || strings.HasPrefix(name, "BUILD_") ||
			strings.HasPrefix(name, "DEPLOY_") || strings.HasPrefix(name, "ECS_") || strings.HasPrefix(name, "LAMBDA_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, st.Env()...)
	return append(env, extra...)
}

// runIn runs name with args in dir under env, and returns its standard
// output; a failure ends the test with both streams.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), dir, err, out, stderr.String())
	}
	return string(out)
}

// gitRepo makes dir a git repository with one commit of what it holds,
// and returns the commit's short SHA.
func gitRepo(t *testing.T, dir string) string {
	t.Helper()
	env := append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	runIn(t, dir, env, "git", "init", "-q")
	runIn(t, dir, env, "git", "add", "-A")
	runIn(t, dir, env, "git", "commit", "-q", "-m", "first")
	return strings.TrimSpace(runIn(t, dir, env, "git", "rev-parse", "--short", "HEAD"))
}

// gitStatus is git status --porcelain of dir, untracked files included.
func gitStatus(t *testing.T, dir string) string {
	t.Helper()
	return runIn(t, dir, os.Environ(), "git", "status", "--porcelain", "--untracked-files=all")
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pushRecord reads the push record a run left in the state folder dir.
func pushRecord(t *testing.T, dir string) (tag, ref string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "last-push.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct{ Tag, Reference string }
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return rec.Tag, rec.Reference
}

// fileState is what a file is now, to tell whether a run touched it.
func fileState(path string) string {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "missing"
	}
	if err != nil {
		return err.Error()
	}
	return fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())
}

func TestExampleService_CopiedOutsideTheCheckoutListsPushesAndDeploys(t *testing.T) {
	st := sandboxtest.Require(t)
	root := godaxRoot(t)
	godaxRecord := filepath.Join(root, ".godax", "last-push.json")
	before := fileState(godaxRecord)

	dir := filepath.Join(t.TempDir(), "service")
	copyTree(t, filepath.Join(root, "examples", "service"), dir)
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod = []byte(strings.NewReplacer("=> ../../lib/dax", "=> "+filepath.Join(root, "lib", "dax"), "=> ../..", "=> "+root).Replace(string(mod)))
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
		t.Fatal(err)
	}
	gitRepo(t, dir)

	repo := fmt.Sprintf("godax-example-%d", time.Now().UnixNano())
	env := userEnv(st, "IMAGE_REPOSITORY="+repo, "GOFLAGS=-mod=mod")
	mage := func(args ...string) string {
		t.Helper()
		return runIn(t, dir, env, "go", append([]string{"run", "github.com/magefile/mage"}, args...)...)
	}

	list := mage("-l")
	for _, want := range []string{"ecrLogin", "build", "push", "deploy", "status", "sandbox:up", "sandbox:down", "sandbox:env"} {
		if !strings.Contains(list, "  "+want+" ") {
			t.Errorf("mage -l of the example does not list %s:\n%s", want, list)
		}
	}
	for _, notTarget := range []string{"demo", "test", "bench", "install", "checkPush", "demoSetup"} {
		if strings.Contains(list, "  "+notTarget+" ") {
			t.Errorf("mage -l of the example lists %s, which is not a target of a service:\n%s", notTarget, list)
		}
	}
	if help := mage("-h", "push"); !strings.Contains(help, "IMAGE_REPOSITORY:") || !strings.Contains(help, "BUILD_CONTEXT:") {
		t.Errorf("mage -h push does not list push's variables:\n%s", help)
	}

	lines := strings.Split(strings.TrimSpace(mage("push")), "\n")
	ref := lines[len(lines)-1]
	if !strings.HasPrefix(ref, st.RegistryHost()+"/"+repo+"@sha256:") {
		t.Fatalf("push printed %q, want the pinned reference in the sandbox registry", ref)
	}
	// The image holds the example's own files, from its own Dockerfile.
	docker := func(args ...string) string { return runIn(t, dir, env, "docker", args...) }
	id := strings.TrimSpace(docker("create", ref, "/none"))
	t.Cleanup(func() { docker("rm", id) })
	files := docker("export", id)
	if !strings.Contains(files, "Deployed by godax from the example service's own repository.") {
		t.Errorf("the pushed image does not hold the example's site/index.html")
	}
	if got := docker("image", "inspect", "--format", `{{index .Config.Labels "org.opencontainers.image.title"}}`, ref); strings.TrimSpace(got) != "godax example service" {
		t.Errorf("the image's title label is %q, want the example Dockerfile's", got)
	}

	// The function the example's magefile names in its Config.
	cfg := sandboxtest.RoleConfig(t, st)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := deploy.EnsureLambdaFunction(ctx, lambda.NewFromConfig(cfg), iam.NewFromConfig(cfg), "godax-example", ref); err != nil {
		t.Fatal(err)
	}
	out := mage("deploy")
	if !strings.Contains(out, "godax-example") {
		t.Errorf("deploy's table does not name the function the example's Config sets:\n%s", out)
	}

	if s := gitStatus(t, dir); s != "" {
		t.Errorf("git status of the example after push and deploy = %q, want it clean", s)
	}
	if _, got := pushRecord(t, filepath.Join(dir, ".godax")); got != ref {
		t.Errorf("the example's own state records %q, want %q", got, ref)
	}
	if after := fileState(godaxRecord); after != before {
		t.Errorf("the example's run changed godax's own push record %s", godaxRecord)
	}
}

// compiledTargets compiles the targets as install does (cmd/godax's
// magefile), once for the package's tests, and returns the binary.
var compiledTargets = sync.OnceValues(func() (string, error) {
	made.targets.Store(true)
	root, err := state.ModuleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "godax-targets-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "godax")
	cmd := exec.Command("go", "run", "mage.go", "-d", "cmd/godax", "-compile", bin)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go run mage.go -d cmd/godax -compile: %v\n%s", err, out)
	}
	return bin, nil
})

// targetsBinary is [compiledTargets] for t.
func targetsBinary(t *testing.T) string {
	t.Helper()
	bin, err := compiledTargets()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// made says which of what the tests share were made, so that TestMain
// cleans up those alone, and makes nothing to clean it up.
var made struct{ targets, suite, moto atomic.Bool }

func TestMain(m *testing.M) {
	code := m.Run()
	if made.targets.Load() {
		if bin, err := compiledTargets(); err == nil {
			_ = os.RemoveAll(filepath.Dir(bin))
		}
	}
	if made.suite.Load() {
		if s, err := suite(); err == nil {
			_ = os.RemoveAll(s.dir)
		}
	}
	if made.moto.Load() {
		stopMoto()
	}
	os.Exit(code)
}

// siteRepo makes a git repository that is not a Go module: a Dockerfile
// and one file, committed. It returns the folder and the commit.
func siteRepo(t *testing.T) (dir, sha string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"Dockerfile": "FROM scratch\nCOPY hello.txt /\n", "hello.txt": "hello\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, gitRepo(t, dir)
}

func TestRepositoryThatIsNotAGoModule_PushesTwiceWithACleanTreeAndItsCommitAsTag(t *testing.T) {
	st := sandboxtest.Require(t)
	bin := targetsBinary(t)
	dir, sha := siteRepo(t)

	env := userEnv(st, fmt.Sprintf("IMAGE_REPOSITORY=godax-site-%d", time.Now().UnixNano()))
	var refs []string
	for i := range 2 {
		out := strings.TrimSpace(runIn(t, dir, env, bin, "push"))
		refs = append(refs, out[strings.LastIndex(out, "\n")+1:])
		if s := gitStatus(t, dir); s != "" {
			t.Fatalf("git status after push %d = %q, want it clean", i+1, s)
		}
		if tag, _ := pushRecord(t, filepath.Join(dir, ".godax")); tag != sha {
			t.Errorf("push %d tagged the image %q, want the commit %q", i+1, tag, sha)
		}
	}
	if refs[0] != refs[1] || !strings.Contains(refs[0], "@sha256:") {
		t.Errorf("two pushes of one commit printed %q, want the same pinned reference twice", refs)
	}
	if entries, err := os.ReadDir(filepath.Join(dir, ".godax")); err != nil || !slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == ".gitignore" }) {
		t.Errorf("the repository's .godax has no .gitignore: %v", err)
	}
}
