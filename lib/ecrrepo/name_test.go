package ecrrepo_test

import (
	"strings"
	"testing"

	"github.com/godax/godax/lib/ecrrepo"
)

func TestValidateName_FollowsECRRules(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 256)
	tests := []struct {
		name string
		ok   bool
	}{
		{"ab", true},
		{"app", true},
		{"team/app", true},
		{"a/b/c-d_e.f", true},
		{"my-app2", true},
		{"0123", true},
		{long, true},
		{"a", false},             // too short
		{"", false},              // empty
		{long + "a", false},      // too long
		{"App", false},           // upper case
		{"team//app", false},     // empty component
		{"/app", false},          // leading slash
		{"app/", false},          // trailing slash
		{"-app", false},          // leading separator
		{"app-", false},          // trailing separator
		{"a__b", false},          // OCI allows "__", ECR does not
		{"a--b", false},          // nor repeated dashes
		{"a.-b", false},          // two separators
		{"host:5000/app", false}, // a host is not part of the name
		{"app:tag", false},
		{"app@sha256", false},
		{"ap p", false},
		{"äpp", false},
	}
	for _, tt := range tests {
		err := ecrrepo.ValidateName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
