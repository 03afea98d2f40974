package ecrauth

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

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/atomicfile"
	"github.com/godax/godax/lib/privdir"
)

// HelperName is the credential helper's name in Docker's config: Docker
// runs docker-credential-godax for a host that credHelpers maps to it.
const HelperName = "godax"

// HelperCommand is the credential helper's program name.
const HelperCommand = "docker-credential-" + HelperName

// RouteToHelper edits the Docker config file at path so that Docker asks
// the credential helper name (docker-credential-NAME) for host: it sets
// credHelpers[host] to name and removes any password stored for host
// under auths, keeping every other key of the file as it was. The file is
// written atomically, under a lock shared with concurrent runs (its file
// never opened through a link); a missing file is created with mode 0600.
//
// # Error handling
//
// A file that is not a JSON object is an error naming it, and is left
// unchanged.
func RouteToHelper(ctx context.Context, path, host, name string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("docker config: %w", err)
	}
	lctx, cancel := context.WithTimeout(ctx, DefaultLockWait)
	defer cancel()
	unlock, err := privdir.Lock(lctx, path+".lock") // never through a link someone planted
	if err != nil {
		return fmt.Errorf("docker config %s: lock: %w", path, err)
	}
	defer unlock()

	doc := map[string]json.RawMessage{}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("docker config: %w", err)
	case len(bytes.TrimSpace(b)) > 0:
		if err := json.Unmarshal(b, &doc); err != nil || doc == nil {
			return fmt.Errorf("docker config %s is not a JSON object: leaving it alone", path)
		}
	}
	helpers := map[string]string{}
	if raw, ok := doc["credHelpers"]; ok {
		if err := json.Unmarshal(raw, &helpers); err != nil || helpers == nil {
			return fmt.Errorf("docker config %s: credHelpers is not an object of names", path)
		}
	}
	helpers[host] = name
	if doc["credHelpers"], err = json.Marshal(helpers); err != nil {
		return fmt.Errorf("docker config: %w", err)
	}
	if raw, ok := doc["auths"]; ok {
		auths := map[string]json.RawMessage{}
		if err := json.Unmarshal(raw, &auths); err != nil {
			return fmt.Errorf("docker config %s: auths is not an object", path)
		}
		for key := range auths {
			if TrimHost(key) == host {
				delete(auths, key)
			}
		}
		if doc["auths"], err = json.Marshal(auths); err != nil {
			return fmt.Errorf("docker config: %w", err)
		}
	}
	out, err := json.MarshalIndent(doc, "", "\t")
	if err != nil {
		return fmt.Errorf("docker config: %w", err)
	}
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	return atomicfile.WriteFile(path, append(out, '\n'), mode)
}

// CheckHelper returns an error saying how to install it when
// docker-credential-NAME is not on PATH, where Docker looks for it.
func CheckHelper(name string) error {
	cmd := "docker-credential-" + name
	if _, err := dax.Which(cmd); err != nil {
		return fmt.Errorf("%s is not on PATH: install it with `go install github.com/godax/godax/cmd/...@latest` and put $(go env GOPATH)/bin on PATH", cmd)
	}
	return nil
}

// WarmHelper runs `docker-credential-NAME get` for host as Docker would,
// with this process's environment, so that its token cache holds a fresh
// token; the token itself is read from the helper's output and dropped.
// It fails when the helper is not on PATH or cannot get a token.
func WarmHelper(ctx context.Context, name, host string) error {
	if err := CheckHelper(name); err != nil {
		return err
	}
	cmd := "docker-credential-" + name
	// On success the output is the token, and is dropped; on failure it is
	// the helper's one-line reason, in the protocol's form.
	out, err := dax.Cmd("%s get", cmd).StdinString(host).Combined().Quiet().Timeout(2 * time.Minute).Text(ctx)
	if err != nil {
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if why := strings.TrimSpace(lines[len(lines)-1]); why != "" {
			return fmt.Errorf("%s get %s: %s", cmd, host, why)
		}
		return fmt.Errorf("%s get %s: %w", cmd, host, err)
	}
	return nil
}
