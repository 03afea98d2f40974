//go:build unix

package credhelper

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFetcherEnv_TurnsTheCollectorOffUnlessTheCallerTunesIt(t *testing.T) {
	base := []string{"PATH=/bin"}
	for _, tc := range []struct {
		name, gogc, memlimit string
		want                 []string
	}{
		{"untuned", "", "", []string{"PATH=/bin", "GOGC=off", "GOMEMLIMIT=" + fetcherMemLimit}},
		{"GOGC set", "50", "", base},
		{"GOMEMLIMIT set", "", "1GiB", base},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.memlimit)
			if diff := cmp.Diff(tc.want, fetcherEnv(append([]string(nil), base...))); diff != "" {
				t.Errorf("fetcherEnv (-want +got):\n%s", diff)
			}
		})
	}
}
