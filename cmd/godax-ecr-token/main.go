// Command godax-ecr-token gets the ECR authorization tokens of private
// registries for docker-credential-godax, which hands a get over to it on
// a cache miss. It is a program of its own so that the helper's cached
// path links no AWS SDK; it links the SDK's ECR client and package
// ecrtoken, and neither the command runner nor the ECR Public client
// (public.ecr.aws is godax-ecr-public-token's).
//
// Run as `godax-ecr-token get SERVERURL` (how the helper replaces itself
// with it on Unix), it serves that get as the helper would: it takes the
// cache lock, asks ECR for a token, caches it and prints the protocol's
// answer on stdout, or the protocol's one-line error with exit status 1.
//
// Run with no arguments (how the helper runs it where a process cannot
// replace itself), it reads a credhelper.Request as JSON on stdin, asks
// ECR for a token, and writes a credhelper.Response as JSON on stdout; on
// failure it writes one line to stderr and exits 1.
package main

import (
	"github.com/godax/godax/lib/ecrauth/credhelper"
	"github.com/godax/godax/lib/ecrauth/ecrtoken"
)

func main() { credhelper.ServeFetcher(ecrtoken.Fetch) }
