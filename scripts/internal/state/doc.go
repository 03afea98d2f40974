// Package state locates the folder where godax keeps its local state for
// a repository (the sandbox and the record of the last push), so that the
// targets and the sandbox agree on it without importing each other:
//
//	dir, err := state.Dir(os.Getenv) // $GODAX_STATE_DIR, or <repository>/.godax
//	err = state.Ensure(dir)          // made, and ignoring itself in git
package state
