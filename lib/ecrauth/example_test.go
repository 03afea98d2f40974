package ecrauth_test

import (
	"fmt"

	"github.com/godax/godax/lib/ecrauth"
)

func ExampleParseHost() {
	for _, host := range []string{
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		"https://111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
		"111122223333.dkr-ecr.ap-northeast-1.on.aws",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
		"public.ecr.aws",
	} {
		r, err := ecrauth.ParseHost(host)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: account %q region %s partition %s fips %v dual-stack %v public %v\n",
			r.Host, r.Account, r.Region, r.Partition, r.FIPS, r.DualStack, r.Public)
	}
	// Output:
	// 111122223333.dkr.ecr.eu-west-1.amazonaws.com: account "111122223333" region eu-west-1 partition aws fips false dual-stack false public false
	// 111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com: account "111122223333" region us-gov-west-1 partition aws-us-gov fips true dual-stack false public false
	// 111122223333.dkr-ecr.ap-northeast-1.on.aws: account "111122223333" region ap-northeast-1 partition aws fips false dual-stack true public false
	// 111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn: account "111122223333" region cn-north-1 partition aws-cn fips false dual-stack false public false
	// public.ecr.aws: account "" region us-east-1 partition aws fips false dual-stack false public true
}

func ExampleParseHost_notECR() {
	_, err := ecrauth.ParseHost("registry.example.com")
	fmt.Println(err)
	// Output:
	// "registry.example.com" is not an ECR registry host (want ACCOUNT.dkr.ecr.REGION.amazonaws.com or a variant)
}

func ExampleHostFor() {
	host, err := ecrauth.HostFor("111122223333", "eu-central-1")
	fmt.Println(host, err)
	// Output:
	// 111122223333.dkr.ecr.eu-central-1.amazonaws.com <nil>
}
