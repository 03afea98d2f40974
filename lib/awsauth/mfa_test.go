package awsauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/dax"
)

func TestTerminalTokenCode_FailsAtOnceNamingTheDeviceInCI(t *testing.T) {
	t.Setenv("CI", "true")
	serial := "arn:aws:iam::111122223333:mfa/me"
	code, err := awsauth.TerminalTokenCode(serial)()
	if code != "" || !errors.Is(err, dax.ErrNoTerminal) || !strings.Contains(err.Error(), serial) {
		t.Errorf("got %q, %v; want no code and dax.ErrNoTerminal naming %s", code, err, serial)
	}
}
