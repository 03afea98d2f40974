package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox"
)

// benchRunTimeout bounds every measured run.
const benchRunTimeout = 5 * time.Minute

// benchResult is one variant's measurements.
type benchResult struct {
	name   string
	times  []time.Duration
	maxRSS []int64 // KiB, per run
}

func (b benchResult) median() time.Duration {
	s := slices.Clone(b.times)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (b benchResult) peakRSS() int64 {
	if len(b.maxRSS) == 0 {
		return 0
	}
	return slices.Max(b.maxRSS)
}

// benchVariant is one command to measure, run afresh for each round.
type benchVariant struct {
	name  string
	setup func() error // before each run, not measured
	cmd   func(ctx context.Context) *exec.Cmd
}

// Bench compares, in one run on the sandbox, ecrLogin uncached and cached
// (the compiled targets binary), the AWS CLI's documented pipeline with an
// assume-role profile, and a bare `docker login --password-stdin`, and
// prints medians, ratios and the cached run's peak memory. It sets the
// start-up of the targets binary (-l) beside a hello-world Go program's,
// as a ratio, then measures the extra cost of going through `go run
// mage.go`, and last the credential helper (see benchHelper).
//
// # Environment
//
// BENCH_RUNS is the number of rounds (default 10). The sandbox is started
// when it is not running.
func Bench(ctx context.Context) error {
	runs := 10
	if v := os.Getenv("BENCH_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("BENCH_RUNS=%q: want a whole number from 1 to 1000", v)
		}
		runs = n
	}
	if !dax.CommandExists("aws") {
		return errors.New("bench: the AWS CLI (aws) is not on PATH")
	}
	st, err := sandbox.Up(ctx)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	root, err := state.ModuleRoot()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	tmp, err := os.MkdirTemp("", "godax-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "targets")
	dax.Step("bench: compiling the targets binary")
	if err := dax.Cmd("go run mage.go -compile %s", bin).Dir(root).Timeout(10 * time.Minute).Run(ctx); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	hello, err := buildHello(ctx, tmp)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}

	// The token cache moves with XDG_CACHE_HOME, and Go's build cache
	// would move with it: keep the build cache where it is.
	gocache, err := dax.Cmd("go env GOCACHE").Dir(root).Timeout(time.Minute).Text(ctx)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	env := append(sandboxChildEnv(st, filepath.Join(tmp, "docker"), filepath.Join(tmp, "cache")), "GOCACHE="+gocache)
	awsHome := filepath.Join(tmp, "aws-home")
	awsEnv, err := awsCLIEnv(st, env, awsHome)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	host := st.RegistryHost()
	qhost, err := syntax.Quote(host, syntax.LangBash)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	command := func(ctx context.Context, env []string, stdin string, name string, args ...string) *exec.Cmd {
		c := exec.CommandContext(ctx, name, args...)
		c.Env, c.Dir = env, root
		c.Stdout, c.Stderr = io.Discard, io.Discard
		if stdin != "" {
			c.Stdin = strings.NewReader(stdin)
		}
		return c
	}
	variants := []benchVariant{
		{name: "ecrLogin, no cache", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, append(slices.Clone(env), "ECR_NO_CACHE=1"), "", bin, "ecrLogin")
		}},
		{name: "ecrLogin, cached", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, env, "", bin, "ecrLogin")
		}},
		{name: "aws ecr get-login-password | docker login",
			setup: func() error { return os.RemoveAll(filepath.Join(awsHome, ".aws", "cli", "cache")) },
			cmd: func(ctx context.Context) *exec.Cmd {
				return command(ctx, awsEnv, "", "sh", "-c", "aws ecr get-login-password | docker login --username AWS --password-stdin "+qhost)
			}},
		{name: "docker login --password-stdin (floor)", cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, env, sandbox.RegistryPassword, "docker", "login", "--username", sandbox.RegistryUser, "--password-stdin", host)
		}},
		// The targets binary doing nothing but list its targets: its
		// start-up alone, the floor of any cached run.
		{name: benchStartUp, cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, env, "", bin, "-l")
		}},
		// Any Go program's start-up: the floor of the floor.
		{name: benchHello, cmd: func(ctx context.Context) *exec.Cmd {
			return command(ctx, env, "", hello)
		}},
	}

	dax.Step("bench: %d rounds of %d variants", runs, len(variants))
	results, err := runRounds(ctx, variants, runs)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}

	// The extra cost of the mage command: the same cached login through
	// `go run mage.go`, which checks the targets are up to date first.
	dax.Step("bench: %d cached logins through go run mage.go", max(3, runs/2))
	viaMage := benchResult{name: "go run mage.go ecrLogin, cached"}
	goRun := benchVariant{cmd: func(ctx context.Context) *exec.Cmd {
		return command(ctx, env, "", "go", "run", "mage.go", "ecrLogin")
	}}
	for round := -1; round < max(3, runs/2); round++ { // round -1 warms up
		d, rss, err := measure(ctx, goRun)
		if err != nil {
			return fmt.Errorf("bench: go run mage.go ecrLogin: %w", err)
		}
		if round >= 0 {
			viaMage.times = append(viaMage.times, d)
			viaMage.maxRSS = append(viaMage.maxRSS, rss)
		}
	}
	if err := printBench(os.Stdout, runs, results, viaMage); err != nil {
		return err
	}
	return benchHelper(ctx, os.Stdout, st, root, tmp, env, runs)
}

// runRounds runs every variant once a round, in turn, for runs rounds
// after one unmeasured warm-up round that fills the token cache and the
// page cache for every program, and returns each variant's times and peak
// memory, in the order of variants.
func runRounds(ctx context.Context, variants []benchVariant, runs int) ([]benchResult, error) {
	results := make([]benchResult, len(variants))
	for round := -1; round < runs; round++ {
		for i, v := range variants {
			d, rss, err := measure(ctx, v)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v.name, err)
			}
			if round < 0 {
				continue
			}
			results[i].name = v.name
			results[i].times = append(results[i].times, d)
			results[i].maxRSS = append(results[i].maxRSS, rss)
		}
		if round >= 0 && (round+1)%5 == 0 {
			dax.Info("bench: %d/%d rounds", round+1, runs)
		}
	}
	return results, nil
}

// measure runs v once and returns its wall time and peak RSS in KiB.
func measure(ctx context.Context, v benchVariant) (time.Duration, int64, error) {
	if v.setup != nil {
		if err := v.setup(); err != nil {
			return 0, 0, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, benchRunTimeout)
	defer cancel()
	c := v.cmd(ctx)
	start := time.Now()
	if err := c.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", c.String(), err)
	}
	d := time.Since(start)
	return d, maxRSSKiB(c.ProcessState), nil
}

// printBench writes the results table.
func printBench(w io.Writer, runs int, results []benchResult, viaMage benchResult) error {
	awsCLI, floor := results[2].median(), results[3].median()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "variant (median of %d)\tmedian\tmin\tx AWS CLI\tx docker login\tpeak RSS\t\n", runs)
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.2f\t%.1f MiB\t\n", r.name, ms(r.median()), ms(slices.Min(r.times)),
			ratio(r.median(), awsCLI), ratio(r.median(), floor), float64(r.peakRSS())/1024)
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.2f\t%.1f MiB\t\n", viaMage.name, ms(viaMage.median()), ms(slices.Min(viaMage.times)),
		ratio(viaMage.median(), awsCLI), ratio(viaMage.median(), floor), float64(viaMage.peakRSS())/1024)
	if err := tw.Flush(); err != nil {
		return err
	}
	cached := results[1]
	startup, helloWorld := benchMedian(results, benchStartUp), benchMedian(results, benchHello)
	fmt.Fprintf(w, "\nstart-up: the targets binary's -l takes %.2fx a hello-world Go program's (%s against %s)\n",
		ratio(startup, helloWorld), ms(startup), ms(helloWorld))
	_, err := fmt.Fprintf(w, "mage command overhead (go run mage.go vs the compiled binary, cached): %s\n",
		ms(viaMage.median()-cached.median()))
	return err
}

// The variants whose medians give the start-up ratio.
const (
	benchStartUp = "targets binary -l (start-up floor)"
	benchHello   = "hello-world Go binary"
)

// benchMedian is the median of the variant called name, 0 when there is none.
func benchMedian(results []benchResult, name string) time.Duration {
	for _, r := range results {
		if r.name == name {
			return r.median()
		}
	}
	return 0
}

// helloSource is the program whose start-up is the floor of any Go
// program's.
const helloSource = "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n"

// buildHello compiles a hello-world Go program in a folder under tmp and
// returns its path.
func buildHello(ctx context.Context, tmp string) (string, error) {
	dir := filepath.Join(tmp, "hello")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(helloSource), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n"), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "hello")
	err := dax.Cmd("go build -o %s .", bin).Dir(dir).Quiet().Timeout(5 * time.Minute).Run(ctx)
	return bin, err
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// sandboxChildEnv is the environment of a child process run against st:
// the process's own without AWS, ECR and Docker settings, then the
// sandbox's, with its own Docker config folder and token cache home.
func sandboxChildEnv(st *sandbox.State, dockerConfig, cacheHome string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if slices.Contains(sandbox.UnsetVars, k) || strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "ECR_") ||
			strings.HasPrefix(k, "DOCKER_") || k == "CONTAINER_CLI" || k == "XDG_CACHE_HOME" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, st.Env()...)
	return append(env, "DOCKER_CONFIG="+dockerConfig, "XDG_CACHE_HOME="+cacheHome,
		"ECR_CACHE_DIR="+filepath.Join(cacheHome, "godax", "ecr"))
}

// awsCLIEnv is env for the AWS CLI: its own HOME (so its role cache
// starts empty) holding a profile that assumes the sandbox's role, and no
// keys in the environment, which would win over the profile.
func awsCLIEnv(st *sandbox.State, env []string, home string) ([]string, error) {
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	config := dax.Dedent(`
		[profile godax-bench]
		role_arn = ` + sandbox.RoleARN + `
		source_profile = godax-base
		region = ` + sandbox.Region + `
		[profile godax-base]
		region = ` + sandbox.Region + `
	`)
	creds := dax.Dedent(`
		[godax-base]
		aws_access_key_id = ` + sandbox.AccessKeyID + `
		aws_secret_access_key = ` + sandbox.SecretAccessKey + `
	`)
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		return nil, err
	}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "AWS_ACCESS_KEY_ID" || k == "AWS_SECRET_ACCESS_KEY" || k == "AWS_CONFIG_FILE" || k == "AWS_SHARED_CREDENTIALS_FILE" || k == "HOME" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "HOME="+home, "AWS_PROFILE=godax-bench",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials")), nil
}
