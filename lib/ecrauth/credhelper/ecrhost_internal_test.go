package credhelper

import (
	"regexp"
	"strings"
	"testing"
)

// hostPattern is the forms ParseECRHost accepts, as a regular expression
// over the input trimmed of surrounding space with its ASCII letters
// lower-cased: the reference the parse must agree with. The region's
// partition is checked apart.
var hostPattern = regexp.MustCompile(`(?s)^(?:[a-z]+://)?` +
	`([0-9]{12})\.(dkr\.ecr|dkr-ecr)(-fips)?\.([a-z]+(?:-[a-z]+)+-[0-9]+)\.` +
	`(amazonaws\.com\.cn|amazonaws\.com|on\.amazonwebservices\.com\.cn|on\.aws|amazonaws\.eu|` +
	`c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)(?::443)?(?:/.*)?$`)

// publicPattern is ECR Public's host in the same forms.
var publicPattern = regexp.MustCompile(`(?s)^(?:[a-z]+://)?public\.ecr\.aws(?::443)?(?:/.*)?$`)

func FuzzParseECRHost_AgreesWithThePattern(f *testing.F) {
	for _, h := range []string{
		"111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:443",
		"HTTPS://111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM:443/v2/",
		"111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
		"111122223333.dkr-ecr.eu-west-1.on.aws",
		"111122223333.dkr-ecr-fips.us-east-1.on.aws",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
		"111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
		"111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu",
		"111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.evil",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:8443",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com@evil.example",
		"evil.example/?next=://111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"111122223333.d\u212Ar.ecr.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr..amazonaws.com",
		"111122223333.dkr.ecr.us_east_1.amazonaws.com",
		"11112222333.dkr.ecr.us-east-1.amazonaws.com",
		"111122223333.dkr.ecrfips.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr-fips",
		"public.ecr.aws",
		"https://public.ecr.aws:443/v2/",
		"",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, err := ParseECRHost(h)
		in := strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' {
				return r + ('a' - 'A')
			}
			return r
		}, strings.TrimSpace(h))
		if publicPattern.MatchString(in) {
			if err != nil || !got.Public {
				t.Fatalf("ParseECRHost(%q) = %+v, %v; the pattern says ECR Public", h, got, err)
			}
			return
		}
		m := hostPattern.FindStringSubmatch(in)
		if m == nil {
			if err == nil {
				t.Fatalf("ParseECRHost(%q) = %+v; the pattern does not match", h, got)
			}
			return
		}
		if err != nil {
			// The form matches: only the region's length or partition
			// may be wrong.
			if !strings.Contains(err.Error(), "does not match domain") && (len(m[4]) <= 32 || !strings.Contains(err.Error(), "is not a region name")) {
				t.Fatalf("ParseECRHost(%q): %v; the pattern matches", h, err)
			}
			return
		}
		want := ECRRegistry{Host: m[1] + "." + m[2] + m[3] + "." + m[4] + "." + m[5], Account: m[1], Region: m[4],
			Partition: got.Partition, FIPS: m[3] != "", DualStack: m[2] == "dkr-ecr"}
		if got != want {
			t.Fatalf("ParseECRHost(%q) = %+v, the pattern gives %+v", h, got, want)
		}
	})
}
