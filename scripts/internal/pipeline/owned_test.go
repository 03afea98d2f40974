//go:build unix

package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godax/godax/scripts/settings"

	"github.com/godax/godax/lib/privdir/privdirtest"
)

// TestLastPush_RefusesARecordInAStateFolderOfAnotherUser plants, in a
// state folder nobody owns and anyone may write, a push record naming the
// attacker's digest: deploy must not take it.
func TestLastPush_RefusesARecordInAStateFolderOfAnotherUser(t *testing.T) {
	privdirtest.RequireRoot(t)
	dir := privdirtest.ForeignDir(t, 0o777)
	digest := "sha256:" + strings.Repeat("e", 64)
	planted := `{"repository":"app","digest":"` + digest + `","reference":"evil.example/app@` + digest + `"}`
	if err := os.WriteFile(filepath.Join(dir, pushRecordFile), []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GODAX_STATE_DIR", dir)
	rec, err := NewSession(settings.Config{}).LastPush()
	if err == nil || !strings.Contains(err.Error(), "GODAX_STATE_DIR: refusing "+dir) {
		t.Errorf("LastPush = %+v, %v; want a refusal naming GODAX_STATE_DIR and %s", rec, err, dir)
	}
}
