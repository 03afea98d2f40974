// Package gitrev names the commit checked out in a git work tree, as an
// image tag, without running any program the repository's own
// configuration names:
//
//	tag, err := gitrev.Tag(ctx, dir) // "3f2c1ab", or "3f2c1ab-dirty"
//
// A build context may be a repository someone else prepared (an unpacked
// archive, a shared checkout), and git runs commands its .git/config names
// even for `git status`: an fsmonitor hook, a post-index-change hook,
// clean filters. Tag turns those off (see [Tag]) and uses git's plumbing
// options that need no pager, external diff or lock.
package gitrev
