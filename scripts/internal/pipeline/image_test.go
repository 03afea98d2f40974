package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrrepo"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
	"github.com/godax/godax/scripts/settings"
)

// gitRepo makes a git repository in a temporary folder with one file and
// one commit, and returns the folder and the commit's short SHA.
func gitRepo(t *testing.T) (dir, sha string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "main.go")
	git(t, dir, "-c", "user.name=godax", "-c", "user.email=godax@example.com", "commit", "-q", "-m", "first")
	return dir, git(t, dir, "rev-parse", "--short", "HEAD")
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := dax.Cmd("git %s", args).Dir(dir).Quiet().Text(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGitTag_IsTheShortSHAOfACleanTree(t *testing.T) {
	t.Parallel()
	dir, sha := gitRepo(t)
	got, err := GitTag(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{7,}$`).MatchString(got) || got != sha {
		t.Errorf("got %q, want the short SHA %q", got, sha)
	}
}

func TestGitTag_AddsDirtyForUncommittedChanges(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"main.go", "untracked.go"} {
		dir, sha := gitRepo(t)
		if err := os.WriteFile(filepath.Join(dir, file), []byte("package main // changed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := GitTag(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if want := sha + "-dirty"; got != want {
			t.Errorf("after writing %s: got %q, want %q", file, got, want)
		}
	}
}

func TestGitTag_WorksOnADetachedHead(t *testing.T) {
	t.Parallel()
	dir, first := gitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main // two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "-c", "user.name=godax", "-c", "user.email=godax@example.com", "commit", "-q", "-am", "second")
	git(t, dir, "checkout", "-q", "--detach", first)
	got, err := GitTag(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != first {
		t.Errorf("got %q, want the detached commit %q", got, first)
	}
}

func TestGitTag_OutsideGitAsksForImageTag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := GitTag(context.Background(), dir)
	want := "IMAGE_TAG is not set and " + dir + " is not in a git work tree: set IMAGE_TAG"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestGitTag_WithoutACommitAsksForImageTag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	_, err := GitTag(context.Background(), dir)
	if err == nil || !strings.HasSuffix(err.Error(), "has no commit yet: commit, or set IMAGE_TAG") {
		t.Errorf("got %v, want an error asking for a commit or IMAGE_TAG", err)
	}
}

// env returns a getenv over m, where BUILD_CONTEXT defaults to the example
// service.
func env(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok || k != "BUILD_CONTEXT" {
			return v
		}
		return exampleContext
	}
}

func TestReadImageSettings_DefaultsToTheRepositorysTopFolder(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(repo, "cmd", "api")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	got, err := ReadImageSettings(context.Background(), env(map[string]string{"IMAGE_REPOSITORY": "team/app", "IMAGE_TAG": "v1", "BUILD_CONTEXT": ""}))
	if err != nil {
		t.Fatal(err)
	}
	want := ImageSettings{
		Repository: "team/app",
		Tag:        "v1",
		Context:    repo,
		Dockerfile: filepath.Join(repo, "Dockerfile"),
		CLI:        got.CLI,
		ScanOnPush: true,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("settings (-want +got):\n%s", d)
	}
	if got.CLI.Name != "docker" || got.LocalRef() != "team/app:v1" {
		t.Errorf("got CLI %q and ref %q, want docker and team/app:v1", got.CLI.Name, got.LocalRef())
	}
}

func TestReadImageSettings_BlamesTheDefaultNotAVariableTheUserNeverSet(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	_, err := ReadImageSettings(context.Background(), env(map[string]string{"IMAGE_REPOSITORY": "team/app", "IMAGE_TAG": "v1", "BUILD_CONTEXT": ""}))
	want := "no Dockerfile in " + repo + ", the repository's top folder that BUILD_CONTEXT defaults to: set BUILD_CONTEXT to the folder to build, or DOCKERFILE"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestReadImageSettings_TakesAnotherContextAndDockerfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	df := filepath.Join(dir, "build.Dockerfile")
	if err := os.WriteFile(df, []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadImageSettings(context.Background(), env(map[string]string{
		"IMAGE_REPOSITORY": "app", "IMAGE_TAG": "v1", "BUILD_CONTEXT": dir, "DOCKERFILE": df,
		"IMAGE_PLATFORM": "windows/amd64", "CONTAINER_CLI": "podman", "ECR_SCAN_ON_PUSH": "0", "ECR_IMMUTABLE_TAGS": "1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Context != dir || got.Dockerfile != df || got.Platform != "windows/amd64" || got.CLI.Name != "podman" ||
		got.ScanOnPush || !got.ImmutableTags {
		t.Errorf("got %+v", got)
	}
}

func TestReadImageSettings_RejectsBadInputNamingTheVariable(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	base := map[string]string{"IMAGE_REPOSITORY": "team/app", "IMAGE_TAG": "v1"}
	tests := []struct {
		name string
		set  map[string]string
		want string
	}{
		{"no repository", map[string]string{"IMAGE_REPOSITORY": ""},
			"IMAGE_REPOSITORY is not set: set it to the ECR repository to push to, e.g. team/app"},
		{"upper-case repository", map[string]string{"IMAGE_REPOSITORY": "Team/App"},
			`IMAGE_REPOSITORY: repository name "Team/App" has upper-case letters: ECR names are lower-case`},
		{"bad tag", map[string]string{"IMAGE_TAG": "-v1"},
			`IMAGE_TAG: image tag "-v1": want letters, digits, '_', '.' and '-', not starting with '.' or '-'`},
		{"missing context", map[string]string{"BUILD_CONTEXT": empty + "/nope"},
			`BUILD_CONTEXT="` + empty + `/nope" is not a folder`},
		{"missing Dockerfile", map[string]string{"BUILD_CONTEXT": empty},
			`no Dockerfile in BUILD_CONTEXT ` + empty + `: add one, or set DOCKERFILE`},
		{"unknown CLI", map[string]string{"CONTAINER_CLI": "dokcer"},
			`CONTAINER_CLI: unknown container CLI "dokcer": want one of docker, podman, nerdctl, finch`},
		{"bad platform", map[string]string{"IMAGE_PLATFORM": "amd64"},
			`IMAGE_PLATFORM="amd64": want OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64`},
		{"unknown architecture", map[string]string{"IMAGE_PLATFORM": "linux/bogus"},
			`IMAGE_PLATFORM="linux/bogus": linux has no architecture "bogus"; it has 386, amd64, arm, arm64, loong64, mips, mips64, mips64le, mipsle, ppc64, ppc64le, riscv64, s390x`},
		{"unknown operating system", map[string]string{"IMAGE_PLATFORM": "linx/amd64"},
			`IMAGE_PLATFORM="linx/amd64": "linx" is not an operating system Go builds for (linux, windows, ...)`},
		{"unknown variant", map[string]string{"IMAGE_PLATFORM": "linux/arm/v9"},
			`IMAGE_PLATFORM="linux/arm/v9": "v9" is not a variant of arm`},
		{"empty part", map[string]string{"IMAGE_PLATFORM": "linux//v7"},
			`IMAGE_PLATFORM="linux//v7": want OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64`},
		{"bad scan flag", map[string]string{"ECR_SCAN_ON_PUSH": "sometimes"},
			`ECR_SCAN_ON_PUSH="sometimes": want 1, true, yes or on, or 0, false, no or off`},
		{"bad immutability flag", map[string]string{"ECR_IMMUTABLE_TAGS": "2"},
			`ECR_IMMUTABLE_TAGS="2": want 1, true, yes or on, or 0, false, no or off`},
	}
	for _, tt := range tests {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range tt.set {
			m[k] = v
		}
		_, err := ReadImageSettings(context.Background(), env(m))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got %v\nwant %q", tt.name, err, tt.want)
		}
	}
}

func TestPushRegistry_PrefersECRRegistryThenTheLogin(t *testing.T) {
	t.Parallel()
	eu := LoginResult{Region: "eu-west-1", Host: "111122223333.dkr.ecr.eu-west-1.amazonaws.com"}
	us := LoginResult{Region: "us-east-1", Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com"}
	tests := []struct {
		name     string
		registry string
		logged   []LoginResult
		region   string
		want     string
		wantErr  string
	}{
		{name: "ECR_REGISTRY wins", registry: "127.0.0.1:5000", logged: []LoginResult{eu}, want: "127.0.0.1:5000"},
		{name: "ECR_REGISTRY with a scheme", registry: "http://127.0.0.1:5000", logged: []LoginResult{eu},
			wantErr: `ECR_REGISTRY: registry "http://127.0.0.1:5000" has a scheme: want HOST or HOST:PORT, without https://`},
		{name: "ECR_REGISTRY with a bad port", registry: "127.0.0.1:99999",
			wantErr: `ECR_REGISTRY: registry "127.0.0.1:99999": port "99999" is not a number from 1 to 65535`},
		{name: "the one login", logged: []LoginResult{eu}, region: "us-east-1", want: eu.Host},
		{name: "the login in the region", logged: []LoginResult{eu, us}, region: "us-east-1", want: us.Host},
		{name: "no login", wantErr: "no registry to push to: ecrLogin has not run in this process (the push target runs it first), and ECR_REGISTRY is not set"},
		{name: "no login in the region", logged: []LoginResult{eu, us}, region: "ap-south-1",
			wantErr: `ecrLogin logged in to 2 registries and none is in region "ap-south-1": set ECR_REGISTRY to the one to push to`},
	}
	for _, tt := range tests {
		got, err := pushRegistry(tt.registry, tt.logged, tt.region)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s: got %q, %q; want %q, %q", tt.name, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestPushRecord_RoundTripsThroughTheStateFolderAndIsNotRewrittenUnchanged(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GODAX_STATE_DIR", dir)
	if _, err := NewSession(settings.Config{}).LastPush(); err == nil || !strings.Contains(err.Error(), "no push recorded in "+dir+": run push first") {
		t.Fatalf("got %v before any push, want an error saying to push first", err)
	}
	digest := "sha256:" + strings.Repeat("c", 64)
	rec := PushRecord{Registry: "127.0.0.1:5000", Repository: "app", Tag: "v1", Digest: digest,
		Reference: "127.0.0.1:5000/app@" + digest, ImageID: "sha256:" + strings.Repeat("d", 64)}
	if err := NewSession(settings.Config{}).writePushRecord(rec); err != nil {
		t.Fatal(err)
	}
	got, err := NewSession(settings.Config{}).LastPush()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(rec, got); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
	path := filepath.Join(dir, pushRecordFile)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	if err := NewSession(settings.Config{}).writePushRecord(rec); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(past) {
		t.Errorf("an unchanged record was rewritten (mtime %s, want %s)", fi.ModTime(), past)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{".gitignore", pushRecordFile}, names); d != "" {
		t.Errorf("state folder (-want +got), want only the record and the folder's .gitignore (no temporary file left):\n%s", d)
	}
}

func TestLastPush_RejectsARecordWithoutADigest(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GODAX_STATE_DIR", dir)
	if err := os.WriteFile(filepath.Join(dir, pushRecordFile), []byte(`{"repository":"app","digest":"latest"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSession(settings.Config{}).LastPush(); err == nil || !strings.Contains(err.Error(), "has no digest reference: run push again") {
		t.Errorf("got %v, want an error about the missing digest", err)
	}
}

func TestGoPlatforms_MatchGoToolDistList(t *testing.T) {
	t.Parallel()
	got, err := dax.Cmd("go tool dist list").Quiet().Timeout(time.Minute).Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(goPlatforms, got); d != "" {
		t.Errorf("goPlatforms differs from go tool dist list (-table +go):\n%s", d)
	}
}

// pushHelperEnv makes the test binary run ecrLogin, build and push, as
// `mage push` does, in a process of its own: each push starts with a
// fresh process, as a second `mage push` would.
const pushHelperEnv = "GODAX_TEST_PUSH_HELPER"

func TestPushHelperProcess(t *testing.T) {
	mode := os.Getenv(pushHelperEnv)
	if mode != "1" && mode != "build" {
		t.Skip("the push tests run this as a helper process")
	}
	ctx := context.Background()
	steps := []func(context.Context) error{EcrLogin, Build, Push}
	if mode == "build" {
		steps = []func(context.Context) error{Build}
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
	}
	os.Exit(0)
}

// runPush runs ecrLogin, build and push in a helper process with env on
// top of the sandbox's, and returns the last line it printed and how long
// it took.
func runPush(t *testing.T, st *sandbox.State, env map[string]string) (string, time.Duration) {
	t.Helper()
	last, took, err := helperProcess(st, "1", env)
	if err != nil {
		t.Fatal(err)
	}
	return last, took
}

// helperProcess runs [TestPushHelperProcess] in mode ("1" for ecrLogin,
// build and push, "build" for build only) with env on top of the
// sandbox's, and returns the last line it printed and how long it took.
func helperProcess(st *sandbox.State, mode string, env map[string]string) (string, time.Duration, error) {
	cmd := dax.Cmd("%s -test.run=^TestPushHelperProcess$", os.Args[0]).Quiet().Timeout(5*time.Minute).Env(pushHelperEnv, mode)
	for _, k := range append(slices.Clone(sandbox.UnsetVars), "BUILD_CONTEXT", "DOCKERFILE", "IMAGE_PLATFORM", "CONTAINER_CLI", "ECR_REGIONS", "ECR_NO_CACHE") {
		cmd = cmd.Env(k, "")
	}
	for _, kv := range st.Env() {
		k, v, _ := strings.Cut(kv, "=")
		cmd = cmd.Env(k, v)
	}
	for k, v := range env {
		cmd = cmd.Env(k, v)
	}
	start := time.Now()
	lines, err := cmd.Lines(context.Background())
	took := time.Since(start)
	if err != nil {
		var ce *dax.CommandError
		if errors.As(err, &ce) {
			return "", took, fmt.Errorf("%s failed: %w\n%s", mode, err, ce.Stderr)
		}
		return "", took, err
	}
	if len(lines) == 0 && mode != "build" {
		return "", took, errors.New("push printed nothing")
	}
	if len(lines) == 0 {
		return "", took, nil
	}
	return lines[len(lines)-1], took, nil
}

// imageVersion returns the version label of ref on the sandbox's dockerd,
// which the example service's Dockerfile sets from its VERSION build
// argument.
func imageVersion(t *testing.T, st *sandbox.State, ref string) string {
	t.Helper()
	cmd := dax.Cmd("docker image inspect --format %s %s", `{{index .Config.Labels "org.opencontainers.image.version"}}`, ref).Quiet().Timeout(time.Minute)
	for _, kv := range st.Env() {
		k, v, _ := strings.Cut(kv, "=")
		cmd = cmd.Env(k, v)
	}
	out, err := cmd.Text(context.Background())
	if err != nil {
		t.Fatalf("docker run %s: %v", ref, err)
	}
	return out
}

func TestBuildAndPush_OnTheSandboxConcurrentRunsEachGetAnImageOfTheirOwnTag(t *testing.T) {
	st := sandboxtest.Require(t)
	stateDir := t.TempDir()
	id := time.Now().UnixNano()
	repo := fmt.Sprintf("godax-test/concurrent-%d", id)
	// concurrently runs one helper process per tag at once, in mode.
	concurrently := func(mode string, tags []string) []string {
		out := make([]string, len(tags))
		errs := make([]error, len(tags))
		var wg sync.WaitGroup
		for i, tag := range tags {
			wg.Go(func() {
				out[i], _, errs[i] = helperProcess(st, mode, map[string]string{
					"GODAX_STATE_DIR": stateDir, "IMAGE_REPOSITORY": repo, "IMAGE_TAG": tag, "BUILD_ARG_VERSION": tag})
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		return out
	}

	builds := []string{fmt.Sprintf("a-%d", id), fmt.Sprintf("b-%d", id), fmt.Sprintf("c-%d", id)}
	concurrently("build", builds)
	for _, tag := range builds {
		if got := imageVersion(t, st, repo+":"+tag); got != tag {
			t.Errorf("image %s:%s has version %q, want %q", repo, tag, got, tag)
		}
	}

	pushes := []string{fmt.Sprintf("pa-%d", id), fmt.Sprintf("pb-%d", id), fmt.Sprintf("pc-%d", id)}
	refs := concurrently("1", pushes)
	for i, tag := range pushes {
		if got := imageVersion(t, st, refs[i]); got != tag {
			t.Errorf("pushed image %s (tag %s) has version %q, want %q", refs[i], tag, got, tag)
		}
		if _, served := registryState(t, st, repo, tag); !strings.HasSuffix(refs[i], "@"+served) {
			t.Errorf("tag %s: push printed %s, the registry serves %s", tag, refs[i], served)
		}
	}
}

// registryGet sends an authenticated request to the sandbox's registry.
func registryGet(t *testing.T, st *sandbox.State, method, path string, accept ...string) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+st.RegistryHost()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sandbox.RegistryUser, sandbox.RegistryPassword)
	for _, a := range accept {
		req.Header.Add("Accept", a)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
	return resp
}

// registryState returns the repository's tags and the manifest digest
// the registry serves for tag.
func registryState(t *testing.T, st *sandbox.State, repo, tag string) ([]string, string) {
	t.Helper()
	resp := registryGet(t, st, http.MethodGet, "/v2/"+repo+"/tags/list")
	var list struct {
		Tags []string `json:"tags"`
	}
	err := json.NewDecoder(resp.Body).Decode(&list)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	resp = registryGet(t, st, http.MethodHead, "/v2/"+repo+"/manifests/"+tag,
		"application/vnd.docker.distribution.manifest.v2+json",
		"application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json",
		"application/vnd.oci.image.index.v1+json")
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	return list.Tags, resp.Header.Get("Docker-Content-Digest")
}

func TestPush_OnTheSandboxCreatesTheRepositoryPushesAndPinsTheDigest(t *testing.T) {
	st := sandboxtest.Require(t)
	stateDir := t.TempDir()
	t.Setenv("GODAX_STATE_DIR", stateDir)
	id := time.Now().UnixNano()
	repo, tag := fmt.Sprintf("godax-test/push-%d", id), fmt.Sprintf("it-%d", id)
	env := map[string]string{"GODAX_STATE_DIR": stateDir, "IMAGE_REPOSITORY": repo, "IMAGE_TAG": tag}
	client := ecr.NewFromConfig(sandboxtest.RoleConfig(t, st))
	ctx := context.Background()

	_, err := client.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{repo}})
	var missing *ecrtypes.RepositoryNotFoundException
	if !errors.As(err, &missing) {
		t.Fatalf("before the push: got %v, want RepositoryNotFoundException", err)
	}

	printed, first := runPush(t, st, env)
	t.Logf("first push (ecrLogin, build, push in a fresh process): %s", first)
	prefix := st.RegistryHost() + "/" + repo + "@"
	if !strings.HasPrefix(printed, prefix) {
		t.Fatalf("printed %q, want %s<digest>", printed, prefix)
	}
	digest := strings.TrimPrefix(printed, prefix)

	out, err := client.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{repo}})
	if err != nil {
		t.Fatalf("after the push, the repository is not in ECR: %v", err)
	}
	if r := out.Repositories[0]; r.ImageScanningConfiguration == nil || !r.ImageScanningConfiguration.ScanOnPush {
		t.Errorf("the repository was created without scan on push")
	}

	tags, served := registryState(t, st, repo, tag)
	if d := cmp.Diff([]string{tag}, tags); d != "" {
		t.Errorf("registry tags (-want +got):\n%s", d)
	}
	if served != digest {
		t.Errorf("printed digest %s, registry serves %s", digest, served)
	}
	rec, err := NewSession(settings.Config{}).LastPush()
	if err != nil {
		t.Fatal(err)
	}
	if !container.ValidDigest(rec.ImageID) {
		t.Errorf("push record's image ID %q is not a sha256 digest", rec.ImageID)
	}
	want := PushRecord{Registry: st.RegistryHost(), Repository: repo, Tag: tag, Digest: digest, Reference: printed, ImageID: rec.ImageID}
	if d := cmp.Diff(want, rec); d != "" {
		t.Errorf("push record (-want +got):\n%s", d)
	}
	recPath := filepath.Join(stateDir, pushRecordFile)
	before, err := os.Stat(recPath)
	if err != nil {
		t.Fatal(err)
	}

	again, second := runPush(t, st, env)
	t.Logf("second push of the unchanged tree (fresh process): %s", second)
	if again != printed {
		t.Errorf("second push printed %q, want %q", again, printed)
	}
	tags, served = registryState(t, st, repo, tag)
	if d := cmp.Diff([]string{tag}, tags); d != "" || served != digest {
		t.Errorf("the second push changed the registry: tags %v (-want +got %s), digest %s", tags, d, served)
	}
	after, err := os.Stat(recPath)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the second push rewrote the push record")
	}
}

func TestEnsure_OnMotoTreatsConcurrentCreatorsAsSuccess(t *testing.T) {
	st := sandboxtest.Require(t)
	client := ecr.NewFromConfig(sandboxtest.RoleConfig(t, st))
	name := fmt.Sprintf("godax-test/ensure-%d", time.Now().UnixNano())
	ctx := context.Background()
	results := make([]ecrrepo.Repository, 6)
	errs := make([]error, len(results))
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i], errs[i] = ecrrepo.Ensure(ctx, client, name, ecrrepo.Options{ScanOnPush: true}) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	created := 0
	for _, r := range results {
		if r.Created {
			created++
		}
		if r.Name != name || !strings.HasSuffix(r.URI, "/"+name) || r.RegistryID != sandbox.Account {
			t.Errorf("got %+v, want %s in account %s", r, name, sandbox.Account)
		}
	}
	if created != 1 {
		t.Errorf("%d callers say they created the repository, want exactly 1", created)
	}
	again, err := ecrrepo.Ensure(ctx, client, name, ecrrepo.Options{})
	if err != nil || again.Created {
		t.Errorf("ensuring an existing repository: got %+v, %v; want it found, not created", again, err)
	}
}

func TestBuild_StopsBeforeAnyWorkWhenTheDaemonIsDown(t *testing.T) {
	if !dax.CommandExists("docker") {
		t.Skip("no docker CLI on PATH")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := "unix://" + filepath.Join(dir, "no-daemon.sock")
	for k, v := range map[string]string{"DOCKER_HOST": sock, "DOCKER_CONTEXT": "", "CONTAINER_CLI": "", "IMAGE_REPOSITORY": "app",
		"IMAGE_TAG": "v1", "BUILD_CONTEXT": dir, "DOCKERFILE": "", "IMAGE_PLATFORM": ""} {
		t.Setenv(k, v)
	}
	err := Build(context.Background())
	want := "build: docker daemon not reachable at DOCKER_HOST=" + sock + ": "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want an error starting %q", err, want)
	}
	if !strings.Contains(err.Error(), "Cannot connect to the Docker daemon") {
		t.Errorf("got %v, want it to end with docker's own reason", err)
	}
}

func TestSameImage_SkipsOnlyTheVeryImageAlreadyUnderAnImmutableTag(t *testing.T) {
	t.Parallel()
	a, b := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)
	tests := []struct {
		name, inECR, local, want string
		wantErr                  bool
	}{
		{name: "the local image was pushed as that digest", inECR: a, local: a, want: a},
		{name: "another image holds the tag", inECR: a, local: b, wantErr: true},
		{name: "the local image was never pushed there", inECR: a, local: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := sameImage("reg/app:v1", tt.inECR, tt.local)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s: got %q, %v; want %q, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

// freeTags is an ECR that has no image at all.
type freeTags struct{ asked int }

func (f *freeTags) DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	f.asked++
	return nil, &ecrtypes.ImageNotFoundException{Message: aws.String("no image")}
}

func TestImmutablePushed_PushesAFreeTag(t *testing.T) {
	t.Parallel()
	f := &freeTags{}
	got, err := immutablePushed(context.Background(), container.CLI{Name: "docker"}, f, "app", "", "reg/app:v1")
	if err != nil || got != "" || f.asked != 1 {
		t.Errorf("got %q, %v after %d questions; want no digest (push it) after asking ECR once", got, err, f.asked)
	}
}

func TestReadBuildArgs_TakesTheNameAfterThePrefix(t *testing.T) {
	t.Parallel()
	got, err := ReadBuildArgs([]string{"PATH=/bin", "BUILD_ARG_VERSION=1.2", "BUILD_ARG_NOTE=a b=c", "BUILD_ARG_EMPTY=", "BUILD_ARGS=x", "IMAGE_TAG=v1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"VERSION": "1.2", "NOTE": "a b=c", "EMPTY": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for in, want := range map[string]string{
		"BUILD_ARG_=1":     "BUILD_ARG_ is set but names no build argument: use BUILD_ARG_NAME=VALUE",
		"BUILD_ARG_a-b=1":  `BUILD_ARG_a-b: "a-b" is not a build argument name: want letters, digits and '_', not starting with a digit`,
		"BUILD_ARG_1X=1":   `BUILD_ARG_1X: "1X" is not a build argument name: want letters, digits and '_', not starting with a digit`,
		"BUILD_ARG_X=a\nb": "BUILD_ARG_X: the value holds a line break, which a build argument cannot carry",
		"BUILD_ARG_X=a\r":  "BUILD_ARG_X: the value holds a line break, which a build argument cannot carry",
	} {
		_, err := ReadBuildArgs([]string{"BUILD_ARG_OK=1", in})
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}
