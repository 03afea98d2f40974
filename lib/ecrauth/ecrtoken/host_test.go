package ecrtoken

import (
	"regexp"
	"testing"
)

// hostPattern is the registry host form as a regular expression: the
// reference hostParts must agree with.
var hostPattern = regexp.MustCompile(`^([0-9]{12})\.(dkr\.ecr|dkr-ecr)(-fips)?\.([a-z0-9-]+)\.` +
	`(amazonaws\.com\.cn|amazonaws\.com|on\.amazonwebservices\.com\.cn|on\.aws|amazonaws\.eu|` +
	`c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$`)

func FuzzHostParts_AgreesWithThePattern(f *testing.F) {
	for _, h := range []string{
		"111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
		"111122223333.dkr-ecr.eu-west-1.on.aws",
		"111122223333.dkr-ecr-fips.us-east-1.on.aws",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
		"111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
		"111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu",
		"111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.evil",
		"111122223333.dkr.ecr..amazonaws.com",
		"111122223333.dkr.ecr.us_east_1.amazonaws.com",
		"11112222333.dkr.ecr.us-east-1.amazonaws.com",
		"111122223333.dkr.ecrfips.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr-fips",
		"public.ecr.aws",
		"",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		account, service, region, domain, fips, ok := hostParts(h)
		m := hostPattern.FindStringSubmatch(h)
		if ok != (m != nil) {
			t.Fatalf("hostParts(%q) ok = %v, the pattern matches: %v", h, ok, m != nil)
		}
		if !ok {
			return
		}
		got := []string{h, account, service, map[bool]string{true: "-fips"}[fips], region, domain}
		for i := range m {
			if got[i] != m[i] {
				t.Fatalf("hostParts(%q) = %q, the pattern gives %q", h, got, m)
			}
		}
	})
}
