package scripts

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/state"
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

func TestGitTag_AddsDirtyForAChangedFile(t *testing.T) {
	t.Parallel()
	dir, sha := gitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main // changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := GitTag(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha + "-dirty"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGitTag_AddsDirtyForAnUntrackedFile(t *testing.T) {
	t.Parallel()
	dir, sha := gitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, "new.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := GitTag(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := sha + "-dirty"; got != want {
		t.Errorf("got %q, want %q", got, want)
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

// env returns a getenv over m.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadImageSettings_DefaultsToTheSampleService(t *testing.T) {
	t.Parallel()
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadImageSettings(context.Background(), env(map[string]string{"IMAGE_REPOSITORY": "team/app", "IMAGE_TAG": "v1"}))
	if err != nil {
		t.Fatal(err)
	}
	want := ImageSettings{
		Repository: "team/app",
		Tag:        "v1",
		Context:    filepath.Join(root, sampleDir),
		Dockerfile: filepath.Join(root, sampleDir, "Dockerfile"),
		CLI:        got.CLI,
		Sample:     true,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("settings (-want +got):\n%s", d)
	}
	if got.CLI.Name != "docker" || got.LocalRef() != "team/app:v1" {
		t.Errorf("got CLI %q and ref %q, want docker and team/app:v1", got.CLI.Name, got.LocalRef())
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
		"IMAGE_PLATFORM": "windows/amd64", "CONTAINER_CLI": "podman",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Sample || got.Context != dir || got.Dockerfile != df || got.Platform != "windows/amd64" || got.CLI.Name != "podman" {
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
			`DOCKERFILE="` + empty + `/Dockerfile" is not a file`},
		{"unknown CLI", map[string]string{"CONTAINER_CLI": "dokcer"},
			`CONTAINER_CLI: unknown container CLI "dokcer": want one of docker, podman, nerdctl, finch`},
		{"bad platform", map[string]string{"IMAGE_PLATFORM": "amd64"},
			`IMAGE_PLATFORM="amd64": want OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64`},
		{"sample for windows", map[string]string{"IMAGE_PLATFORM": "windows/amd64"},
			`IMAGE_PLATFORM="windows/amd64": the sample service builds for linux only`},
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
		{name: "ECR_REGISTRY wins", registry: "http://127.0.0.1:5000/", logged: []LoginResult{eu}, want: "127.0.0.1:5000"},
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
	if _, err := LastPush(); err == nil || !strings.Contains(err.Error(), "no push recorded in "+dir+": run push first") {
		t.Fatalf("got %v before any push, want an error saying to push first", err)
	}
	digest := "sha256:" + strings.Repeat("c", 64)
	rec := PushRecord{Registry: "127.0.0.1:5000", Repository: "app", Tag: "v1", Digest: digest,
		Reference: "127.0.0.1:5000/app@" + digest, ImageID: "sha256:" + strings.Repeat("d", 64)}
	if err := writePushRecord(rec); err != nil {
		t.Fatal(err)
	}
	got, err := LastPush()
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
	if err := writePushRecord(rec); err != nil {
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
	if len(entries) != 1 {
		t.Errorf("state folder holds %d files, want only the record (no temporary file left)", len(entries))
	}
}

func TestLastPush_RejectsARecordWithoutADigest(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GODAX_STATE_DIR", dir)
	if err := os.WriteFile(filepath.Join(dir, pushRecordFile), []byte(`{"repository":"app","digest":"latest"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LastPush(); err == nil || !strings.Contains(err.Error(), "has no digest reference: run push again") {
		t.Errorf("got %v, want an error about the missing digest", err)
	}
}

func TestSampleCommand_CompilesAStaticLinuxBinary(t *testing.T) {
	t.Parallel()
	s := ImageSettings{Context: "/src/sampleapp", Tag: "abc123", Platform: "linux/arm64"}
	got := sampleCommand(s, "/src/sampleapp/sampleapp.tmp").String()
	want := "go build -trimpath -buildvcs=false -ldflags '-s -w -X main.version=abc123' -o /src/sampleapp/sampleapp.tmp ."
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestCompileSample_LeavesAnUnchangedBinaryUntouched(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a binary")
	}
	root, err := state.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, sampleDir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range map[string][]byte{"main.go": src, "go.mod": []byte("module sampleapp\n\ngo 1.22\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := ImageSettings{Context: dir, Tag: "t1", Sample: true}
	ctx := context.Background()
	if err := compileSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, sampleBinary)
	first, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(first, []byte("\x7fELF")) || !bytes.Contains(first, []byte("t1")) {
		t.Fatal("the binary is not a linux ELF file carrying its version")
	}
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(bin, past, past); err != nil {
		t.Fatal(err)
	}
	if err := compileSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(bin); err != nil || !fi.ModTime().Equal(past) {
		t.Errorf("an identical binary was replaced (err %v)", err)
	}
	if _, err := os.Stat(bin + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("the temporary binary was left behind: %v", err)
	}
	s.Tag = "t2"
	if err := compileSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(bin); err != nil || fi.ModTime().Equal(past) {
		t.Errorf("a changed binary was not replaced (err %v)", err)
	}
}
