// Package sandbox runs a local stand-in for AWS, so that godax's pipeline and
// tests exercise real programs without an AWS account:
//
//   - moto in server mode answers STS, ECR, ECS, Lambda and IAM;
//   - a distribution registry (docker-registry) with htpasswd auth stores the
//     pushed images, and only accepts the password moto's ECR token carries
//     for the sandbox account;
//   - a private dockerd, on its own unix socket and data folder, builds and
//     pushes them. The user's own Docker daemon and config are never touched.
//
// Everything listens on 127.0.0.1 ports picked when the sandbox first starts,
// and lives under <state folder>/sandbox (or GODAX_SANDBOX_DIR), so two state
// folders give two independent sandboxes. Typical use from Go:
//
//	st, err := sandbox.Up(ctx) // starts what is not running yet
//	if err != nil {
//		return err
//	}
//	cmd.Env = append(os.Environ(), st.Env()...)
//
// and from a shell:
//
//	go run mage.go sandbox:up
//	eval "$(go run mage.go sandbox:env)"
//	go run mage.go sandbox:down
//
// The state folder and its sandbox folder must be private to the user, as
// [github.com/godax/godax/lib/privdir] defines it: a folder another user
// could change is refused by name, never chmodded, and a shared folder such
// as /tmp gives a folder of the user's own inside it (/tmp/godax-<uid>).
// [Down] acts only on what it can prove the sandbox started, and keeps the
// record when a recorded process disagrees with it.
//
// The sandbox needs Linux, and root for dockerd. Integration tests start with
// [github.com/godax/godax/scripts/sandbox/sandboxtest.Require].
package sandbox
