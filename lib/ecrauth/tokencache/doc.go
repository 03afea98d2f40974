// Package tokencache keeps ECR logins on disk, one small JSON file per
// [Key], so that a repeated login within a token's life does no network
// work:
//
//	c := tokencache.Cache{Dir: dir}
//	if e, ok := c.Get(key); ok && e.Fresh(time.Now()) {
//		return e // served without any AWS call
//	}
//
// It uses the standard library (and a file lock) only, and compiles
// nothing at init, so a credential helper's warm path can link it and
// still start as fast as a hello-world program.
//
// # What an entry holds
//
// An [Entry] records where, as whom and until when. A login made through
// the container CLI keeps only a digest of the credential it logged in
// with ([Digest]), so a caller can tell whether the CLI's config still
// holds that credential; a credential helper, which hands out the token
// itself, also keeps the token. Files are written atomically and synced
// ([atomicfile.WriteFile]) with mode 0600, in a folder made with mode
// 0700. The folder must be private to the user ([privdir]): in one another
// user could change, nothing is read or written, and an existing folder is
// never chmodded. Entries and locks are never opened through a link.
//
// An entry is used until half the token's life ([Entry.Fresh]), as
// amazon-ecr-credential-helper does; a token past its expiry
// ([Entry.Expired]) is never used again.
package tokencache
