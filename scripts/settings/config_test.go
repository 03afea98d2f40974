package settings

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfig_LookupReadsFieldsThenEnv(t *testing.T) {
	t.Parallel()
	c := Config{ImageRepository: "team/api", Env: map[string]string{"DEPLOY_TIMEOUT": "15m", "IMAGE_REPOSITORY": "ignored", "EMPTY": ""}}
	for name, want := range map[string]string{"IMAGE_REPOSITORY": "team/api", "DEPLOY_TIMEOUT": "15m"} {
		if got, ok := c.Lookup(name); !ok || got != want {
			t.Errorf("Lookup(%s) = %q, %v; want %q, true", name, got, ok, want)
		}
	}
	for _, name := range []string{"ECS_CLUSTER", "EMPTY", "NOPE"} {
		if got, ok := c.Lookup(name); ok {
			t.Errorf("Lookup(%s) = %q, true; want unset", name, got)
		}
	}
	env := c.Environ()
	slices.Sort(env)
	if d := cmp.Diff([]string{"DEPLOY_TIMEOUT=15m", "IMAGE_REPOSITORY=team/api"}, env); d != "" {
		t.Errorf("Environ() (-want +got):\n%s", d)
	}
}

func TestConfig_EveryFieldNamesAVariableOfTheTable(t *testing.T) {
	t.Parallel()
	for name := range (Config{}).fields() {
		if !slices.ContainsFunc(Vars, func(v Var) bool { return v.Name == name }) {
			t.Errorf("Config's field for %s names no variable in Vars", name)
		}
	}
}
