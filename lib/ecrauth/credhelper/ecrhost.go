package credhelper

import (
	"fmt"
	"slices"
	"strings"

	"github.com/godax/godax/lib/awsauth/awsregion"
)

// publicHost is ECR Public's registry host, and publicRegion the only
// region that issues its tokens.
const (
	publicHost   = "public.ecr.aws"
	publicRegion = "us-east-1"
)

// ECRRegistry is what an ECR registry host name says about the registry.
type ECRRegistry struct {
	// Host is the bare host name, without scheme, port or path.
	Host string
	// Account is the 12-digit registry id; "" for ECR Public.
	Account string
	// Region is the registry's region; us-east-1 for ECR Public.
	Region string
	// Partition is the AWS partition the host's domain belongs to.
	Partition string
	// FIPS is true for a FIPS endpoint (dkr.ecr-fips).
	FIPS bool
	// DualStack is true for a dual-stack endpoint (dkr-ecr ... on.aws).
	DualStack bool
	// Public is true for ECR Public.
	Public bool
}

// domainPartitions maps each private-registry domain to the partitions
// whose regions use it.
var domainPartitions = map[string][]string{
	"amazonaws.com":               {"aws", "aws-us-gov"},
	"amazonaws.com.cn":            {"aws-cn"},
	"on.aws":                      {"aws", "aws-us-gov"},
	"on.amazonwebservices.com.cn": {"aws-cn"},
	"amazonaws.eu":                {"aws-eusc"},
	"c2s.ic.gov":                  {"aws-iso"},
	"sc2s.sgov.gov":               {"aws-iso-b"},
	"cloud.adc-e.uk":              {"aws-iso-e"},
	"csp.hci.ic.gov":              {"aws-iso-f"},
}

// ParseECRHost returns what host says about the ECR registry it names:
// its account, region, partition, and whether it is FIPS, dual-stack or
// ECR Public. It is the one place that decides whether a host is an ECR
// registry's, for the credential helper, the token fetchers and the
// login alike: a token goes to no other host.
//
// host is a bare host or a URL as Docker and ECR write them: an optional
// scheme, the host name, an optional :443 and an optional path, such as
// https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/. Letters are
// compared without case, ASCII ones only. The name must be exactly
//
//	ACCOUNT.dkr.ecr[-fips].REGION.DOMAIN      (12-digit ACCOUNT)
//	ACCOUNT.dkr-ecr[-fips].REGION.DOMAIN      (dual-stack)
//	public.ecr.aws                            (ECR Public)
//
// where DOMAIN is one of ECR's partition domains (amazonaws.com,
// amazonaws.com.cn, amazonaws.eu, c2s.ic.gov, sc2s.sgov.gov,
// cloud.adc-e.uk, csp.hci.ic.gov; on.aws and on.amazonwebservices.com.cn
// for dual-stack) and REGION is a region name of DOMAIN's partition. It
// is a few string cuts rather than a regular expression: the credential
// helper parses one host per run, and compiling a pattern would cost more
// than the rest of the run.
//
// # Error handling
//
// Any other host is an error naming it and what is wrong.
func ParseECRHost(host string) (ECRRegistry, error) {
	h := strings.TrimSuffix(TrimHost(host), ":443")
	if h == publicHost {
		return ECRRegistry{Host: h, Region: publicRegion, Partition: "aws", Public: true}, nil
	}
	account, service, region, domain, fips, ok := hostParts(h)
	if !ok {
		return ECRRegistry{}, fmt.Errorf("%q is not an ECR registry host (want ACCOUNT.dkr.ecr.REGION.amazonaws.com or a variant)", host)
	}
	r := ECRRegistry{Host: h, Account: account, Region: region, FIPS: fips, DualStack: service == "dkr-ecr"}
	if r.DualStack != strings.HasPrefix(domain, "on.") {
		return ECRRegistry{}, fmt.Errorf("%q is not an ECR registry host: %s goes with %s", host, service, dualStackHint(r.DualStack))
	}
	if !awsregion.ValidRegion(region) {
		return ECRRegistry{}, fmt.Errorf("%q: %q is not a region name", host, region)
	}
	// A region newer than the table gets the partition its name suggests.
	partition, _ := awsregion.Partition(region)
	if !slices.Contains(domainPartitions[domain], partition) {
		return ECRRegistry{}, fmt.Errorf("%q: region %s (partition %s) does not match domain %s", host, region, partition, domain)
	}
	r.Partition = partition
	return r, nil
}

// IsECRHost is shorthand for [ParseECRHost] succeeding on host.
func IsECRHost(host string) bool {
	_, err := ParseECRHost(host)
	return err == nil
}

// hostParts is the form ACCOUNT.dkr.ecr[-fips].REGION.DOMAIN (dkr-ecr for
// dual-stack) split into its parts, with ok false for any other host: the
// account is the whole first label, and the domain everything after the
// region, one of domainPartitions' exactly.
func hostParts(h string) (account, service, region, domain string, fips, ok bool) {
	account, rest, _ := strings.Cut(h, ".")
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return "", "", "", "", false, false
	}
	switch {
	case strings.HasPrefix(rest, "dkr.ecr"), strings.HasPrefix(rest, "dkr-ecr"):
		service, rest = rest[:len("dkr.ecr")], rest[len("dkr.ecr"):]
	default:
		return "", "", "", "", false, false
	}
	rest, fips = strings.CutPrefix(rest, "-fips")
	rest, dot := strings.CutPrefix(rest, ".")
	region, domain, _ = strings.Cut(rest, ".")
	if !dot || region == "" || strings.Trim(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return "", "", "", "", false, false
	}
	if _, known := domainPartitions[domain]; !known {
		return "", "", "", "", false, false
	}
	return account, service, region, domain, fips, true
}

func dualStackHint(dualStack bool) string {
	if dualStack {
		return "on.aws or on.amazonwebservices.com.cn"
	}
	return "amazonaws.com and the other IPv4 domains"
}

// TrimHost returns the host of s, which may be a bare host or a URL such
// as "https://HOST/v2/": s without surrounding space, a leading scheme
// (letters then "://") or anything from the first slash, with ASCII
// letters lower-cased. Other characters are kept as they are, so that a
// look-alike never becomes the name it imitates.
func TrimHost(s string) string {
	s = strings.TrimSpace(s)
	if scheme, rest, ok := strings.Cut(s, "://"); ok && scheme != "" && strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		s = rest
	}
	s, _, _ = strings.Cut(s, "/")
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}
