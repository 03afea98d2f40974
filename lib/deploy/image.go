package deploy

import (
	"errors"
	"fmt"
	"strings"
)

// Image is a container image reference pinned by digest, such as
// 111122223333.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:9f86... Build one
// with [ParseImage].
type Image struct {
	// Repository is the reference without its digest: registry host (with
	// any port) and path.
	Repository string
	// Digest is the content digest, sha256:<64 hex digits>.
	Digest string
}

// ParseImage parses ref, which must have the form REPOSITORY@sha256:DIGEST.
// A tag between the repository and the digest (REPO:TAG@sha256:...) is
// dropped, since the digest alone names the image. Deploying by digest
// means a re-pushed tag can never change what runs.
func ParseImage(ref string) (Image, error) {
	repo, digest, ok := strings.Cut(ref, "@")
	if !ok {
		return Image{}, fmt.Errorf("image %q is not pinned by digest (want REPOSITORY@sha256:<64 hex digits>)", ref)
	}
	hex, ok := strings.CutPrefix(digest, "sha256:")
	if !ok || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return Image{}, fmt.Errorf("image %q: digest %q is not sha256:<64 lower-case hex digits>", ref, digest)
	}
	repo = repositoryOf(repo)
	if repo == "" || strings.ContainsAny(repo, " \t\r\n") {
		return Image{}, fmt.Errorf("image %q: bad repository name %q", ref, repo)
	}
	return Image{Repository: repo, Digest: digest}, nil
}

// String returns the reference REPOSITORY@DIGEST.
func (i Image) String() string { return i.Repository + "@" + i.Digest }

// repositoryOf returns ref without its digest or tag. A colon belongs to
// the tag only when it comes after the last slash; before it, it separates
// the registry host from its port.
func repositoryOf(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// check reports whether i was made by [ParseImage] rather than left zero.
func (i Image) check() error {
	if i.Repository == "" || i.Digest == "" {
		return errors.New("no image to deploy (make one with ParseImage)")
	}
	return nil
}
