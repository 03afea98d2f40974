package ecrtoken

import (
	"fmt"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/ecrauth/credhelper"
)

// PublicHost is ECR Public's registry host. Its tokens come from the
// ecr-public service in [PublicRegion].
const PublicHost = "public.ecr.aws"

// PublicRegion is the only region that issues ECR Public tokens.
const PublicRegion = "us-east-1"

// Registry is what an ECR registry host name says about the registry:
// [credhelper.ECRRegistry].
type Registry = credhelper.ECRRegistry

// TrimHost returns the host of s, which may be a bare host or a URL such
// as a token's proxy endpoint ("https://HOST"), without a trailing slash,
// lower-cased. It is [credhelper.TrimHost], which the standard-library
// helper shares.
func TrimHost(s string) string { return credhelper.TrimHost(s) }

// ParseHost returns what host (a bare host or a URL) says about an ECR
// registry: its account, region, partition, and whether it is FIPS,
// dual-stack or ECR Public. It fails for a host that is not an ECR
// registry, or whose region does not belong to the domain's partition.
// It is [credhelper.ParseECRHost], the one check of ECR hosts that the
// credential helper, its fetchers and the login share.
func ParseHost(host string) (Registry, error) { return credhelper.ParseECRHost(host) }

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
