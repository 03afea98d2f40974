package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/deploy/deploytest"
	"github.com/godax/godax/scripts/internal/state"
	"github.com/godax/godax/scripts/sandbox"
	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// deployBench is one variant of [BenchmarkDeploy_Sandbox_OneTargetBesideTheFleetEndToEnd]:
// the targets binary's deploy of targets, promoting a tag pushed just
// before each run, so that every run changes every target.
type deployBench struct {
	name    string
	targets string // DEPLOY_TARGETS=@targets
	n       int    // how many targets the file lists
	dryRun  bool
	env     []string // more settings, KEY=VALUE

	tag, digest    string // the image of the latest run
	stdout, stderr bytes.Buffer
}

// check returns an error unless d's latest run moved (or, dry, planned
// to move) each of its targets to the digest pushed for it.
func (d *deployBench) check(repo string) error {
	if d.tag == "" {
		return nil
	}
	pinned := repo + "@" + d.digest
	if d.dryRun {
		if got := strings.Count(d.stderr.String(), "-> "+pinned); got != d.n {
			return fmt.Errorf("%s: the plan moves %d of %d targets to %s:\n%s", d.name, got, d.n, pinned, d.stderr.String())
		}
		return nil
	}
	rows := strings.Split(strings.TrimSpace(d.stdout.String()), "\n")
	if len(rows) != 1+d.n {
		return fmt.Errorf("%s: the table has %d lines, want a header and %d rows:\n%s", d.name, len(rows), d.n, d.stdout.String())
	}
	for _, row := range rows[1:] {
		if f := strings.Fields(row); len(f) < 4 || f[2] != pinned || f[len(f)-1] != "ok" {
			return fmt.Errorf("%s: %q did not deploy %s", d.name, row, pinned)
		}
	}
	return nil
}

// countedRun is what one run of a command cost: its wall time, the
// processor time moto and the command itself used, and the requests moto
// and the registry served (the lines their logs gained).
type countedRun struct {
	wall, motoCPU, godaxCPU time.Duration
	moto, registry          int
}

// runCounted runs the command cmd makes once, against st, and returns what
// it cost.
func runCounted(ctx context.Context, st *sandbox.State, cmd func(context.Context) *exec.Cmd) (countedRun, error) {
	lines := func(log, s string) (int, error) {
		b, err := os.ReadFile(st.LogFile(log))
		return bytes.Count(b, []byte(s)), err
	}
	moto0, err1 := lines("moto", `HTTP/1.1"`)
	reg0, err2 := lines("registry", `msg="response completed"`)
	cpu0, err3 := st.Moto.CPUTime()
	if err := errors.Join(err1, err2, err3); err != nil {
		return countedRun{}, err
	}
	c := cmd(ctx)
	start := time.Now()
	if err := c.Run(); err != nil {
		return countedRun{}, fmt.Errorf("%s: %w", c, err)
	}
	r := countedRun{wall: time.Since(start), godaxCPU: c.ProcessState.UserTime() + c.ProcessState.SystemTime()}
	moto1, err1 := lines("moto", `HTTP/1.1"`)
	reg1, err2 := lines("registry", `msg="response completed"`)
	cpu1, err3 := st.Moto.CPUTime()
	r.moto, r.registry, r.motoCPU = moto1-moto0, reg1-reg0, cpu1-cpu0
	return r, errors.Join(err1, err2, err3)
}

// BenchmarkDeploy_Sandbox_OneTargetBesideTheFleetEndToEnd times what a user
// waits for: `godax deploy` (the compiled targets binary) promoting a
// freshly pushed tag (DEPLOY_IMAGE=HOST/REPO:TAG, so no build and no
// push) to one ECS service, to one Lambda function and to a fleet of 23
// (15 ECS services and 8 Lambda functions in two accounts, reached through
// DEPLOY_ROLE, and two regions, DEPLOY_TARGETS=@FILE), 8 at a time (the
// default) and one at a time. Each run includes the process start, the
// settings, the role assumed in each target's account, the registry's
// resolution of the tag, the deploy, the waits and the final table. Dry runs of the same (the same start, settings, roles
// and resolution, then only a plan) and `godax -l` (the start-up alone)
// split the time into phases. The variants run in turn, round after
// round; it prints, on standard output, their medians, the fleet's ratio
// to one ECS service, and for one more checked run of each the processor
// time moto and the deploy used and the requests moto and the registry
// served. Run it with:
//
//	go test -run '^$' -bench Deploy_Sandbox -benchtime 10x ./scripts/
func BenchmarkDeploy_Sandbox_OneTargetBesideTheFleetEndToEnd(b *testing.B) {
	st := sandboxtest.Require(b)
	ctx := b.Context()
	root, err := state.ModuleRoot()
	if err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "godax")
	if err := dax.Cmd("go run mage.go -compile %s", bin).Dir(root).Quiet().Timeout(10 * time.Minute).Run(ctx); err != nil {
		b.Fatal(err)
	}

	places := deploytest.RolePlaces(sandboxtest.AWSConfig(b, st), "godax-deployer",
		[]string{"111122223333", "444455556666"}, []string{"us-east-1", "eu-west-1"})
	name := deploytest.Unique("godax-dbench")
	repo := st.RegistryHost() + "/" + name
	arns, err := deploytest.Fleet(ctx, places, name, 15, 8, deploytest.RandomImage(repo))
	if err != nil {
		b.Fatal(err)
	}
	file := func(base string, arns ...string) string {
		path := filepath.Join(tmp, base)
		if err := os.WriteFile(path, []byte(strings.Join(arns, "\n")+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		return path
	}
	one, oneFn, fleet := file("one.txt", arns[0]), file("one-lambda.txt", arns[15]), file("fleet.txt", arns...)

	var env []string
	for _, kv := range sandboxChildEnv(st, filepath.Join(tmp, "docker"), filepath.Join(tmp, "cache")) {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(deployVars, k) {
			env = append(env, kv)
		}
	}
	env = append(env, "DEPLOY_ROLE=godax-deployer")

	deploys := []*deployBench{
		{name: "deploy, 1 ECS service", targets: one, n: 1},
		{name: "deploy, 1 Lambda function", targets: oneFn, n: 1},
		{name: "deploy, 23 targets", targets: fleet, n: len(arns)},
		{name: "deploy, 23 targets, one at a time", targets: fleet, n: len(arns), env: []string{"DEPLOY_CONCURRENCY=1"}},
		{name: "dry run, 1 ECS service", targets: one, n: 1, dryRun: true},
		{name: "dry run, 23 targets", targets: fleet, n: len(arns), dryRun: true},
	}
	pushes := 0
	variant := func(d *deployBench) benchVariant {
		return benchVariant{name: d.name,
			setup: func() error {
				if err := d.check(repo); err != nil {
					return err
				}
				pushes++
				d.tag = fmt.Sprintf("r%d", pushes)
				var err error
				d.digest, err = deploytest.PushImage(ctx, nil, st.RegistryHost(), sandbox.RegistryUser, sandbox.RegistryPassword, name, d.tag)
				d.stdout.Reset()
				d.stderr.Reset()
				return err
			},
			cmd: func(ctx context.Context) *exec.Cmd {
				c := exec.CommandContext(ctx, bin, "deploy")
				c.Dir = root
				c.Env = append(slices.Clone(env), "DEPLOY_TARGETS=@"+d.targets, "DEPLOY_IMAGE="+repo+":"+d.tag)
				if d.dryRun {
					c.Env = append(c.Env, "DRY_RUN=1")
				}
				c.Env = append(c.Env, d.env...)
				c.Stdout, c.Stderr = &d.stdout, &d.stderr
				return c
			},
		}
	}
	var variants []benchVariant
	for _, d := range deploys {
		variants = append(variants, variant(d))
	}
	variants = append(variants, benchVariant{name: "godax -l (start-up)", cmd: func(ctx context.Context) *exec.Cmd {
		c := exec.CommandContext(ctx, bin, "-l")
		c.Env = env
		return c
	}})
	fail := func(err error) {
		b.Helper()
		for _, d := range deploys {
			b.Logf("%s, last run:\n%s%s", d.name, d.stdout.String(), d.stderr.String())
		}
		b.Fatal(err)
	}

	// The harness runs "rounds" with b.N = 1 first, and trims logs to ten
	// lines: the report of its last run is printed once, at the end.
	var report string
	b.Run("rounds", func(b *testing.B) {
		results, err := runRounds(ctx, variants, b.N)
		if err != nil {
			fail(err)
		}
		// One more run of each deploy, checked, counting what moto, the
		// registry and the deploy itself did in it.
		counted := make([]countedRun, len(deploys))
		for i, d := range deploys {
			if err := variants[i].setup(); err != nil {
				fail(err)
			}
			if counted[i], err = runCounted(ctx, st, variants[i].cmd); err == nil {
				err = d.check(repo)
			}
			if err != nil {
				fail(err)
			}
		}

		med := func(name string) time.Duration { return benchMedian(results, name) }
		oneECS, fleet := med(deploys[0].name), med(deploys[2].name)
		var out strings.Builder
		tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "variant (median of %d)\tmedian\tmin\tx 1 ECS deploy\t\n", b.N)
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t\n", r.name, ms(r.median()), ms(slices.Min(r.times)), ratio(r.median(), oneECS))
		}
		fmt.Fprintf(tw, "\none more run of each\twall\tmoto CPU\tgodax CPU\tmoto requests\tregistry requests\t\n")
		for i, c := range counted {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t\n", deploys[i].name, ms(c.wall), ms(c.motoCPU), ms(c.godaxCPU), c.moto, c.registry)
		}
		if err := tw.Flush(); err != nil {
			b.Fatal(err)
		}
		startup := med("godax -l (start-up)")
		dryOne, dryFleet := med(deploys[4].name), med(deploys[5].name)
		fmt.Fprintf(&out, "\nend to end, 23 targets / 1 ECS service: %.2fx (%s against %s)\n", ratio(fleet, oneECS), ms(fleet), ms(oneECS))
		fmt.Fprintf(&out, "23 targets one at a time (DEPLOY_CONCURRENCY=1) / 1 ECS service: %.2fx\n", ratio(med(deploys[3].name), oneECS))
		fmt.Fprintf(&out, "each moto request the fleet adds: %s ((23 targets - 1 ECS service) / (%d - %d requests))\n",
			ms((fleet-oneECS)/time.Duration(max(1, counted[2].moto-counted[0].moto))), counted[2].moto, counted[0].moto)
		tw = tabwriter.NewWriter(&out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "phase (from the medians)	1 ECS service	23 targets	\n")
		fmt.Fprintf(tw, "start-up (godax -l)\t%s\t%s\t\n", ms(startup), ms(startup))
		fmt.Fprintf(tw, "settings, roles, tag resolution, plan (dry run - start-up)\t%s\t%s\t\n", ms(dryOne-startup), ms(dryFleet-startup))
		fmt.Fprintf(tw, "changes, waits, table (deploy - dry run)\t%s\t%s\t\n", ms(oneECS-dryOne), ms(fleet-dryFleet))
		if err := tw.Flush(); err != nil {
			b.Fatal(err)
		}
		report = out.String()
		b.ReportMetric(float64(oneECS.Microseconds())/1000, "ms/deploy-1-ecs")
		b.ReportMetric(float64(fleet.Microseconds())/1000, "ms/deploy-23")
		b.ReportMetric(ratio(fleet, oneECS), "x-23/1")
	})
	fmt.Print(report)
}
