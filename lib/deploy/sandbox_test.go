package deploy

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// sandboxConfig returns an AWS configuration for the sandbox's moto (see
// [sandboxtest.AWSConfig]), or skips the test (fails it in CI) when the
// sandbox is not running.
func sandboxConfig(t *testing.T) aws.Config {
	t.Helper()
	return sandboxtest.AWSConfig(t, sandboxtest.Require(t))
}
