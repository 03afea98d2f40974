// Package credhelper is the standard-library side of
// docker-credential-godax, a Docker credential helper for ECR: Docker
// runs it with a server URL on stdin, and it answers the user name and
// token from its cache, or from a fetcher program on a miss.
//
//	credentials.Serve(credhelper.New(credhelper.Options{}))
//
// A warm get reads one small file and links no AWS SDK, so it starts as
// fast as a hello-world program; the SDK lives in the fetchers,
// godax-ecr-token, and godax-ecr-public-token for public.ecr.aws. On a
// miss on Unix the helper replaces itself with the fetcher
// (`godax-ecr-token get SERVERURL`, see [HandoffAction]), which
// serves the get with this package and answers Docker itself: one
// program start, not two. Elsewhere the helper runs it with a [Request]
// on its stdin and reads a [Response] on its stdout ([RunFetcher]). The
// token never appears in an argument, an environment variable or
// Docker's config.
//
// # Settings
//
// Each registry's settings ([Registry]) come from the config file (see
// [ConfigPath]) when it names the host; otherwise from the environment,
// the same variables as ecrLogin's: ECR_REGISTRY (an alias of the ECR
// host, such as a pull-through proxy or the sandbox's registry),
// ECR_ACCOUNT, ECR_ROLE, ECR_ROLE_SESSION_NAME, ECR_ROLE_EXTERNAL_ID,
// ECR_ROLE_DURATION, AWS_PROFILE, AWS_REGION, and the AWS SDK's own.
// A host that is neither in the file, nor ECR_REGISTRY, nor an ECR host
// ([ParseECRHost], the one check of ECR hosts that the fetchers and the
// login share) is not found: no token is fetched, cached or listed for
// it, and Docker goes on without credentials. An ECR host's token is
// asked in its own region and account, whatever the settings say.
//
// # The cache
//
// Tokens are cached under [tokencache.DefaultDir]'s helper folder, one
// file per registry and principal, mode 0600, written atomically and
// synced. A token is reused until half its life and never after it
// expires. ECR_NO_CACHE=1 makes every get fetch a new token.
package credhelper
