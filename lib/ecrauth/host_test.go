package ecrauth_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/godax/godax/lib/ecrauth"
)

func TestParseHost_ReadsEveryRegistryHostForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want ecrauth.Registry
	}{
		{"111122223333.dkr.ecr.us-east-1.amazonaws.com",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com", Account: "111122223333", Region: "us-east-1", Partition: "aws"}},
		{"https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.eu-west-1.amazonaws.com", Account: "111122223333", Region: "eu-west-1", Partition: "aws"}},
		{"111122223333.dkr.ecr-fips.us-east-2.amazonaws.com",
			ecrauth.Registry{Host: "111122223333.dkr.ecr-fips.us-east-2.amazonaws.com", Account: "111122223333", Region: "us-east-2", Partition: "aws", FIPS: true}},
		{"111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
			ecrauth.Registry{Host: "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com", Account: "111122223333", Region: "us-gov-west-1", Partition: "aws-us-gov", FIPS: true}},
		{"111122223333.dkr-ecr.ap-northeast-1.on.aws",
			ecrauth.Registry{Host: "111122223333.dkr-ecr.ap-northeast-1.on.aws", Account: "111122223333", Region: "ap-northeast-1", Partition: "aws", DualStack: true}},
		{"111122223333.dkr-ecr-fips.us-west-2.on.aws",
			ecrauth.Registry{Host: "111122223333.dkr-ecr-fips.us-west-2.on.aws", Account: "111122223333", Region: "us-west-2", Partition: "aws", DualStack: true, FIPS: true}},
		{"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn", Account: "111122223333", Region: "cn-north-1", Partition: "aws-cn"}},
		{"111122223333.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn",
			ecrauth.Registry{Host: "111122223333.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn", Account: "111122223333", Region: "cn-northwest-1", Partition: "aws-cn", DualStack: true}},
		{"111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu", Account: "111122223333", Region: "eusc-de-east-1", Partition: "aws-eusc"}},
		{"111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov", Account: "111122223333", Region: "us-iso-east-1", Partition: "aws-iso"}},
		{"111122223333.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", Account: "111122223333", Region: "us-isob-east-1", Partition: "aws-iso-b"}},
		{"111122223333.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", Account: "111122223333", Region: "eu-isoe-west-1", Partition: "aws-iso-e"}},
		{"111122223333.dkr.ecr.us-isof-south-1.csp.hci.ic.gov",
			ecrauth.Registry{Host: "111122223333.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", Account: "111122223333", Region: "us-isof-south-1", Partition: "aws-iso-f"}},
		{"public.ecr.aws",
			ecrauth.Registry{Host: "public.ecr.aws", Region: "us-east-1", Partition: "aws", Public: true}},
		{"https://public.ecr.aws/",
			ecrauth.Registry{Host: "public.ecr.aws", Region: "us-east-1", Partition: "aws", Public: true}},
	}
	for _, tt := range tests {
		got, err := ecrauth.ParseHost(tt.host)
		if err != nil {
			t.Errorf("ParseHost(%q): %v", tt.host, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseHost(%q) (-want +got):\n%s", tt.host, diff)
		}
	}
}

func TestParseHost_RejectsHostsThatAreNotECR(t *testing.T) {
	t.Parallel()
	for _, host := range []string{
		"",
		"127.0.0.1:5000",
		"docker.io",
		"11112222333.dkr.ecr.us-east-1.amazonaws.com",       // 11 digits
		"111122223333.dkr.ecr.mars.amazonaws.com",           // not a region name
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com",     // China region, global domain
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.cn",   // global region, China domain
		"111122223333.dkr-ecr.us-east-1.amazonaws.com",      // dual-stack label, IPv4 domain
		"111122223333.dkr.ecr.us-east-1.on.aws",             // IPv4 label, dual-stack domain
		"111122223333.dkr.ecr.us-east-1.amazonaws.com.evil", // suffix
		"evil.111122223333.dkr.ecr.us-east-1.amazonaws.com", // prefix
	} {
		if got, err := ecrauth.ParseHost(host); err == nil {
			t.Errorf("ParseHost(%q) = %+v, want an error", host, got)
		}
	}
}

func TestHostFor_UsesThePartitionsDomain(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"us-east-1":      "111122223333.dkr.ecr.us-east-1.amazonaws.com",
		"cn-north-1":     "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
		"us-gov-west-1":  "111122223333.dkr.ecr.us-gov-west-1.amazonaws.com",
		"us-iso-east-1":  "111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov",
		"eusc-de-east-1": "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu",
	}
	for region, want := range tests {
		got, err := ecrauth.HostFor("111122223333", region)
		if err != nil {
			t.Errorf("HostFor(%s): %v", region, err)
			continue
		}
		if got != want {
			t.Errorf("HostFor(%s) = %q, want %q", region, got, want)
		}
		// Every built host parses back to its account and region.
		reg, err := ecrauth.ParseHost(got)
		if err != nil || reg.Region != region || reg.Account != "111122223333" {
			t.Errorf("ParseHost(HostFor(%s)) = %+v, %v", region, reg, err)
		}
	}
	if _, err := ecrauth.HostFor("111122223333", "nowhere-1"); err == nil {
		t.Error("HostFor with an unknown region: want an error")
	}
}

func FuzzParseHost_ResultNamesTheHostItParsed(f *testing.F) {
	f.Add("111122223333.dkr.ecr.us-east-1.amazonaws.com")
	f.Add("public.ecr.aws")
	f.Add("https://111122223333.dkr.ecr.eu-west-1.amazonaws.com:443/v2/")
	f.Add("111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn")
	f.Fuzz(func(t *testing.T, host string) {
		reg, err := ecrauth.ParseHost(host)
		if err != nil {
			return
		}
		if want := strings.TrimSuffix(ecrauth.TrimHost(host), ":443"); reg.Host != want {
			t.Errorf("Host = %q, want %q", reg.Host, want)
		}
		if !reg.Public {
			again, err := ecrauth.HostFor(reg.Account, reg.Region)
			if err != nil {
				t.Errorf("HostFor(%s, %s): %v", reg.Account, reg.Region, err)
			}
			if _, err := ecrauth.ParseHost(again); err != nil {
				t.Errorf("ParseHost(%q): %v", again, err)
			}
		}
	})
}

func TestParseHost_AcceptsARegionNewerThanTheTable(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]string{
		"111122223333.dkr.ecr.ap-future-9.amazonaws.com": "aws",
		"111122223333.dkr.ecr.cn-far-7.amazonaws.com.cn": "aws-cn",
		"111122223333.dkr-ecr.us-gov-mid-4.on.aws":       "aws-us-gov",
	} {
		reg, err := ecrauth.ParseHost(host)
		if err != nil {
			t.Errorf("ParseHost(%q): %v", host, err)
			continue
		}
		if reg.Partition != want {
			t.Errorf("ParseHost(%q).Partition = %q, want %q", host, reg.Partition, want)
		}
	}
	if _, err := ecrauth.ParseHost("111122223333.dkr.ecr.cn-far-7.amazonaws.com"); err == nil {
		t.Error("a China-named region on the global domain: want an error")
	}
}
