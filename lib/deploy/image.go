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
	// Digest is the content digest, sha256:<64 hex digits>; empty for an
	// image named by tag only (see [ParseReference]).
	Digest string
	// Tag is the tag the image was named by, when [ParseReference] read
	// one without a digest. A pinned image does not keep it.
	Tag string
}

// ParseImage parses ref, which must have the form REPOSITORY@sha256:DIGEST.
// A tag between the repository and the digest (REPO:TAG@sha256:...) is
// dropped, since the digest alone names the image. Deploying by digest
// means a re-pushed tag can never change what runs. The repository must
// follow the image reference grammar: an optional registry host (a host
// name or IP address, with an optional port) and a lower-case path.
func ParseImage(ref string) (Image, error) {
	named, digest, ok := strings.Cut(ref, "@")
	if !ok {
		return Image{}, fmt.Errorf("image %s is not pinned by digest (want REPOSITORY@sha256:<64 hex digits>)", Quoted(ref))
	}
	hex, ok := strings.CutPrefix(digest, "sha256:")
	if !ok || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return Image{}, fmt.Errorf("image %s: digest %s is not sha256:<64 lower-case hex digits>", Quoted(ref), Quoted(digest))
	}
	repo := repositoryOf(named)
	if repo == "" {
		return Image{}, fmt.Errorf("image %s: bad repository name %q", Quoted(ref), repo)
	}
	if err := validateTag(ref, named[len(repo):]); err != nil {
		return Image{}, err
	}
	if err := validateRepository(repo, false); err != nil {
		return Image{}, fmt.Errorf("image %s: bad %w", Quoted(ref), err)
	}
	return Image{Repository: repo, Digest: digest}, nil
}

// ParseReference parses ref, which is REPOSITORY@sha256:DIGEST (as for
// [ParseImage]) or HOST/REPOSITORY:TAG. An image named by tag can only be
// planned; [Registry.Resolve] pins it.
func ParseReference(ref string) (Image, error) {
	if strings.Contains(ref, "@") {
		return ParseImage(ref)
	}
	repo := repositoryOf(ref)
	if repo == "" || repo == ref {
		return Image{}, fmt.Errorf("image %s: want REPOSITORY@sha256:<64 hex digits> or REPOSITORY:TAG", Quoted(ref))
	}
	if err := validateTag(ref, ref[len(repo):]); err != nil {
		return Image{}, err
	}
	if err := validateRepository(repo, true); err != nil {
		return Image{}, fmt.Errorf("image %s: %w", Quoted(ref), err)
	}
	return Image{Repository: repo, Tag: ref[len(repo)+1:]}, nil
}

// validateTag checks tag, ":TAG" or "" as it follows the repository in
// ref, against the tag grammar: 1 to 128 letters, digits, '_', '.' and
// '-', not starting with '.' or '-'.
func validateTag(ref, tag string) error {
	if tag == "" {
		return nil
	}
	if !tagPattern().MatchString(strings.TrimPrefix(tag, ":")) {
		return fmt.Errorf("image %s: tag %s: want 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'", Quoted(ref), Quoted(strings.TrimPrefix(tag, ":")))
	}
	return nil
}

// Pinned reports whether the image is named by digest.
func (i Image) Pinned() bool { return i.Digest != "" }

// Host returns the registry host (with any port) of the image.
func (i Image) Host() string {
	host, _, _ := strings.Cut(i.Repository, "/")
	return host
}

// Path returns the repository path within its registry, without the host.
func (i Image) Path() string {
	_, path, _ := strings.Cut(i.Repository, "/")
	return path
}

// String returns the reference REPOSITORY@DIGEST, or REPOSITORY:TAG for an
// image named by tag only.
func (i Image) String() string {
	if i.Digest == "" && i.Tag != "" {
		return i.Repository + ":" + i.Tag
	}
	return i.Repository + "@" + i.Digest
}

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

// check reports whether i is pinned, made by [ParseImage] rather than
// left zero or named by tag.
func (i Image) check() error {
	if i.Repository == "" || (i.Digest == "" && i.Tag == "") {
		return errors.New("no image to deploy (make one with ParseImage)")
	}
	if i.Digest == "" {
		return fmt.Errorf("image %s is not pinned by digest: resolve its tag first", i)
	}
	return nil
}

// checkNamed reports whether i names an image, by digest or by tag.
func (i Image) checkNamed() error {
	if i.Repository == "" || (i.Digest == "" && i.Tag == "") {
		return errors.New("no image to deploy (make one with ParseImage)")
	}
	return nil
}
