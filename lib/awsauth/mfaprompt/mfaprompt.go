// Package mfaprompt asks for an MFA code on the terminal, for a role that
// [awsauth.Role] assumes with an MFA device:
//
//	role := &awsauth.Role{
//		ARN:       "arn:aws:iam::111122223333:role/deployer",
//		MFASerial: serial,
//		TokenCode: mfaprompt.TokenCode(serial),
//	}
//
// It is a package of its own so that a program that never prompts, such
// as the credential helper's fetcher, links awsauth without the command
// runner and its shell.
package mfaprompt

import (
	"context"
	"fmt"
	"strings"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/dax"
)

// TokenCode returns an [awsauth.Role.TokenCode] that asks for the MFA code
// of serial on the terminal with [dax.Prompt], even when standard input is
// piped. It fails at once, naming serial, when there is no terminal or CI
// is true, and gives up after [awsauth.MFACodeTimeout].
func TokenCode(serial string) func() (string, error) {
	return func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), awsauth.MFACodeTimeout)
		defer cancel()
		code, err := dax.Prompt(ctx, "MFA code for "+serial+":")
		if err != nil {
			return "", fmt.Errorf("MFA device %s needs a code: %w", serial, err)
		}
		return strings.TrimSpace(code), nil
	}
}
