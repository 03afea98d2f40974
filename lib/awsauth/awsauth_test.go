package awsauth_test

import (
	"strings"
	"testing"

	"github.com/godax/godax/lib/awsauth"
)

func TestValidExternalID_AcceptsUpTo1224Characters(t *testing.T) {
	t.Parallel()
	if !awsauth.ValidExternalID(strings.Repeat("a", 1224)) {
		t.Error("1224 characters refused")
	}
	if awsauth.ValidExternalID(strings.Repeat("a", 1225)) {
		t.Error("1225 characters accepted")
	}
	if awsauth.ValidExternalID("a") {
		t.Error("1 character accepted")
	}
}
