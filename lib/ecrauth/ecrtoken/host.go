package ecrtoken

import (
	"fmt"
	"slices"
	"strings"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/ecrauth/credhelper"
)

// PublicHost is ECR Public's registry host. Its tokens come from the
// ecr-public service in [PublicRegion].
const PublicHost = "public.ecr.aws"

// PublicRegion is the only region that issues ECR Public tokens.
const PublicRegion = "us-east-1"

// Registry is what an ECR registry host name says about the registry.
type Registry struct {
	// Host is the bare host name, without scheme or path.
	Host string
	// Account is the 12-digit registry id; "" for ECR Public.
	Account string
	// Region is the registry's region; [PublicRegion] for ECR Public.
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

// hostParts is the form ACCOUNT.dkr.ecr[-fips].REGION.DOMAIN (dkr-ecr for
// dual-stack) split into its parts, with ok false for any other host.
// It is a few string cuts rather than a regular expression: the credential
// helper's fetcher parses one host per run, and compiling the pattern
// cost more than the rest of the parse.
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

// TrimHost returns the host of s, which may be a bare host or a URL such
// as a token's proxy endpoint ("https://HOST"), without a trailing slash,
// lower-cased. It is [credhelper.TrimHost], which the standard-library
// helper shares.
func TrimHost(s string) string { return credhelper.TrimHost(s) }

// ParseHost returns what host (a bare host or a URL) says about an ECR
// registry: its account, region, partition, and whether it is FIPS,
// dual-stack or ECR Public. It fails for a host that is not an ECR
// registry, or whose region does not belong to the domain's partition.
func ParseHost(host string) (Registry, error) {
	h := TrimHost(host)
	if h == PublicHost {
		return Registry{Host: h, Region: PublicRegion, Partition: "aws", Public: true}, nil
	}
	account, service, region, domain, fips, ok := hostParts(h)
	if !ok {
		return Registry{}, fmt.Errorf("%q is not an ECR registry host (want ACCOUNT.dkr.ecr.REGION.amazonaws.com or a variant)", host)
	}
	r := Registry{Host: h, Account: account, FIPS: fips, Region: region, DualStack: service == "dkr-ecr"}
	if r.DualStack != strings.HasPrefix(domain, "on.") {
		return Registry{}, fmt.Errorf("%q is not an ECR registry host: %s goes with %s", host, service, dualStackHint(r.DualStack))
	}
	if !awsauth.ValidRegion(r.Region) {
		return Registry{}, fmt.Errorf("%q: %q is not a region name", host, r.Region)
	}
	// A region newer than the table gets the partition its name suggests.
	partition, _ := awsauth.Partition(r.Region)
	if !slices.Contains(domainPartitions[domain], partition) {
		return Registry{}, fmt.Errorf("%q: region %s (partition %s) does not match domain %s", host, r.Region, partition, domain)
	}
	r.Partition = partition
	return r, nil
}

func dualStackHint(dualStack bool) string {
	if dualStack {
		return "on.aws or on.amazonwebservices.com.cn"
	}
	return "amazonaws.com and the other IPv4 domains"
}

// HostFor returns the standard (IPv4, non-FIPS) registry host of account
// in region, such as 111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn. A
// region newer than this package's table gets its partition's domain as
// [awsauth.Partition] guesses it.
func HostFor(account, region string) (string, error) {
	if !awsauth.ValidRegion(region) {
		return "", fmt.Errorf("%q is not a region name", region)
	}
	partition, _ := awsauth.Partition(region)
	return account + ".dkr.ecr." + region + "." + awsauth.PartitionDomain(partition), nil
}
