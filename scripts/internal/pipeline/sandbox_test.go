package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/godax/godax/scripts/settings"
)

func TestForgetPushTo_RemovesOnlyARecordOfTheStoppedRegistry(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GODAX_STATE_DIR", dir)
	digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	rec := PushRecord{Registry: "127.0.0.1:5000", Repository: "app", Tag: "v1", Digest: digest, Reference: "127.0.0.1:5000/app@" + digest}
	if err := NewSession(settings.Config{}).writePushRecord(rec); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, pushRecordFile)
	if err := NewSession(settings.Config{}).forgetPushTo("127.0.0.1:6000"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the record of another registry was not kept: %v", err)
	}
	if err := NewSession(settings.Config{}).forgetPushTo("127.0.0.1:5000"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the record of the stopped registry is still there: %v", err)
	}
}
