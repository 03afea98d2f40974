package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/sandbox"
)

// SandboxDown stops the sandbox, then forgets the last push when it went
// to the sandbox's registry, so that no record points at a registry that
// is gone.
func SandboxDown(ctx context.Context, s *Session) error {
	var registry string
	if st, err := sandbox.Load(); err == nil {
		registry = st.RegistryHost()
	}
	if err := sandbox.Down(ctx); err != nil {
		return err
	}
	return s.forgetPushTo(registry)
}

// forgetPushTo removes the push record when its push went to registry.
func (s *Session) forgetPushTo(registry string) error {
	if registry == "" {
		return nil
	}
	rec, err := s.LastPush()
	if err != nil || rec.Registry != registry {
		return nil // no record, or one of another registry: keep it
	}
	path, err := s.pushRecordPath()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.pushed = nil
	s.mu.Unlock()
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget the push to the stopped sandbox: %w", err)
	}
	dax.Info("sandbox: forgot the last push (%s), whose registry has stopped", rec.Reference)
	return nil
}
