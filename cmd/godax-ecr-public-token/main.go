// Command godax-ecr-public-token gets ECR Public's authorization tokens
// (public.ecr.aws) for docker-credential-godax, which hands a get for
// that host over to it on a cache miss. It is godax-ecr-token's twin with
// the ECR Public client, kept apart so that the fetcher of private
// registries' tokens does not pay this client's package init.
//
// It is run as godax-ecr-token is: `godax-ecr-public-token get SERVERURL`
// serves the get in the protocol's form, and with no arguments it answers
// a credhelper.Request on stdin with a credhelper.Response on stdout.
package main

import (
	"github.com/godax/godax/lib/ecrauth/credhelper"
	"github.com/godax/godax/lib/ecrauth/ecrtoken/publictoken"
)

func main() { credhelper.ServeFetcher(publictoken.Fetch) }
