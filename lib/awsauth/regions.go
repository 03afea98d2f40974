package awsauth

import "github.com/godax/godax/lib/awsauth/awsregion"

// The region tables live in package [awsregion], which links no SDK, so
// that the credential helper can read a registry host's region. These
// names are the same functions, for callers of this package.

// Partition returns the partition of region and whether region is in the
// table: [awsregion.Partition].
func Partition(region string) (partition string, known bool) { return awsregion.Partition(region) }

// ValidRegion reports whether region is shaped like an AWS region name:
// [awsregion.ValidRegion].
func ValidRegion(region string) bool { return awsregion.ValidRegion(region) }

// PartitionDomain returns the DNS suffix of partition's service
// endpoints: [awsregion.PartitionDomain].
func PartitionDomain(partition string) string { return awsregion.PartitionDomain(partition) }

// Regions returns every region the table knows, sorted: [awsregion.Regions].
func Regions() []string { return awsregion.Regions() }

// Partitions returns every partition the table knows, sorted: [awsregion.Partitions].
func Partitions() []string { return awsregion.Partitions() }
