package deploy

import (
	"fmt"
	"strings"

	"github.com/godax/godax/lib/awsauth"
	"github.com/godax/godax/lib/ecrauth"
)

// ARN is an Amazon Resource Name split into its parts:
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	// Resource is everything after the account, colons included.
	Resource string
}

// ParseARN splits s into its parts and checks the partition, the region
// (which must belong to the partition) and the 12-digit account. It does
// not check the resource: each kind of target does, such as
// [ECSService] and [LambdaFunction]. It does no network work.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%s is not an ARN (want arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", Quoted(s))
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	partition, ok := awsauth.Partition(a.Region)
	switch {
	case len(s) > maxARNLength:
		return ARN{}, fmt.Errorf("%s is longer than %d characters, the longest ARN", Quoted(s), maxARNLength)
	case a.Service == "" || a.Resource == "":
		return ARN{}, fmt.Errorf("%s is not an ARN: the service or the resource is empty", Quoted(s))
	case !ok:
		return ARN{}, fmt.Errorf("%s: %s is not a known AWS region", Quoted(s), Quoted(a.Region))
	case partition != a.Partition:
		return ARN{}, fmt.Errorf("%s: region %s is in partition %s, not %s", Quoted(s), a.Region, partition, Quoted(a.Partition))
	case !awsauth.ValidAccount(a.Account):
		return ARN{}, fmt.Errorf("%s: account %s is not a 12-digit account id", Quoted(s), Quoted(a.Account))
	}
	return a, nil
}

// String returns the ARN as AWS writes it.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ForRegion returns img as region serves it: an image in a private ECR
// registry of another region moves to the same account's registry in
// region, with the same repository and digest; an image on any other host
// (ECR Public, a registry alias, another registry) is returned as it is.
func ForRegion(img Image, region string) Image {
	reg, err := ecrauth.ParseHost(img.Host())
	if err != nil || reg.Public || reg.Region == region {
		return img
	}
	host := strings.Replace(reg.Host, "."+reg.Region+".", "."+region+".", 1)
	img.Repository = host + "/" + img.Path()
	return img
}
