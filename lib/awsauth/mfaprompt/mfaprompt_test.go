package mfaprompt_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/godax/godax/lib/awsauth/mfaprompt"
	"github.com/godax/godax/lib/dax"
)

func TestTokenCode_FailsAtOnceNamingTheDeviceInCI(t *testing.T) {
	t.Setenv("CI", "true")
	serial := "arn:aws:iam::111122223333:mfa/me"
	code, err := mfaprompt.TokenCode(serial)()
	if code != "" || !errors.Is(err, dax.ErrNoTerminal) || !strings.Contains(err.Error(), serial) {
		t.Errorf("got %q, %v; want no code and dax.ErrNoTerminal naming %s", code, err, serial)
	}
}
