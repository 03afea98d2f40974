package deploy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/ecrauth"
)

// ManifestChecker answers whether a registry holds an image.
type ManifestChecker interface {
	// HasManifest reports whether img's registry holds its digest, or its
	// tag when it is not pinned.
	HasManifest(ctx context.Context, img Image) (bool, error)
}

var _ ManifestChecker = (*Registry)(nil)

// manifestTypes are the manifest media types a registry may answer with,
// for the Accept header: without them a registry converts or refuses.
var manifestTypes = []string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}

// registryTimeout bounds one request to a registry.
const registryTimeout = 30 * time.Second

// Registry asks container registries about manifests over the registry
// HTTP API (HEAD /v2/REPOSITORY/manifests/REFERENCE) with basic
// authentication, as ECR and distribution's htpasswd accept. A loopback
// host is spoken to over plain HTTP, as the Docker CLI does; any other
// over HTTPS. Make one with [NewRegistry].
type Registry struct {
	client *http.Client
	login  func(ctx context.Context, host string) (user string, password dax.Secret, err error)
}

// NewRegistry returns a [Registry] that signs in to each host with the
// user and password login returns for it (nil: anonymous), and sends its
// requests through client (nil: [http.DefaultClient]).
func NewRegistry(client *http.Client, login func(ctx context.Context, host string) (string, dax.Secret, error)) *Registry {
	if client == nil {
		client = http.DefaultClient
	}
	return &Registry{client: client, login: login}
}

// Digest returns the digest the registry holds for img's tag or digest, or
// "" when it holds none.
func (r *Registry) Digest(ctx context.Context, img Image) (string, error) {
	ref := img.Digest
	if ref == "" {
		ref = img.Tag
	}
	if img.Path() == "" || ref == "" {
		return "", fmt.Errorf("registry: %s names no repository and tag or digest", img)
	}
	ctx, cancel := context.WithTimeout(ctx, registryTimeout)
	defer cancel()
	host := img.Host()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, scheme(host)+"://"+host+"/v2/"+img.Path()+"/manifests/"+ref, nil)
	if err != nil {
		return "", fmt.Errorf("registry %s: %w", host, err)
	}
	req.Header.Set("Accept", strings.Join(manifestTypes, ", "))
	if r.login != nil {
		user, password, err := r.login(ctx, host)
		if err != nil {
			return "", fmt.Errorf("registry %s: sign in: %w", host, err)
		}
		req.SetBasicAuth(user, string(password))
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("registry %s: head manifest %s: %w", host, img, err)
	}
	_ = resp.Body.Close() // a HEAD answer has no body to read
	switch resp.StatusCode {
	case http.StatusOK:
		d := resp.Header.Get("Docker-Content-Digest")
		if d == "" {
			return "", fmt.Errorf("registry %s: head manifest %s: no Docker-Content-Digest in the answer", host, img)
		}
		return d, nil
	case http.StatusNotFound:
		return "", nil
	case http.StatusUnauthorized, http.StatusForbidden:
		return "", fmt.Errorf("registry %s: head manifest %s: %s (log in first: run ecrLogin)", host, img, resp.Status)
	}
	return "", fmt.Errorf("registry %s: head manifest %s: %s", host, img, resp.Status)
}

// HasManifest reports whether the registry holds img's digest, or its tag
// when it is not pinned.
func (r *Registry) HasManifest(ctx context.Context, img Image) (bool, error) {
	d, err := r.Digest(ctx, img)
	return d != "", err
}

// ErrNoSuchImage reports that a registry does not hold the image asked for.
var ErrNoSuchImage = errors.New("no such image in the registry")

// Resolve returns img pinned by the digest its registry holds for its tag;
// a pinned img is returned as it is, once the registry confirms it holds
// the digest. An image the registry does not hold matches
// [ErrNoSuchImage].
func (r *Registry) Resolve(ctx context.Context, img Image) (Image, error) {
	d, err := r.Digest(ctx, img)
	if err != nil {
		return img, err
	}
	if d == "" {
		return img, fmt.Errorf("%s: %w", img, ErrNoSuchImage)
	}
	return Image{Repository: img.Repository, Digest: d}, nil
}

// scheme returns "http" for a loopback host, which the Docker CLI too
// treats as insecure, and "https" for any other.
func scheme(host string) string {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if h == "localhost" {
		return "http"
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return "http"
	}
	return "https"
}

// ECRLogin returns a login function for [NewRegistry] that signs in to a
// host with an ECR token that token returns for the host's region: the
// region in an ECR host name, or region for any other host (a registry
// alias). Tokens are asked for once per region and kept for the life of
// the function.
func ECRLogin(region string, token func(ctx context.Context, region string) (ecrauth.Token, error)) func(context.Context, string) (string, dax.Secret, error) {
	cache := &tokenCache{tokens: map[string]ecrauth.Token{}}
	return func(ctx context.Context, host string) (string, dax.Secret, error) {
		r := region
		if reg, err := ecrauth.ParseHost(host); err == nil {
			r = reg.Region
		}
		t, err := cache.get(ctx, r, token)
		if err != nil {
			return "", "", err
		}
		return t.Username, t.Password, nil
	}
}

// tokenCache keeps one ECR token per region.
type tokenCache struct {
	mu     sync.Mutex
	tokens map[string]ecrauth.Token
}

func (c *tokenCache) get(ctx context.Context, region string, token func(context.Context, string) (ecrauth.Token, error)) (ecrauth.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tokens[region]; ok {
		return t, nil
	}
	t, err := token(ctx, region)
	if err != nil {
		return t, err
	}
	c.tokens[region] = t
	return t, nil
}
