package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

// DefaultInspectTimeout bounds one inspect or tag command.
const DefaultInspectTimeout = 30 * time.Second

// ErrNoImage is returned (wrapped) by [CLI.ImageID] for an image the
// daemon does not have.
var ErrNoImage = errors.New("no such image")

// ImageID returns the local image ID of ref ("sha256:..."), or an error
// wrapping [ErrNoImage] when the daemon has no image of that name.
func (c CLI) ImageID(ctx context.Context, ref string) (string, error) {
	id, err := c.inspect(ctx, ref, "{{.Id}}")
	if err != nil {
		return "", err
	}
	return id, nil
}

// RepoDigest returns the digest under which ref's repository (ref without
// its tag) holds the local image ref, from the image's RepoDigests. The
// daemon records it when the image is pushed or pulled, so it exists only
// after a push.
func (c CLI) RepoDigest(ctx context.Context, ref string) (string, error) {
	var digests []string
	out, err := c.inspect(ctx, ref, "{{json .RepoDigests}}")
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal([]byte(out), &digests); err != nil {
		return "", fmt.Errorf("image %s: RepoDigests: %w", ref, err)
	}
	name, _ := SplitTag(ref)
	if d := repoDigest(digests, name); d != "" {
		return d, nil
	}
	return "", fmt.Errorf("image %s has no digest for %s: it has not been pushed there", ref, name)
}

// repoDigest returns the digest of the first entry NAME@sha256:... of
// digests, or "".
func repoDigest(digests []string, name string) string {
	for _, rd := range digests {
		n, d, ok := strings.Cut(rd, "@")
		if ok && n == name && ValidDigest(d) {
			return d
		}
	}
	return ""
}

// Tag gives the local image src the name dst (`CLI tag SRC DST`).
func (c CLI) Tag(ctx context.Context, src, dst string) error {
	if err := c.cmd("%s tag %s %s", c.Name, src, dst).Quiet().Timeout(DefaultInspectTimeout).Run(ctx); err != nil {
		return fmt.Errorf("tag %s as %s: %w", src, dst, err)
	}
	return nil
}

// inspect runs `CLI image inspect --format FORMAT REF`.
func (c CLI) inspect(ctx context.Context, ref, format string) (string, error) {
	out, err := c.cmd("%s image inspect --format %s %s", c.Name, format, ref).
		Quiet().Timeout(DefaultInspectTimeout).Text(ctx)
	if err != nil {
		var ce *dax.CommandError
		if errors.As(err, &ce) && ce.Code > 0 && noSuchImage(ce.Stderr) {
			return "", fmt.Errorf("image %s: %w", ref, ErrNoImage)
		}
		return "", fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return strings.TrimSpace(out), nil
}

// noSuchImage reports whether a tool's error output says the image is
// missing: docker's "No such image", podman's "image not known".
func noSuchImage(stderr string) bool {
	s := strings.ToLower(stderr)
	return strings.Contains(s, "no such image") || strings.Contains(s, "image not known")
}
