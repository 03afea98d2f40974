package awsregion

import (
	"maps"
	"slices"
	"strings"
)

// regions maps every AWS region known to this package to its partition.
var regions = map[string]string{
	"af-south-1": "aws", "ap-east-1": "aws", "ap-east-2": "aws",
	"ap-northeast-1": "aws", "ap-northeast-2": "aws", "ap-northeast-3": "aws",
	"ap-south-1": "aws", "ap-south-2": "aws",
	"ap-southeast-1": "aws", "ap-southeast-2": "aws", "ap-southeast-3": "aws",
	"ap-southeast-4": "aws", "ap-southeast-5": "aws", "ap-southeast-6": "aws",
	"ap-southeast-7": "aws",
	"ca-central-1":   "aws", "ca-west-1": "aws",
	"eu-central-1": "aws", "eu-central-2": "aws", "eu-north-1": "aws",
	"eu-south-1": "aws", "eu-south-2": "aws",
	"eu-west-1": "aws", "eu-west-2": "aws", "eu-west-3": "aws",
	"il-central-1": "aws", "me-central-1": "aws", "me-south-1": "aws", "me-west-1": "aws",
	"mx-central-1": "aws", "sa-east-1": "aws", "sa-west-1": "aws",
	"us-east-1": "aws", "us-east-2": "aws", "us-west-1": "aws", "us-west-2": "aws",

	"cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",

	"us-gov-east-1": "aws-us-gov", "us-gov-west-1": "aws-us-gov",

	"us-iso-east-1": "aws-iso", "us-iso-west-1": "aws-iso",
	"us-isob-east-1": "aws-iso-b", "us-isob-west-1": "aws-iso-b",
	"eu-isoe-west-1": "aws-iso-e",
	"us-isof-east-1": "aws-iso-f", "us-isof-south-1": "aws-iso-f",

	"eusc-de-east-1": "aws-eusc",
}

// partitionDomains maps each partition to the DNS suffix of its service
// endpoints.
var partitionDomains = map[string]string{
	"aws":        "amazonaws.com",
	"aws-cn":     "amazonaws.com.cn",
	"aws-us-gov": "amazonaws.com",
	"aws-iso":    "c2s.ic.gov",
	"aws-iso-b":  "sc2s.sgov.gov",
	"aws-iso-e":  "cloud.adc-e.uk",
	"aws-iso-f":  "csp.hci.ic.gov",
	"aws-eusc":   "amazonaws.eu",
}

// regionPrefixes gives the partition of a region missing from the table
// by its name's prefix, longest first; anything else is in "aws".
var regionPrefixes = []struct{ prefix, partition string }{
	{"us-isob-", "aws-iso-b"}, {"us-isof-", "aws-iso-f"}, {"eu-isoe-", "aws-iso-e"},
	{"us-iso-", "aws-iso"}, {"us-gov-", "aws-us-gov"}, {"eusc-", "aws-eusc"}, {"cn-", "aws-cn"},
}

// Partition returns the partition of region ("aws", "aws-cn",
// "aws-us-gov", "aws-iso", ...) and whether region is in this package's
// table. New regions appear every year: for one missing from the table,
// Partition guesses from the name's prefix (cn-, us-gov-, us-iso-, ...,
// else "aws") and known is false; callers should warn, not refuse.
// region must pass [ValidRegion].
func Partition(region string) (partition string, known bool) {
	if p, ok := regions[region]; ok {
		return p, true
	}
	for _, rp := range regionPrefixes {
		if strings.HasPrefix(region, rp.prefix) {
			return rp.partition, false
		}
	}
	return "aws", false
}

// ValidRegion reports whether region is shaped like an AWS region name:
// lower-case words and a final number joined by dashes, such as
// "ap-southeast-7". It says nothing of whether the region exists.
func ValidRegion(region string) bool {
	parts := strings.Split(region, "-")
	if len(parts) < 3 || len(region) > 32 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, c := range p {
			digit, letter := '0' <= c && c <= '9', 'a' <= c && c <= 'z'
			if (i == len(parts)-1 && !digit) || (i < len(parts)-1 && !letter) {
				return false
			}
		}
	}
	return true
}

// PartitionDomain returns the DNS suffix of partition's service endpoints,
// such as "amazonaws.com.cn" for "aws-cn", or "" for an unknown partition.
func PartitionDomain(partition string) string { return partitionDomains[partition] }

// Regions returns every region this package knows, sorted.
func Regions() []string { return slices.Sorted(maps.Keys(regions)) }

// Partitions returns every partition this package knows, sorted.
func Partitions() []string { return slices.Sorted(maps.Keys(partitionDomains)) }
