package sandboxtest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"

	"github.com/godax/godax/scripts/sandbox"
)

// AWSConfig returns an AWS configuration for st's moto with the sandbox's
// static base keys, which act in moto's default account. It reads nothing
// from the process environment, so a developer's AWS settings cannot leak
// into a test.
//
// The SDK's retries are logged to t: a request that moto carried out and
// the SDK sent again shows up as a conflict or an extra revision, and the
// log then says why. Use the configuration only while t runs.
func AWSConfig(t testing.TB, st *sandbox.State) aws.Config {
	return aws.Config{
		Region:        sandbox.Region,
		BaseEndpoint:  aws.String(st.Endpoint()),
		Credentials:   credentials.NewStaticCredentialsProvider(sandbox.AccessKeyID, sandbox.SecretAccessKey, ""),
		ClientLogMode: aws.LogRetries,
		Logger: logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			t.Logf("aws sdk %s: "+format, append([]any{c}, v...)...)
		}),
	}
}

// RoleConfig is [AWSConfig] with the sandbox's role ([sandbox.RoleARN])
// assumed, so that calls act in the sandbox's account, as the targets' do.
func RoleConfig(t testing.TB, st *sandbox.State) aws.Config {
	base := AWSConfig(t, st)
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), sandbox.RoleARN,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "godax-test" }))
	return cfg
}
