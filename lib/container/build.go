package container

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/godax/godax/lib/dax/envvar"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// DefaultBuildTimeout bounds one build, base image pulls included.
const DefaultBuildTimeout = 30 * time.Minute

// BuildOptions describe one image build.
type BuildOptions struct {
	// Context is the build context folder. Required.
	Context string
	// Dockerfile is the Dockerfile's path; "" (the default) is Dockerfile
	// in Context. A relative path is taken from the working directory.
	Dockerfile string
	// Tags are the names the image gets (-t), e.g. "app:1.2". At least one.
	Tags []string
	// Platform is the target platform (--platform), e.g. "linux/arm64";
	// "" (the default) is the builder's own.
	Platform string
	// BuildArgs are passed as --build-arg KEY=VALUE, sorted by key.
	// Default none.
	BuildArgs map[string]string
	// Progress is the progress output style of BuildKit builders (buildx,
	// nerdctl, finch): "plain", "tty" or "auto". "" (the default) is
	// "plain" when the CI variable is true, else the tool's default. The
	// legacy docker builder and podman have no such option.
	Progress string
	// Builder is the buildx builder to use; "" (the default) leaves the
	// choice to buildx (BUILDX_BUILDER, else the current builder).
	Builder string
	// Output receives the tool's output; nil (the default) is os.Stderr,
	// keeping standard output for results.
	Output io.Writer
}

// Check checks that the build context is a folder and that the Dockerfile
// is a file, so a build fails before any work with a message naming
// the missing path.
func (o BuildOptions) Check() error {
	if o.Context == "" {
		return errors.New("build context is not set")
	}
	if fi, err := os.Stat(o.Context); err != nil {
		return fmt.Errorf("build context %s: %w", o.Context, err)
	} else if !fi.IsDir() {
		return fmt.Errorf("build context %s is not a folder", o.Context)
	}
	df := o.dockerfile()
	if fi, err := os.Stat(df); err != nil {
		return fmt.Errorf("dockerfile %s: %w", df, err)
	} else if fi.IsDir() {
		return fmt.Errorf("dockerfile %s is a folder, not a file", df)
	}
	if len(o.Tags) == 0 {
		return errors.New("build: no image tag given")
	}
	return nil
}

func (o BuildOptions) dockerfile() string {
	if o.Dockerfile != "" {
		return o.Dockerfile
	}
	return filepath.Join(o.Context, "Dockerfile")
}

func (o BuildOptions) progress() string {
	if o.Progress != "" {
		return o.Progress
	}
	if envvar.CI(os.Getenv("CI")) {
		return "plain"
	}
	return ""
}

// HasBuildx reports whether the CLI is docker with the buildx plugin
// installed (`docker buildx version` succeeds).
func (c CLI) HasBuildx(ctx context.Context) bool {
	if c.Name != "docker" {
		return false
	}
	code, err := c.cmd("docker buildx version").Quiet().Timeout(DefaultPingTimeout).Code(ctx)
	return err == nil && code == 0
}

// Build builds an image as o describes, after [BuildOptions.Check]. With
// docker it uses `docker buildx build --load` when buildx is installed, so
// any builder (also a docker-container one) loads its result into the
// daemon, and the legacy `docker build` (with DOCKER_BUILDKIT=0) when it
// is not. The legacy builder's deprecation notice is left out of the
// output; Build says once per process why that builder runs. podman,
// nerdctl and finch run their own `build`. It is bounded by
// [DefaultBuildTimeout].
//
// # Environment
//
// CI=true asks for plain progress output. The tool reads its own
// variables (DOCKER_HOST, DOCKER_CONFIG, BUILDX_BUILDER...).
//
// # Error handling
//
// A failed build returns the [*dax.CommandError], which names the command
// and ends with the last line of the tool's error output.
func (c CLI) Build(ctx context.Context, o BuildOptions) error {
	if err := o.Check(); err != nil {
		return err
	}
	buildx := c.HasBuildx(ctx)
	if o.Builder != "" && c.Name == "docker" && !buildx {
		return fmt.Errorf("build: builder %q asked for, but docker has no buildx plugin", o.Builder)
	}
	argv, env := c.buildCommand(o, buildx)
	out := o.Output
	if out == nil {
		out = os.Stderr
	}
	stderr := io.Writer(out)
	var notice *legacyNoticeFilter
	if env["DOCKER_BUILDKIT"] == "0" {
		legacyWhy.Do(func() {
			fmt.Fprintln(out, "docker has no buildx plugin, so images are built with its legacy builder (DOCKER_BUILDKIT=0);\n"+
				"its deprecation notice is left out. Install docker-buildx to build with BuildKit.")
		})
		notice = &legacyNoticeFilter{w: out}
		stderr = notice
	}
	cmd := c.cmd("%s", argv).Stdout(out).Stderr(stderr).PrintCommand().Timeout(DefaultBuildTimeout)
	for _, k := range slices.Sorted(maps.Keys(env)) {
		cmd = cmd.Env(k, env[k])
	}
	err := cmd.Run(ctx)
	if notice != nil {
		if ferr := notice.Flush(); err == nil {
			err = ferr
		}
	}
	if err != nil {
		return fmt.Errorf("build %s: %w", o.Tags[0], err)
	}
	return nil
}

// legacyWhy says once per process why the legacy builder runs.
var legacyWhy sync.Once

// legacyNoticePrefix starts the notice the docker CLI (25 and later)
// prints on every legacy build. Its continuation lines are indented.
const legacyNoticePrefix = "DEPRECATED: The legacy builder is deprecated"

// legacyNoticeFilter passes the legacy builder's error output to w, line
// by line, without the deprecation notice: the build chose that builder
// itself, and [CLI.Build] says why once instead.
type legacyNoticeFilter struct {
	w        io.Writer
	partial  []byte
	inNotice bool
}

// Write passes on every complete line of p that is not part of the notice,
// and keeps an incomplete last line for the next Write or [Flush].
func (f *legacyNoticeFilter) Write(p []byte) (int, error) {
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		if err := f.line(f.partial[:i+1]); err != nil {
			return len(p), err
		}
		f.partial = f.partial[i+1:]
	}
}

// Flush passes on an incomplete last line.
func (f *legacyNoticeFilter) Flush() error {
	if len(f.partial) == 0 {
		return nil
	}
	err := f.line(f.partial)
	f.partial = nil
	return err
}

func (f *legacyNoticeFilter) line(l []byte) error {
	switch {
	case bytes.HasPrefix(l, []byte(legacyNoticePrefix)):
		f.inNotice = true
		return nil
	case f.inNotice && len(l) > 0 && (l[0] == ' ' || l[0] == '\t'):
		return nil
	}
	f.inNotice = false
	_, err := f.w.Write(l)
	return err
}

// buildCommand returns the argv and extra environment of the build o
// describes; buildx says whether docker has the buildx plugin.
func (c CLI) buildCommand(o BuildOptions, buildx bool) ([]string, map[string]string) {
	var env map[string]string
	argv := []string{c.Name, "build"}
	progress := o.progress()
	switch {
	case c.Name == "docker" && buildx:
		argv = []string{"docker", "buildx", "build", "--load"}
		if o.Builder != "" {
			argv = append(argv, "--builder", o.Builder)
		}
	case c.Name == "docker":
		// Without buildx, DOCKER_BUILDKIT=1 makes `docker build` fail.
		env = map[string]string{"DOCKER_BUILDKIT": "0"}
		progress = ""
	case c.Name == "podman":
		progress = ""
	}
	if progress != "" {
		argv = append(argv, "--progress", progress)
	}
	if o.Platform != "" {
		argv = append(argv, "--platform", o.Platform)
	}
	for _, k := range slices.Sorted(maps.Keys(o.BuildArgs)) {
		argv = append(argv, "--build-arg", k+"="+o.BuildArgs[k])
	}
	// The tools read Dockerfile in the context by themselves, except
	// podman, which looks for a Containerfile first.
	if df := o.dockerfile(); c.Name == "podman" || filepath.Clean(df) != filepath.Join(o.Context, "Dockerfile") {
		argv = append(argv, "--file", df)
	}
	for _, t := range o.Tags {
		argv = append(argv, "--tag", t)
	}
	return append(argv, o.Context), env
}
