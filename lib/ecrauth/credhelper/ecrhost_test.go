package credhelper_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/ecrauth/credhelper"
)

func TestParseECRHost_RefusesHostileHosts(t *testing.T) {
	t.Parallel()
	for _, host := range []string{
		// Starts like an ECR host, ends elsewhere.
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example",
		"111122223333.dkr.ecr.evil",
		"999999999999.dkr.ecr.attacker.example:443",
		"https://111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example/v2/",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.cn.evil",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn.evil.example",
		"111122223333.dkr-ecr.us-east-1.on.aws.evil.example",
		"111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn.evil",
		"111122223333.dkr.ecr-fips.us-east-1.amazonaws.com.evil.example",
		"111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu.evil",
		"111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov.evil",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com-evil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.community",
		"111122223333.dkr.ecr.us-east-1.evil.amazonaws.com",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:443.evil.example",
		"public.ecr.aws.evil.example",
		"public.ecr.aws.",
		"evilpublic.ecr.aws",
		"public.ecr.aws:8443",
		// Trailing dots.
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.",
		"https://111122223333.dkr.ecr.us-east-1.amazonaws.com./v2/",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com..",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com..evil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.:443",
		// User info, and hosts hidden after it or in a path.
		"user@111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"https://user:pass@111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com@evil.example",
		"https://111122223333.dkr.ecr.us-east-1.amazonaws.com@evil.example/v2/",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:443@evil.example",
		`111122223333.dkr.ecr.us-east-1.amazonaws.com\@evil.example`,
		"evil.example/?next=://111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"evil.example:443/111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"//evil.example/111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"https://https://111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com#.evil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com?.evil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com%2eevil.example",
		// Upper case, and Unicode look-alikes.
		"111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM.EVIL.EXAMPLE",
		"HTTPS://111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM.EVIL.EXAMPLE/V2/",
		"111122223333.dkr.ecr.us-east-1.\u0430mazonaws.com",                                                        // Cyrillic а
		"111122223333.d\u212Ar.ecr.us-east-1.amazonaws.com",                                                        // Kelvin sign
		"111122223333.dkr.ecr.us-east-1.amazonaws.\u0441om",                                                        // Cyrillic с
		"111122223333.dkr.ecr.us-east-1.amazonaws\u3002com",                                                        // ideographic full stop
		"111122223333.dkr.ecr.us-east-1.amazonaws\uff0ecom",                                                        // fullwidth full stop
		"\uff11\uff11\uff11\uff11\uff12\uff12\uff12\uff12\uff13\uff13\uff13\uff13.dkr.ecr.us-east-1.amazonaws.com", // fullwidth digits
		"111122223333.dkr.ecr.us-east-1.xn--amazonaws-7ya.com",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com\u200b", // zero-width space
		"111122223333.dkr.ecr.u\u0455-east-1.amazonaws.com",  // Cyrillic ѕ in the region
		// Labels before the account, malformed accounts.
		"evil.111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"111122223333.111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"1111222233334.dkr.ecr.us-east-1.amazonaws.com",
		"11112222333.dkr.ecr.us-east-1.amazonaws.com",
		"11112222333a.dkr.ecr.us-east-1.amazonaws.com",
		"-11122223333.dkr.ecr.us-east-1.amazonaws.com",
		".dkr.ecr.us-east-1.amazonaws.com",
		// Malformed service labels and regions.
		"111122223333.dkr.ecr..amazonaws.com",
		"111122223333.dkr.ecr-fips..amazonaws.com",
		"111122223333.dkr.ecrfips.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr-fips-fips.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr.evil.amazonaws.com",
		"111122223333.dkr.ecr.us-east.amazonaws.com",
		"111122223333.dkr.ecr.us-east-1a.amazonaws.com",
		"111122223333.dkr.ecr.us--1.amazonaws.com",
		"111122223333.dkr.ecr.us_east_1.amazonaws.com",
		"111122223333.dkr.ecr.abcdefghijklmnopqrstuvwxyzabcdef-1.amazonaws.com",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.cn",
		"111122223333.dkr.ecr.us-east-1.c2s.ic.gov",
		"111122223333.dkr-ecr.us-east-1.amazonaws.com",
		"111122223333.dkr.ecr.us-east-1.on.aws",
		// Space, control characters, empty.
		"111122223333.dkr.ecr.us-east-1.amazonaws.com evil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com\n.evil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com\r\nevil.example",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com\tevil",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com\x00.evil.example",
		"111122223333.dkr.ecr. us-east-1.amazonaws.com",
		"",
		" ",
		"https://",
		// Ports other than 443.
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:8443",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:80",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:0443",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:",
		"111122223333.dkr.ecr.us-east-1.amazonaws.com:443:443",
		"https://111122223333.dkr.ecr.us-east-1.amazonaws.com:5000/v2/",
	} {
		if got, err := credhelper.ParseECRHost(host); err == nil {
			t.Errorf("ParseECRHost(%q) = %+v, want an error", host, got)
		}
		if credhelper.IsECRHost(host) {
			t.Errorf("IsECRHost(%q) = true", host)
		}
	}
}

func TestParseECRHost_AcceptsTheFormsDockerAndECRWrite(t *testing.T) {
	t.Parallel()
	want := credhelper.ECRRegistry{Host: "111122223333.dkr.ecr.eu-west-1.amazonaws.com", Account: "111122223333", Region: "eu-west-1", Partition: "aws"}
	for _, host := range []string{
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		"https://111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		"https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/",
		"https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/",
		"http://111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/",
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com:443",
		"https://111122223333.dkr.ecr.eu-west-1.amazonaws.com:443/v2/",
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/",
		"  111122223333.dkr.ecr.eu-west-1.amazonaws.com\n",
		// Host names do not depend on case.
		"111122223333.DKR.ECR.EU-WEST-1.AMAZONAWS.COM",
		"HTTPS://111122223333.dkr.ecr.eu-west-1.amazonaws.com/V2/",
	} {
		got, err := credhelper.ParseECRHost(host)
		if err != nil {
			t.Errorf("ParseECRHost(%q): %v", host, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseECRHost(%q) (-want +got):\n%s", host, diff)
		}
	}
	for _, host := range []string{"public.ecr.aws", "https://public.ecr.aws/v2/", "PUBLIC.ECR.AWS:443"} {
		got, err := credhelper.ParseECRHost(host)
		if diff := cmp.Diff(credhelper.ECRRegistry{Host: "public.ecr.aws", Region: "us-east-1", Partition: "aws", Public: true}, got); err != nil || diff != "" {
			t.Errorf("ParseECRHost(%q): %v (-want +got):\n%s", host, err, diff)
		}
	}
}
