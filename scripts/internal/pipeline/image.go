package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/atomicfile"
	"github.com/godax/godax/lib/ecrauth"
	"github.com/godax/godax/lib/ecrrepo"
	"github.com/godax/godax/lib/gitrev"
	"github.com/godax/godax/lib/privdir"
	"github.com/godax/godax/scripts/internal/state"
)

// pushRecordFile is the file under the state folder holding [PushRecord].
const pushRecordFile = "last-push.json"

// ImageSettings is the configuration of build and push, read from the
// environment by [ReadImageSettings] and checked before any work.
type ImageSettings struct {
	// Repository is IMAGE_REPOSITORY: the ECR repository name, also the
	// local image's name.
	Repository string
	// Tag is IMAGE_TAG, or the git short SHA of the build context's
	// commit, with -dirty when the work tree has uncommitted changes.
	Tag string
	// Context is BUILD_CONTEXT as an absolute path; default the top of
	// the repository the working directory is in.
	Context string
	// Dockerfile is DOCKERFILE as an absolute path; default Dockerfile in
	// Context.
	Dockerfile string
	// Platform is IMAGE_PLATFORM, e.g. linux/arm64; "" is the builder's
	// default.
	Platform string
	// CLI is the container tool (CONTAINER_CLI).
	CLI container.CLI
	// ScanOnPush (ECR_SCAN_ON_PUSH, default on) and ImmutableTags
	// (ECR_IMMUTABLE_TAGS, default off) configure a repository that push
	// creates; an existing repository is left as it is.
	ScanOnPush    bool
	ImmutableTags bool
}

// LocalRef is the image's local name, REPOSITORY:TAG.
func (s ImageSettings) LocalRef() string { return s.Repository + ":" + s.Tag }

// ReadImageSettings reads the build and push settings with getenv
// (os.Getenv in production), derives the tag from git when IMAGE_TAG is
// unset, and checks every value, returning a one-line error that names the
// variable and what is wrong with it. It runs git, and nothing else.
//
// # Environment
//
//   - IMAGE_REPOSITORY (required): the ECR repository, e.g. team/app.
//   - IMAGE_TAG: the tag; default the git short SHA, with -dirty for
//     uncommitted changes. Outside git it must be set.
//   - BUILD_CONTEXT: the build context folder; default the top of the
//     repository the working directory is in (else the working directory).
//   - DOCKERFILE: the Dockerfile; default Dockerfile in the build context.
//   - IMAGE_PLATFORM: the target platform, e.g. linux/arm64; default the
//     builder's.
//   - CONTAINER_CLI: docker (default), podman, nerdctl or finch.
//   - ECR_SCAN_ON_PUSH: 0 creates a missing repository without scan on
//     push; default 1.
//   - ECR_IMMUTABLE_TAGS: 1 creates a missing repository with immutable
//     tags; default 0.
func ReadImageSettings(ctx context.Context, getenv func(string) string) (ImageSettings, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	var s ImageSettings

	cli, err := container.New(env("CONTAINER_CLI"))
	if err != nil {
		return s, fmt.Errorf("CONTAINER_CLI: %w", err)
	}
	s.CLI = cli

	s.Repository = env("IMAGE_REPOSITORY")
	if s.Repository == "" {
		return s, errors.New("IMAGE_REPOSITORY is not set: set it to the ECR repository to push to, e.g. team/app")
	}
	if err := ecrrepo.ValidateName(s.Repository); err != nil {
		return s, fmt.Errorf("IMAGE_REPOSITORY: %w", err)
	}

	if v := env("BUILD_CONTEXT"); v != "" {
		if s.Context, err = filepath.Abs(v); err != nil {
			return s, fmt.Errorf("BUILD_CONTEXT=%q: %w", v, err)
		}
		if fi, err := os.Stat(s.Context); err != nil || !fi.IsDir() {
			return s, fmt.Errorf("BUILD_CONTEXT=%q is not a folder", v)
		}
	} else if s.Context, err = state.RepoRoot(); err != nil {
		return s, fmt.Errorf("BUILD_CONTEXT is not set, and the repository's folder is not known: %w", err)
	}
	s.Dockerfile = filepath.Join(s.Context, "Dockerfile")
	if v := env("DOCKERFILE"); v != "" {
		if s.Dockerfile, err = filepath.Abs(v); err != nil {
			return s, fmt.Errorf("DOCKERFILE=%q: %w", v, err)
		}
		if fi, err := os.Stat(s.Dockerfile); err != nil || fi.IsDir() {
			return s, fmt.Errorf("DOCKERFILE=%q is not a file", v)
		}
	} else if fi, err := os.Stat(s.Dockerfile); err != nil || fi.IsDir() {
		if env("BUILD_CONTEXT") == "" {
			return s, fmt.Errorf("no Dockerfile in %s, the repository's top folder that BUILD_CONTEXT defaults to: set BUILD_CONTEXT to the folder to build, or DOCKERFILE", s.Context)
		}
		return s, fmt.Errorf("no Dockerfile in BUILD_CONTEXT %s: add one, or set DOCKERFILE", s.Context)
	}

	s.Platform = env("IMAGE_PLATFORM")
	if s.Platform != "" {
		if _, err := parsePlatform(s.Platform); err != nil {
			return s, err
		}
	}

	if s.ScanOnPush, err = envFlagOr("ECR_SCAN_ON_PUSH", env("ECR_SCAN_ON_PUSH"), true); err != nil {
		return s, err
	}
	if s.ImmutableTags, err = envFlag("ECR_IMMUTABLE_TAGS", env("ECR_IMMUTABLE_TAGS")); err != nil {
		return s, err
	}

	s.Tag = env("IMAGE_TAG")
	if s.Tag == "" {
		if s.Tag, err = sessionOf(ctx).derivedTag(ctx, s.Context); err != nil {
			return s, err
		}
	}
	if err := container.ValidateTag(s.Tag); err != nil {
		return s, fmt.Errorf("IMAGE_TAG: %w", err)
	}
	return s, nil
}

// buildArgPrefix starts the variables that become build arguments.
const buildArgPrefix = "BUILD_ARG_"

// ReadBuildArgs returns the build arguments set in environ (os.Environ in
// production) as BUILD_ARG_<NAME>=VALUE, keyed by NAME: BUILD_ARG_VERSION=1.2
// becomes --build-arg VERSION=1.2.
//
// # Error handling
//
// A variable with no name after the prefix, a NAME that a Dockerfile's ARG
// could not declare (letters, digits and '_', not starting with a digit),
// and a VALUE holding a line break are errors naming the variable.
func ReadBuildArgs(environ []string) (map[string]string, error) {
	args := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		name, ok := strings.CutPrefix(k, buildArgPrefix)
		if !ok {
			continue
		}
		switch {
		case name == "":
			return nil, fmt.Errorf("%s is set but names no build argument: use %sNAME=VALUE", k, buildArgPrefix)
		case !validArgName(name):
			return nil, fmt.Errorf("%s: %q is not a build argument name: want letters, digits and '_', not starting with a digit", k, name)
		case strings.ContainsAny(v, "\r\n"):
			return nil, fmt.Errorf("%s: the value holds a line break, which a build argument cannot carry", k)
		}
		args[name] = v
	}
	return args, nil
}

// validArgName reports whether name can be declared with a Dockerfile ARG
// and referenced as ${name}.
func validArgName(name string) bool {
	for i, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
		if !letter && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return name != ""
}

// readBuild reads and checks everything build takes from the environment:
// the image settings and the build arguments.
func readBuild(ctx context.Context) (ImageSettings, map[string]string, error) {
	s, err := ReadImageSettings(ctx, sessionOf(ctx).Getenv)
	if err != nil {
		return s, nil, fmt.Errorf("build: %w", err)
	}
	args, err := ReadBuildArgs(sessionOf(ctx).Environ())
	if err != nil {
		return s, nil, fmt.Errorf("build: %w", err)
	}
	return s, args, nil
}

// derivedTag is [GitTag] for dir, derived once per session, so that
// build and push in one run agree even when the tree changes between
// them.
func (s *Session) derivedTag(ctx context.Context, dir string) (string, error) {
	s.mu.Lock()
	tag, ok := s.tags[dir]
	s.mu.Unlock()
	if ok {
		return tag, nil
	}
	tag, err := GitTag(ctx, dir)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.tags[dir]; ok {
		return prev, nil
	}
	if s.tags == nil {
		s.tags = map[string]string{}
	}
	s.tags[dir] = tag
	return tag, nil
}

// GitTag returns the tag for the source in dir: [gitrev.Tag], the short
// SHA of the commit checked out, with -dirty for uncommitted changes. It
// runs no command the repository's own git config names.
//
// # Error handling
//
// Outside a git work tree, in a repository with no commit yet, or with no
// git on PATH, the error asks for IMAGE_TAG.
func GitTag(ctx context.Context, dir string) (string, error) {
	tag, err := gitrev.Tag(ctx, dir)
	switch {
	case errors.Is(err, gitrev.ErrNoCommit):
		return "", fmt.Errorf("IMAGE_TAG is not set and %w: commit, or set IMAGE_TAG", err)
	case errors.Is(err, gitrev.ErrNoGit), errors.Is(err, gitrev.ErrNotRepository):
		return "", fmt.Errorf("IMAGE_TAG is not set and %w: set IMAGE_TAG", err)
	case err != nil:
		return "", fmt.Errorf("IMAGE_TAG is not set and %w", err)
	}
	return tag, nil
}

// Build builds the image IMAGE_REPOSITORY:IMAGE_TAG from BUILD_CONTEXT
// with its Dockerfile. Every setting and the container daemon are checked
// before any work.
//
// # Environment
//
// See [ReadImageSettings] and [ReadBuildArgs]; CI=true gives plain build
// output.
func Build(ctx context.Context) error {
	s, args, err := readBuild(ctx)
	if err != nil {
		return err
	}
	if err := s.CLI.Ping(ctx); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	start := time.Now()
	end := dax.Group("building %s from %s", s.LocalRef(), shortPath(s.Context))
	defer end()
	opts := container.BuildOptions{
		Context:    shortPath(s.Context),
		Dockerfile: shortPath(s.Dockerfile),
		Tags:       []string{s.LocalRef()},
		Platform:   s.Platform,
		BuildArgs:  args,
	}
	if err := s.CLI.Build(ctx, opts); err != nil {
		return err
	}
	dax.Info("built %s in %s", s.LocalRef(), time.Since(start).Round(time.Millisecond))
	return nil
}

// shortPath is path relative to the working directory when it lies within
// it, so that the printed build command reads as one typed by hand (and
// fits a terminal); path itself otherwise.
func shortPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// PushRecord is what a push leaves under the state folder for deploy to
// read, in the same run or a later one (see [LastPush]).
type PushRecord struct {
	// Registry is the registry host pushed to.
	Registry string `json:"registry"`
	// Repository is the repository name, without the host.
	Repository string `json:"repository"`
	// Tag is the tag pushed.
	Tag string `json:"tag"`
	// Digest is the manifest digest the registry stored, sha256:...
	Digest string `json:"digest"`
	// Reference is HOST/REPOSITORY@DIGEST: the image, pinned.
	Reference string `json:"reference"`
	// ImageID is the local image ID that was pushed.
	ImageID string `json:"imageId"`
}

// Push pushes the image [Build] built to the registry ecrLogin logged in
// to: it makes sure the ECR repository exists (creating it with scan on
// push), tags the image HOST/REPOSITORY:TAG, pushes it, prints the pinned
// reference HOST/REPOSITORY@sha256:... on standard output and records it
// for [LastPush]. Pushing an unchanged image again changes nothing.
//
// # Environment
//
// As [ReadImageSettings], plus ECR_REGISTRY (the registry host; default
// the one [EcrLogin] logged in to in this process) and the AWS settings of
// [AWSConfig].
func Push(ctx context.Context) error {
	sess := sessionOf(ctx)
	s, err := ReadImageSettings(ctx, sess.Getenv)
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	ls, err := ReadLoginSettings(sess.Getenv) // ECR_REGISTRY and ECR_ACCOUNT, read and checked as ecrLogin reads them
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	cfg, err := sess.AWSConfig(ctx)
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	host, err := pushRegistry(ls.Registry, sess.LoggedIn(), cfg.Region)
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	if err := s.CLI.Ping(ctx); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	id, err := s.CLI.ImageID(ctx, s.LocalRef())
	if errors.Is(err, container.ErrNoImage) {
		return fmt.Errorf("push: %s is not built: run build first", s.LocalRef())
	}
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}

	start := time.Now()
	region, registryID := cfg.Region, ls.Account
	if reg, err := ecrauth.ParseHost(host); err == nil {
		if reg.Public {
			return fmt.Errorf("push: %s is ECR Public, whose repositories this push does not manage: set ECR_REGISTRY to a private registry", host)
		}
		region, registryID = reg.Region, reg.Account
	}
	client := ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = region })
	repo, err := ecrrepo.Ensure(ctx, client, s.Repository, ecrrepo.Options{RegistryID: registryID, ScanOnPush: s.ScanOnPush, ImmutableTags: s.ImmutableTags})
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	if repo.Created {
		scan, tags := "on", "mutable"
		if !s.ScanOnPush {
			scan = "off"
		}
		if s.ImmutableTags {
			tags = "immutable"
		}
		dax.Info("created ECR repository %s (scan on push %s, %s tags)", s.Repository, scan, tags)
	}

	remote := host + "/" + s.Repository + ":" + s.Tag
	if err := s.CLI.Tag(ctx, s.LocalRef(), remote); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	var digest string
	if repo.ImmutableTags {
		// ECR refuses a push of an existing immutable tag even for the
		// very same image, so an unchanged image is not pushed again.
		if digest, err = immutablePushed(ctx, s.CLI, client, s.Repository, registryID, remote); err != nil {
			return fmt.Errorf("push: %w", err)
		}
	}
	if digest == "" {
		end := dax.Group("pushing %s", remote)
		digest, err = s.CLI.Push(ctx, remote, nil)
		end()
		if err != nil {
			return err
		}
	} else {
		dax.Info("%s is already in the registry as %s", remote, forLog(digest))
	}
	rec := PushRecord{
		Registry:   host,
		Repository: s.Repository,
		Tag:        s.Tag,
		Digest:     digest,
		Reference:  host + "/" + s.Repository + "@" + digest,
		ImageID:    id,
	}
	if err := sess.writePushRecord(rec); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	dax.Info("pushed %s in %s", remote, time.Since(start).Round(time.Millisecond))
	if sess.side {
		return nil
	}
	if _, err := fmt.Println(rec.Reference); err != nil {
		return err
	}
	return githubOutput("image", rec.Reference)
}

// immutablePushed returns the digest of remote (HOST/REPO:TAG) in the
// immutable ECR repository when the tag exists there and holds the local
// image, "" when the tag is free, and an error when the tag holds another
// image.
func immutablePushed(ctx context.Context, cli container.CLI, client ecrrepo.ImageAPI, repo, registryID, remote string) (string, error) {
	_, tag := container.SplitTag(remote)
	inECR, err := ecrrepo.TagDigest(ctx, client, repo, registryID, tag)
	if err != nil || inECR == "" {
		return "", err
	}
	local, err := cli.RepoDigest(ctx, remote)
	if err != nil {
		local = ""
	}
	return sameImage(remote, inECR, local)
}

// sameImage decides about a tag that exists in an immutable repository as
// inECR: it is the pushed image when the local image was pushed there as
// local under the same digest, and a conflict otherwise.
func sameImage(remote, inECR, local string) (string, error) {
	if local == inECR {
		return inECR, nil
	}
	return "", fmt.Errorf("%s already exists as %s in a repository with immutable tags, and the local image is not that one: set another IMAGE_TAG (or commit, for a new git tag)", remote, inECR)
}

// pushRegistry picks the registry host to push to: ecrRegistry
// (ECR_REGISTRY) when set, else the host ecrLogin logged in to, the one
// for region when it logged in to several.
func pushRegistry(ecrRegistry string, logged []LoginResult, region string) (string, error) {
	if v := strings.TrimSpace(ecrRegistry); v != "" {
		h, err := container.ParseRegistryHost(v)
		if err != nil {
			return "", fmt.Errorf("ECR_REGISTRY: %w", err)
		}
		return h, nil
	}
	var hosts []LoginResult
	for _, r := range logged {
		if r.Host != "" {
			hosts = append(hosts, r)
		}
	}
	switch {
	case len(hosts) == 1:
		return hosts[0].Host, nil
	case len(hosts) == 0:
		return "", errors.New("no registry to push to: ecrLogin has not run in this process (the push target runs it first), and ECR_REGISTRY is not set")
	}
	for _, r := range hosts {
		if r.Region == region {
			return r.Host, nil
		}
	}
	return "", fmt.Errorf("ecrLogin logged in to %d registries and none is in region %q: set ECR_REGISTRY to the one to push to", len(hosts), region)
}

// pushRecordPath is the record's file under the state folder.
func (s *Session) pushRecordPath() (string, error) {
	dir, err := state.Dir(s.Getenv)
	if err != nil {
		return "", err
	}
	dir = privdir.Pick(dir)
	if err := privdir.Check("GODAX_STATE_DIR", dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return filepath.Join(dir, pushRecordFile), nil
}

// writePushRecord writes rec atomically (a temporary file, then a rename),
// so a reader sees the old record or the new one, never a part.
// The session keeps it too, for a deploy later in the same run.
func (s *Session) writePushRecord(rec PushRecord) error {
	s.mu.Lock()
	s.pushed = &rec
	s.mu.Unlock()
	path, err := s.pushRecordPath()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	if err := privdir.Make("GODAX_STATE_DIR", filepath.Dir(path)); err != nil {
		return fmt.Errorf("push record: %w", err)
	}
	if err := state.Ensure(filepath.Dir(path)); err != nil {
		return fmt.Errorf("push record: %w", err)
	}
	if err := atomicfile.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("push record: %w", err)
	}
	return nil
}

// LastPush returns the record of the last successful push: this
// session's own, else the one kept under the state folder
// ($GODAX_STATE_DIR, default .godax at the repository's top).
func (s *Session) LastPush() (PushRecord, error) {
	s.mu.Lock()
	pushed := s.pushed
	s.mu.Unlock()
	if pushed != nil {
		return *pushed, nil
	}
	var rec PushRecord
	path, err := s.pushRecordPath()
	if err != nil {
		return rec, err
	}
	b, err := privdir.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return rec, fmt.Errorf("no push recorded in %s: run push first", filepath.Dir(path))
	}
	if err != nil {
		return rec, fmt.Errorf("last push: %w", err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("last push: %s is not valid JSON: %w", path, err)
	}
	if !container.ValidDigest(rec.Digest) || rec.Reference == "" {
		return rec, fmt.Errorf("last push: %s has no digest reference: run push again", path)
	}
	return rec, nil
}
