package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrauth/credhelper"
	"github.com/godax/godax/scripts/sandbox"
)

// ecrLoginHelperModule is the amazon-ecr-credential-helper release the
// helper's cold get is compared with.
const ecrLoginHelperModule = "github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@v0.13.0"

// benchHelper compares, side by side in one run on the sandbox,
// docker-credential-godax's warm get with a hello-world Go program, its
// cold get with amazon-ecr-credential-helper's (both with the sandbox's
// base keys and their caches off; ecr-login built by its install line,
// and again without cgo as ours are) and with the fetcher alone (the
// program a cold get hands over to), and `docker pull` of an up-to-date
// image through the helper with the same pull after a `docker login`. It
// prints medians and the five ratios. env is
// the sandbox child environment of [Bench]; tmp a scratch folder it owns.
func benchHelper(ctx context.Context, w io.Writer, st *sandbox.State, root, tmp string, env []string, runs int) error {
	bin := filepath.Join(tmp, "bin")
	dax.Step("bench: building cmd/..., a hello-world program and %s", filepath.Base(strings.Split(ecrLoginHelperModule, "@")[0]))
	if err := withCmdBuildEnv(dax.Cmd("go build -o %s ./cmd/...", bin+string(os.PathSeparator))).Dir(root).Timeout(10 * time.Minute).Run(ctx); err != nil {
		return err
	}
	helloDir := filepath.Join(tmp, "hello")
	if err := os.MkdirAll(helloDir, 0o700); err != nil {
		return err
	}
	hello := filepath.Join(bin, "hello")
	if err := os.WriteFile(filepath.Join(helloDir, "main.go"), []byte("package main\n\nfunc main() { println(\"hello\") }\n"), 0o600); err != nil {
		return err
	}
	if err := dax.Cmd("go build -o %s main.go", hello).Dir(helloDir).Env("GO111MODULE", "off").Timeout(5 * time.Minute).Run(ctx); err != nil {
		return err
	}
	// ecr-login as its install line builds it, and built as ours are.
	staticBin := filepath.Join(tmp, "bin-nocgo")
	for _, c := range []dax.Command{
		dax.Cmd("go install %s", ecrLoginHelperModule).Env("GOBIN", bin),
		withCmdBuildEnv(dax.Cmd("go install %s", ecrLoginHelperModule)).Env("GOBIN", staticBin),
	} {
		if err := c.Dir(tmp).Timeout(10 * time.Minute).Run(ctx); err != nil {
			return fmt.Errorf("install amazon-ecr-credential-helper: %w", err)
		}
	}

	// The same caller for both cold gets: the sandbox's base keys, no role.
	ecrHost, err := ecrauth.HostFor(sandbox.Account, sandbox.Region)
	if err != nil {
		return err
	}
	// Pulls act as the sandbox's role, whose account owns the registry.
	var caller, role []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PATH=") {
			role = append(role, kv)
		}
		if !strings.HasPrefix(kv, "ECR_ROLE=") && !strings.HasPrefix(kv, "PATH=") {
			caller = append(caller, kv)
		}
	}
	extra := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "ECR_CACHE_DIR=" + filepath.Join(tmp, "helper-cache")}
	caller, role = append(caller, extra...), append(role, extra...)
	ecrLoginEnv := append(slices.Clone(caller), "HOME="+filepath.Join(tmp, "ecr-login-home"), "AWS_ECR_DISABLE_CACHE=1")

	// An image in the registry and two Docker configs that reach it: one
	// written by docker login, one routing the host to the helper.
	host := st.RegistryHost()
	ref := host + "/godax-bench-pull:latest"
	loginCfg, helperCfg := filepath.Join(tmp, "docker-login"), filepath.Join(tmp, "docker-helper")
	if err := os.MkdirAll(helperCfg, 0o700); err != nil {
		return err
	}
	if err := ecrauth.RouteToHelper(ctx, filepath.Join(helperCfg, "config.json"), host, ecrauth.HelperName); err != nil {
		return err
	}
	ctxDir := filepath.Join(tmp, "pull-image")
	if err := os.MkdirAll(ctxDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte("FROM scratch\nCOPY f /f\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ctxDir, "f"), []byte("godax bench\n"), 0o600); err != nil {
		return err
	}
	docker := func(cfg string) []string {
		return append(slices.Clone(role), "DOCKER_CONFIG="+cfg, "DOCKER_BUILDKIT=0")
	}
	for _, step := range []dax.Command{
		dax.Cmd("docker login --username %s --password-stdin %s", sandbox.RegistryUser, host).StdinSecret(sandbox.RegistryPassword),
		dax.Cmd("docker build -q -t %s %s", ref, ctxDir),
		dax.Cmd("docker push -q %s", ref),
	} {
		if err := step.ReplaceEnv(envMap(docker(loginCfg))).Quiet().Timeout(5 * time.Minute).Run(ctx); err != nil {
			return err
		}
	}

	command := func(ctx context.Context, env []string, stdin, name string, args ...string) *exec.Cmd {
		c := exec.CommandContext(ctx, name, args...)
		c.Env = env
		c.Stdout, c.Stderr = io.Discard, io.Discard
		if stdin != "" {
			c.Stdin = strings.NewReader(stdin)
		}
		return c
	}
	helper := filepath.Join(bin, ecrauth.HelperCommand)
	variants := []benchVariant{
		{name: "hello-world Go program", cmd: func(ctx context.Context) *exec.Cmd { return command(ctx, caller, "", hello) }},
		{name: "docker-credential-godax get, warm", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, caller, ecrHost, helper, "get")
		}},
		{name: "docker-credential-godax get, cold", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, append(slices.Clone(caller), "ECR_NO_CACHE=1"), ecrHost, helper, "get")
		}},
		{name: "docker-credential-ecr-login get, cold", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, ecrLoginEnv, ecrHost, filepath.Join(bin, "docker-credential-ecr-login"), "get")
		}},
		{name: "docker-credential-ecr-login get, cold, built without cgo", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, ecrLoginEnv, ecrHost, filepath.Join(staticBin, "docker-credential-ecr-login"), "get")
		}},
		// The process a cold get hands over to, started directly with the
		// settings the helper gives it: the get without the helper's start.
		{name: "godax-ecr-token get (the fetcher alone), cold", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, append(slices.Clone(caller), "ECR_NO_CACHE=1", "GOMAXPROCS=1"), "",
				filepath.Join(bin, credhelper.FetcherName), credhelper.HandoffAction, ecrHost)
		}},
		{name: "docker pull (up to date), after docker login", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, docker(loginCfg), "", "docker", "pull", "-q", ref)
		}},
		{name: "docker pull (up to date), through the helper", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, docker(helperCfg), "", "docker", "pull", "-q", ref)
		}},
	}
	dax.Step("bench: %d rounds of %d credential-helper variants", runs, len(variants))
	results, err := runRounds(ctx, variants, runs)
	if err != nil {
		return err
	}
	return printHelperBench(w, runs, results)
}

// printHelperBench writes the credential helper's table and ratios.
func printHelperBench(w io.Writer, runs int, r []benchResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\ncredential helper (median of %d)\tmedian\tmin\tpeak RSS\t\n", runs)
	for _, x := range r {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f MiB\t\n", x.name, ms(x.median()), ms(slices.Min(x.times)), float64(x.peakRSS())/1024)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "helper warm get / hello-world: %.2f\n"+
		"helper cold get / ecr-login cold get: %.2f\n"+
		"helper cold get / ecr-login cold get, both built without cgo: %.2f\n"+
		"fetcher alone / ecr-login cold get: %.2f\n"+
		"docker pull through the helper / after docker login: %.2f\n",
		ratio(r[1].median(), r[0].median()), ratio(r[2].median(), r[3].median()), ratio(r[2].median(), r[4].median()),
		ratio(r[5].median(), r[3].median()), ratio(r[7].median(), r[6].median()))
	return err
}

// envMap turns KEY=VALUE lines into a map, later lines winning.
func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}
