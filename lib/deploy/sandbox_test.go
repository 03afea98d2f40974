package deploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"

	"github.com/godax/godax/scripts/sandbox/sandboxtest"
)

// sandboxConfig returns an AWS configuration that talks to the sandbox's
// moto with its static keys, or skips the test (fails it in CI) when the
// sandbox is not running. It reads nothing from the process environment,
// so a developer's AWS settings cannot leak in.
func sandboxConfig(t *testing.T) aws.Config {
	t.Helper()
	env := map[string]string{}
	for _, kv := range sandboxtest.Require(t).Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return aws.Config{
		Region:       env["AWS_REGION"],
		BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
		Credentials:  credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
		// A retried request that moto had already carried out shows up
		// as an extra revision or a conflict; say when the SDK retries.
		ClientLogMode: aws.LogRetries,
		Logger: logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			t.Logf("aws sdk %s: "+format, append([]any{c}, v...)...)
		}),
	}
}
