// Package atomicfile writes files so that a concurrent reader, or a reader
// after a crash, sees the old content or the new one, never a part:
//
//	err := atomicfile.WriteFile("state.json", data, 0o600)
//
// It uses the standard library only, so programs that must start fast
// (a credential helper) can link it.
package atomicfile
