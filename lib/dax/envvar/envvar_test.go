package envvar_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/godax/godax/lib/dax/envvar"
)

func TestBool_ReadsOneRuleForEverySwitch(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"1", "true", "TRUE", "yes", "on", " On "} {
		if got, err := envvar.Bool("X", v, false); err != nil || !got {
			t.Errorf("Bool(X, %q) = %v, %v; want true", v, got, err)
		}
	}
	for _, v := range []string{"0", "false", "no", "OFF"} {
		if got, err := envvar.Bool("X", v, true); err != nil || got {
			t.Errorf("Bool(X, %q) = %v, %v; want false", v, got, err)
		}
	}
	if got, err := envvar.Bool("X", "", true); err != nil || !got {
		t.Errorf("Bool(X, \"\", true) = %v, %v; want the default", got, err)
	}
	for _, v := range []string{"2", "enabled", "y"} {
		_, err := envvar.Bool("ECR_NO_CACHE", v, false)
		if err == nil || !strings.Contains(err.Error(), "ECR_NO_CACHE=") {
			t.Errorf("Bool(ECR_NO_CACHE, %q) error = %v, want one naming the variable", v, err)
		}
	}
}

func TestCI_IsOnForAnyValueButTheOffWords(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "no": false, "off": false, "true": true, "1": true, "woodpecker": true} {
		if got := envvar.CI(v); got != want {
			t.Errorf("CI(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestDuration_TakesGoDurationsAndSeconds(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]time.Duration{"": time.Minute, "90": 90 * time.Second, "15m": 15 * time.Minute, "1h30m": 90 * time.Minute} {
		if got, err := envvar.Duration("D", v, time.Minute); err != nil || got != want {
			t.Errorf("Duration(D, %q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"-1s", "soon", "10 m", "99999999999999999999"} {
		if _, err := envvar.Duration("DEPLOY_TIMEOUT", v, 0); err == nil || !strings.Contains(err.Error(), "DEPLOY_TIMEOUT=") {
			t.Errorf("Duration(DEPLOY_TIMEOUT, %q) error = %v, want one naming the variable", v, err)
		}
	}
}

func ExampleAsRead() {
	d, _ := envvar.Duration("ECR_ROLE_DURATION", "10", 0)
	fmt.Printf("ECR_ROLE_DURATION=%s is under 15m\n", envvar.AsRead("10", d))
	// Output: ECR_ROLE_DURATION="10" (read as 10 seconds) is under 15m
}
