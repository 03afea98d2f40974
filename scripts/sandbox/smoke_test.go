package sandbox_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// ecrLogin gets an ECR token with cfg and returns the user and password
// it decodes to.
func ecrLogin(ctx context.Context, t *testing.T, cfg aws.Config) (user, password string) {
	t.Helper()
	out, err := ecr.NewFromConfig(cfg).GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatalf("ecr GetAuthorizationToken: %v", err)
	}
	if len(out.AuthorizationData) == 0 {
		t.Fatal("ecr GetAuthorizationToken: no authorization data")
	}
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	if err != nil {
		t.Fatalf("decode ECR token: %v", err)
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		t.Fatal("ECR token does not decode to user:password")
	}
	return user, password
}

// docker returns a [dax.Cmd] whose docker CLI talks to the sandbox's
// dockerd and keeps its logins in a folder of this test only.
func docker(t *testing.T, st *sandbox.State) func(format string, args ...any) dax.Command {
	config := t.TempDir()
	return func(format string, args ...any) dax.Command {
		return dax.Cmd(format, args...).Env("DOCKER_HOST", st.DockerHost()).Env("DOCKER_CONFIG", config)
	}
}

// TestSmoke_AssumedRoleTokenLogsInBuildsAndPushes walks the path the
// pipeline takes, against the sandbox's real moto, registry and dockerd.
func TestSmoke_AssumedRoleTokenLogsInBuildsAndPushes(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	cfg := sandboxtest.RoleConfig(t, st)
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("sts GetCallerIdentity as %s: %v", sandbox.RoleARN, err)
	}
	if diff := cmp.Diff(sandbox.Account, aws.ToString(who.Account)); diff != "" {
		t.Fatalf("account after AssumeRole (-want +got):\n%s", diff)
	}

	user, password := ecrLogin(ctx, t, cfg)
	cmd := docker(t, st)
	host := st.RegistryHost()
	login := cmd("docker login --username %s --password-stdin %s", user, host).
		StdinSecret(dax.Secret(password)).Quiet().Timeout(time.Minute)
	if err := login.Run(ctx); err != nil {
		t.Fatalf("docker login with the role's ECR token: %v", err)
	}

	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile": "FROM scratch\nCOPY hello.txt /hello.txt\n",
		"hello.txt":  "hello from the godax sandbox\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	repo := "godax-smoke"
	tag := fmt.Sprintf("t%d", time.Now().UnixNano())
	ref := host + "/" + repo + ":" + tag
	if err := cmd("docker build --quiet --tag %s %s", ref, dir).Quiet().Timeout(2 * time.Minute).Run(ctx); err != nil {
		t.Fatalf("docker build: %v", err)
	}
	t.Cleanup(func() { _ = cmd("docker rmi %s", ref).Quiet().Run(context.Background()) })
	if err := cmd("docker push %s", ref).Quiet().Timeout(2 * time.Minute).Run(ctx); err != nil {
		t.Fatalf("docker push: %v", err)
	}

	tags := registryTags(ctx, t, host, repo)
	if !slices.Contains(tags, tag) {
		t.Errorf("registry tags of %s = %v, want %s among them", repo, tags, tag)
	}
}

// registryTags lists repo's tags through the registry's API, with the
// sandbox's registry credentials.
func registryTags(ctx context.Context, t *testing.T, host, repo string) []string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/v2/"+repo+"/tags/list", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(sandbox.RegistryUser, sandbox.RegistryPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("registry tag list: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("registry tag list: status %d", resp.StatusCode)
	}
	var list struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatalf("registry tag list: %v", err)
	}
	return list.Tags
}

// TestSmoke_RegistryRefusesATokenGotWithoutTheRole proves the login above
// means something: without the role, moto's token is for its default
// account, and the registry turns its password away.
func TestSmoke_RegistryRefusesATokenGotWithoutTheRole(t *testing.T) {
	st := sandboxtest.Require(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	user, password := ecrLogin(ctx, t, sandboxtest.AWSConfig(t, st))
	if password == sandbox.RegistryPassword {
		t.Fatalf("the base credentials' token already holds the sandbox password %q", password)
	}
	var stderr strings.Builder
	code, err := docker(t, st)("docker login --username %s --password-stdin %s", user, st.RegistryHost()).
		StdinSecret(dax.Secret(password)).Stderr(&stderr).Timeout(time.Minute).Code(ctx)
	if err != nil {
		t.Fatalf("docker login: %v", err)
	}
	if code == 0 || !strings.Contains(stderr.String(), "401") {
		t.Errorf("docker login with account 123456789012's token: exit %d, stderr %q; want it refused with 401", code, stderr.String())
	}
}
