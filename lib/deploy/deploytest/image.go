package deploytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PushImage stores a minimal image, one config blob holding tag and no
// layers, as host/repo:tag through the registry HTTP API over plain HTTP
// (host is a loopback registry), signing in as user with password, and
// returns the manifest's digest. Each tag gives a different digest.
func PushImage(ctx context.Context, client *http.Client, host, user, password, repo, tag string) (string, error) {
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	config, err := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Labels": map[string]string{"tag": tag}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{}},
	})
	if err != nil {
		return "", err
	}
	configDigest := digest(config)
	base := "http://" + host + "/v2/" + repo
	do := func(method, u, contentType string, body []byte, want int) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(user, password)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		if cerr := resp.Body.Close(); cerr != nil {
			return nil, cerr
		}
		if resp.StatusCode != want {
			return nil, fmt.Errorf("%s %s: %s", method, u, resp.Status)
		}
		return resp, nil
	}
	resp, err := do(http.MethodPost, base+"/blobs/uploads/", "", nil, http.StatusAccepted)
	if err != nil {
		return "", fmt.Errorf("push %s/%s:%s: %w", host, repo, tag, err)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return "", fmt.Errorf("push %s/%s:%s: upload location: %w", host, repo, tag, err)
	}
	upload := (&url.URL{Scheme: "http", Host: host}).ResolveReference(loc)
	q := upload.Query()
	q.Set("digest", configDigest)
	upload.RawQuery = q.Encode()
	if _, err := do(http.MethodPut, upload.String(), "application/octet-stream", config, http.StatusCreated); err != nil {
		return "", fmt.Errorf("push %s/%s:%s: %w", host, repo, tag, err)
	}
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.docker.distribution.manifest.v2+json",
		"config": map[string]any{
			"mediaType": "application/vnd.docker.container.image.v1+json",
			"size":      len(config),
			"digest":    configDigest,
		},
		"layers": []any{},
	})
	if err != nil {
		return "", err
	}
	if _, err := do(http.MethodPut, base+"/manifests/"+tag, "application/vnd.docker.distribution.manifest.v2+json", manifest, http.StatusCreated); err != nil {
		return "", fmt.Errorf("push %s/%s:%s: %w", host, repo, tag, err)
	}
	return digest(manifest), nil
}

func digest(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

// RandomImage returns repo@sha256:... with a random digest: an image
// that exists nowhere, for targets that never pull it, as on moto.
func RandomImage(repo string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s@sha256:%x", repo, b)
}

// Unique returns prefix with a random suffix, for names in a shared
// account.
func Unique(prefix string) string { return prefix + "-" + strings.ToLower(rand.Text()[:10]) }
