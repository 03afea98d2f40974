package pipeline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/container"
	"github.com/godax/godax/lib/dax"
)

// envOf turns a map into a getenv function.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestReadLoginSettings_ReadsEveryVariable(t *testing.T) {
	t.Parallel()
	got, err := ReadLoginSettings(envOf(map[string]string{
		"AWS_PROFILE":           "ci",
		"AWS_REGION":            "eu-west-1",
		"AWS_ENDPOINT_URL":      "http://127.0.0.1:5000",
		"ECR_ACCOUNT":           "111122223333",
		"ECR_ROLE":              "deployer",
		"ECR_ROLE_SESSION_NAME": "ci-run",
		"ECR_ROLE_DURATION":     "3600",
		"ECR_ROLE_EXTERNAL_ID":  "ext-id",
		"ECR_REGIONS":           "ap-northeast-1, us-east-1,ap-northeast-1",
		"ECR_NO_CACHE":          "1",
		"CONTAINER_CLI":         "podman",
		"ECR_LOGIN_TIMEOUT":     "45s",
		"ECR_LOGIN_MODE":        "helper",
		"ECR_CACHE_DIR":         "/tmp/ecr",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := LoginSettings{
		Profile: "ci", Region: "eu-west-1", Regions: []string{"ap-northeast-1", "us-east-1"},
		Account: "111122223333",
		Role:    &awsauth.Role{Account: "111122223333", Name: "deployer", SessionName: "ci-run", Duration: time.Hour, ExternalID: "ext-id"},
		NoCache: true, CLI: container.CLI{Name: "podman"}, Endpoint: "AWS_ENDPOINT_URL=http://127.0.0.1:5000",
		LoginTimeout: 45 * time.Second, Helper: true, CacheDir: "/tmp/ecr",
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(awsauth.Role{}, "TokenCode")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadLoginSettings_DefaultsToDockerNoRoleAndTheCache(t *testing.T) {
	t.Parallel()
	got, err := ReadLoginSettings(envOf(map[string]string{"AWS_REGION": "us-east-1"}))
	if err != nil {
		t.Fatal(err)
	}
	want := LoginSettings{Region: "us-east-1", CLI: container.CLI{Name: "docker"}, LoginTimeout: 30 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadLoginSettings_TakesTheRegionFromAnECRRegistryHost(t *testing.T) {
	t.Parallel()
	got, err := ReadLoginSettings(envOf(map[string]string{"AWS_REGION": "us-east-1",
		"ECR_REGISTRY": "111122223333.dkr-ecr.eu-central-1.on.aws"}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Registry != "111122223333.dkr-ecr.eu-central-1.on.aws" || !cmp.Equal(got.Regions, []string{"eu-central-1"}) {
		t.Errorf("Registry %q, Regions %v", got.Registry, got.Regions)
	}
}

func TestReadLoginSettings_NamesTheVariableAndValueThatIsWrong(t *testing.T) {
	t.Parallel()
	base := map[string]string{"AWS_REGION": "us-east-1"}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ECR_ACCOUNT": "1234"}, `ECR_ACCOUNT="1234" is not a 12-digit AWS account id`},
		{map[string]string{"ECR_ACCOUNT": "11112222333a"}, `ECR_ACCOUNT="11112222333a" is not a 12-digit`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:user/bob"}, `ECR_ROLE: "arn:aws:iam::111122223333:user/bob" is not an IAM role ARN`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::1111:role/r"}, `is not an IAM role ARN`},
		{map[string]string{"ECR_ROLE": "deployer"}, `ECR_ROLE="deployer" is a role name, so ECR_ACCOUNT must be set`},
		{map[string]string{"ECR_ROLE": "arn:aws-cn:iam::111122223333:role/r"}, `is in partition aws-cn, but region us-east-1 is in aws`},
		{map[string]string{"AWS_REGION": "us-east"}, `AWS_REGION: "us-east" is not an AWS region name`},
		{map[string]string{"ECR_REGIONS": "us-east-1,eu west-1"}, `ECR_REGIONS: "eu west-1" is not an AWS region name`},
		{map[string]string{"ECR_REGIONS": ","}, `ECR_REGIONS="," lists no region`},
		{map[string]string{"ECR_REGIONS": " , "}, `ECR_REGIONS="," lists no region`},
		{map[string]string{"ECR_LOGIN_TIMEOUT": "-1s"}, `ECR_LOGIN_TIMEOUT="-1s"`},
		{map[string]string{"ECR_LOGIN_MODE": "both"}, `ECR_LOGIN_MODE="both"`},
		{map[string]string{"ECR_REGIONS": "us-east-1,cn-north-1"}, `ECR_REGIONS mixes partitions`},
		{map[string]string{"CONTAINER_CLI": "dokcer"}, `CONTAINER_CLI: unknown container CLI "dokcer"`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/r", "ECR_ROLE_DURATION": "10m"}, `ECR_ROLE_DURATION="10m" is under STS's minimum of 15m`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/r", "ECR_ROLE_DURATION": "600"}, `ECR_ROLE_DURATION="600" (read as 600 seconds) is under STS's minimum of 15m`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/r", "ECR_ROLE_DURATION": "13h"}, `ECR_ROLE_DURATION="13h" is over STS's maximum of 12h`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/r", "ECR_ROLE_DURATION": "soon"}, `ECR_ROLE_DURATION="soon": want a duration`},
		{map[string]string{"ECR_ROLE": "arn:aws:iam::111122223333:role/r", "ECR_ROLE_SESSION_NAME": "has space"}, `ECR_ROLE_SESSION_NAME="has space"`},
		{map[string]string{"ECR_ROLE_DURATION": "1h"}, `ECR_ROLE_DURATION is set but ECR_ROLE is not`},
		{map[string]string{"ECR_NO_CACHE": "maybe"}, `ECR_NO_CACHE="maybe"`},
		{map[string]string{"ECR_REGISTRY": "111122223333.dkr.ecr.mars-1.amazonaws.com"}, `ECR_REGISTRY: "111122223333.dkr.ecr.mars-1.amazonaws.com": "mars-1" is not a region name`},
		{map[string]string{"ECR_REGISTRY": "111122223333.dkr.ecr.eu-west-1.amazonaws.com", "ECR_ACCOUNT": "444455556666"}, `belongs to account 111122223333, but ECR_ACCOUNT is 444455556666`},
		{map[string]string{"ECR_REGISTRY": "127.0.0.1:5000", "ECR_REGIONS": "us-east-1,us-west-2"}, `names one host, so ECR_REGIONS cannot list 2 regions`},
		{map[string]string{"ECR_REGISTRY": "127.0.0.1:99999"}, `ECR_REGISTRY: registry "127.0.0.1:99999": port "99999" is not a number from 1 to 65535`},
		{map[string]string{"ECR_REGISTRY": "https://111122223333.dkr-ecr.eu-central-1.on.aws"}, `ECR_REGISTRY: registry "https://111122223333.dkr-ecr.eu-central-1.on.aws" has a scheme`},
		{map[string]string{"ECR_REGISTRY": "127.0.0.1:5000/team"}, `ECR_REGISTRY: registry "127.0.0.1:5000/team" has a path`},
	}
	for _, tt := range tests {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range tt.env {
			env[k] = v
		}
		_, err := ReadLoginSettings(envOf(env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want one containing %q", tt.env, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error spans lines: %q", tt.env, err)
		}
	}
}

func TestReadLoginSettings_WarnsAboutRegionsMissingFromTheTable(t *testing.T) {
	t.Parallel()
	got, err := ReadLoginSettings(envOf(map[string]string{"AWS_REGION": "us-east-9", "ECR_REGIONS": "us-east-9,eu-wst-1"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Warnings) != 3 || !strings.Contains(got.Warnings[0], `region "us-east-9" is not in godax's table`) {
		t.Errorf("warnings %q, want one per unknown region", got.Warnings)
	}
}

func TestReadLoginSettings_AsksForTheMFACodeOnTheTerminal(t *testing.T) {
	t.Setenv("CI", "true") // the prompt then fails at once instead of waiting
	serial := "arn:aws:iam::111122223333:mfa/me"
	got, err := ReadLoginSettings(envOf(map[string]string{
		"AWS_REGION": "us-east-1", "ECR_ROLE": "arn:aws:iam::111122223333:role/deployer", "ECR_ROLE_MFA_SERIAL": serial,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Role == nil || got.Role.MFASerial != serial || got.Role.TokenCode == nil {
		t.Fatalf("Role = %+v, want MFA device %s with a TokenCode", got.Role, serial)
	}
	if err := got.Role.Validate("us-east-1"); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if _, err := got.Role.TokenCode(); !errors.Is(err, dax.ErrNoTerminal) {
		t.Errorf("TokenCode() error = %v, want the terminal prompt's dax.ErrNoTerminal", err)
	}
}
