package ecrauth_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/ecrauth"
)

func TestRouteToHelper_SetsTheHelperDropsThePasswordAndKeepsTheRest(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.json")
	in := `{"auths":{"h:5000":{"auth":"QVdTOnA="},"https://h:5000/v1/":{"auth":"QVdTOnA="},"o:1":{"auth":"dTpw"}},` +
		`"credHelpers":{"gcr.io":"gcloud"},"psFormat":"table","proxies":{"default":{"httpProxy":"x"}}}`
	if err := os.WriteFile(path, []byte(in), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := ecrauth.RouteToHelper(context.Background(), path, "h:5000", "godax"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(`{"auths":{"o:1":{"auth":"dTpw"}},"credHelpers":{"gcr.io":"gcloud","h:5000":"godax"},`+
		`"psFormat":"table","proxies":{"default":{"httpProxy":"x"}}}`), &want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's own 0640", fi.Mode().Perm())
	}
}

func TestRouteToHelper_LeavesAFileThatIsNotJSONAlone(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.json")
	for _, junk := range []string{"[1,2]", "{", `{"credHelpers":[1]}`} {
		if err := os.WriteFile(path, []byte(junk), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := ecrauth.RouteToHelper(context.Background(), path, "h", "godax"); err == nil {
			t.Errorf("%s: want an error", junk)
		}
		if b, _ := os.ReadFile(path); string(b) != junk {
			t.Errorf("%s: file changed to %s", junk, b)
		}
	}
}

func TestRouteToHelper_CreatesAMissingFilePrivately(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "new", "config.json")
	if err := ecrauth.RouteToHelper(context.Background(), path, "h", "godax"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("stat: %v, %v; want mode 0600", fi, err)
	}
}
