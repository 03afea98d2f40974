// Command docker-credential-godax is a Docker credential helper for
// Amazon ECR. Docker runs it for each registry host that credHelpers in
// its config.json maps to "godax":
//
//	{"credHelpers": {"111122223333.dkr.ecr.eu-west-1.amazonaws.com": "godax"}}
//
// get answers the user name and token, from a cache while the token is
// within half its life, else from godax-ecr-token (godax-ecr-public-token
// for public.ecr.aws), installed alongside;
// list names the hosts it holds tokens for; erase drops one; store is
// refused. It links the standard library only, so a cached get costs
// about what starting a hello-world program does.
//
// # Environment
//
// The settings of `mage ecrLogin` (ECR_REGISTRY, ECR_ACCOUNT, ECR_ROLE and
// its options, AWS_PROFILE, AWS_REGION, the AWS SDK's variables),
// ECR_NO_CACHE, ECR_CACHE_DIR and ECR_HELPER_CONFIG, a file of per-registry
// settings. See package [credhelper] and README.md.
package main

import (
	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/godax/godax/lib/ecrauth/credhelper"
)

func main() { credentials.Serve(credhelper.New(credhelper.Options{})) }
