// Package privdir keeps private files (state, cached tokens, locks) only in
// folders no other user can change, as ssh does for ~/.ssh. A folder named
// by a setting is checked, never repaired: privdir does not chmod or chown a
// folder it did not create.
//
//	dir := privdir.Pick(os.Getenv("ECR_CACHE_DIR")) // /tmp becomes /tmp/godax-<uid>
//	if err := privdir.Make("ECR_CACHE_DIR", dir); err != nil {
//		return err // one line: the folder, its owner and mode, what is expected
//	}
//	data, err := privdir.ReadFile(filepath.Join(dir, "entry.json"))
//
// # The rule
//
// On Unix a folder is private when:
//
//   - it is a folder owned by the current (effective) user that group and
//     others cannot write (mode & 022 == 0);
//   - every folder its path passes through, links' targets included, is
//     owned by root or the current user and is not writable by group or
//     others, unless it is sticky (as /tmp is: there only an entry's owner
//     may rename or remove it);
//   - every link on its path is owned by root or the current user.
//
// A folder that is world-writable and sticky (such as /tmp) is shared:
// [Pick] turns it into godax-<uid> inside it, a folder of this user's own,
// which [Make] creates with mode 0700. Any other folder that breaks the rule
// is refused with an error naming the setting, the folder, the owner and
// mode found, and what was expected ([*UnsafeError]).
//
// Files in a private folder are opened with [OpenFile] or [ReadFile], which
// never follow a link and refuse a file that is not a regular file owned by
// the current user.
//
// On Windows, where files carry ACLs rather than an owner and mode, only
// the folder's existence is checked.
package privdir
