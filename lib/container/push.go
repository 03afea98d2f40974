package container

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// DefaultPushTimeout bounds one push when the caller's context has no
// earlier deadline.
const DefaultPushTimeout = 15 * time.Minute

// pushDigestLine is the line docker (and nerdctl in docker mode) prints
// when a tag's manifest is pushed: "TAG: digest: sha256:... size: N".
// It is compiled on first use.
var pushDigestLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^(\S+): digest: (sha256:[a-f0-9]{64}) size: \d+\s*$`)
})

// Push pushes ref (HOST/REPO:TAG) and returns the digest of the manifest
// the registry stored, as "sha256:...". The tool's progress goes to out
// (os.Stderr when nil).
//
// The digest comes from the tool itself: podman writes it to a
// --digestfile; docker prints it on its "TAG: digest: sha256:..." line.
// When that line is missing, the image's RepoDigests entry for ref's
// repository is used (see [CLI.RepoDigest]).
//
// # Error handling
//
// A failed push returns the [*dax.CommandError], which names the command
// and ends with the last line of the tool's error output. A push that
// succeeds without a digest the registry can be asked for is an error too.
func (c CLI) Push(ctx context.Context, ref string, out io.Writer) (string, error) {
	if out == nil {
		out = os.Stderr
	}
	if c.Name == "podman" {
		return c.pushPodman(ctx, ref, out)
	}
	var stdout bytes.Buffer
	err := c.cmd("%s push %s", c.Name, ref).
		Stdout(io.MultiWriter(out, &stdout)).Stderr(out).
		PrintCommand().Timeout(DefaultPushTimeout).Run(ctx)
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	_, tag := SplitTag(ref)
	if d := digestFromPushOutput(stdout.String(), tag); d != "" {
		return d, nil
	}
	d, err := c.RepoDigest(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("push %s: no digest in the output, and %w", ref, err)
	}
	return d, nil
}

// pushPodman pushes with podman, which writes the digest to a file.
func (c CLI) pushPodman(ctx context.Context, ref string, out io.Writer) (string, error) {
	dir, err := os.MkdirTemp("", "godax-push-")
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	defer os.RemoveAll(dir) // a temporary file: nothing is lost
	file := filepath.Join(dir, "digest")
	err = c.cmd("podman push --digestfile %s %s", file, ref).
		Stdout(out).Stderr(out).PrintCommand().Timeout(DefaultPushTimeout).Run(ctx)
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("push %s: reading the digest: %w", ref, err)
	}
	d := strings.TrimSpace(string(b))
	if !ValidDigest(d) {
		return "", fmt.Errorf("push %s: podman wrote %q, not a sha256 digest", ref, d)
	}
	return d, nil
}

// digestFromPushOutput returns the digest docker printed for tag, or ""
// when there is no such line. With tag "", the last digest line counts.
func digestFromPushOutput(out, tag string) string {
	var found string
	for _, m := range pushDigestLine().FindAllStringSubmatch(out, -1) {
		if tag == "" || m[1] == tag {
			found = m[2]
		}
	}
	return found
}
