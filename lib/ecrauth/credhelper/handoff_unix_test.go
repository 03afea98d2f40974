//go:build unix

package credhelper

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFetcherEnv_RunsTheFetcherOnOneProcessorUnlessTheCallerChooses(t *testing.T) {
	base := []string{"PATH=/bin"}
	for _, tc := range []struct {
		name, gomaxprocs string
		want             []string
	}{
		{"unset", "", []string{"PATH=/bin", "GOMAXPROCS=1"}},
		{"set", "4", base},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMAXPROCS", tc.gomaxprocs)
			if diff := cmp.Diff(tc.want, fetcherEnv(append([]string(nil), base...))); diff != "" {
				t.Errorf("fetcherEnv (-want +got):\n%s", diff)
			}
		})
	}
}
