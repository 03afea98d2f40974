// Package awsregion knows AWS region names and the partitions they belong
// to, with the standard library only, so that a program that must start
// fast, such as the credential helper, can check a region without linking
// the AWS SDK. Package awsauth offers the same functions.
//
//	if !awsregion.ValidRegion(r) {
//		return fmt.Errorf("%q is not a region name", r)
//	}
//	partition, known := awsregion.Partition(r) // "aws-cn", true for cn-north-1
package awsregion
