package awsauth_test

import (
	"fmt"
	"time"

	"github.com/godax/godax/lib/awsauth"
)

func ExampleRole_ResolveARN() {
	// An account and a role name become an ARN in the region's partition.
	for _, region := range []string{"eu-west-1", "cn-north-1", "us-gov-west-1"} {
		arn, err := awsauth.Role{Account: "111122223333", Name: "ci/deployer"}.ResolveARN(region)
		fmt.Println(arn, err)
	}
	// Output:
	// arn:aws:iam::111122223333:role/ci/deployer <nil>
	// arn:aws-cn:iam::111122223333:role/ci/deployer <nil>
	// arn:aws-us-gov:iam::111122223333:role/ci/deployer <nil>
}

func ExampleRole_AssumedRoleARN() {
	r := awsauth.Role{ARN: "arn:aws:iam::111122223333:role/ci/deployer", SessionName: "build-42"}
	fmt.Println(r.AssumedRoleARN("eu-west-1"))
	// Output:
	// arn:aws:sts::111122223333:assumed-role/deployer/build-42 <nil>
}

func ExampleRole_Validate() {
	// STS refuses sessions shorter than 15 minutes; this is caught before
	// any network call.
	r := awsauth.Role{Account: "111122223333", Name: "deployer", Duration: 10 * time.Minute}
	fmt.Println(r.Validate("eu-west-1"))
	// Output:
	// role duration 10m0s is under STS's minimum of 15m
}

func ExampleParseRoleARN() {
	fmt.Println(awsauth.ParseRoleARN("arn:aws:iam::111122223333:role/deployer"))
	_, _, _, err := awsauth.ParseRoleARN("deployer")
	fmt.Println(err)
	// Output:
	// aws 111122223333 deployer <nil>
	// "deployer" is not an IAM role ARN (want arn:PARTITION:iam::ACCOUNT:role/NAME)
}
