// Package state locates the folder where godax keeps its local state (the
// sandbox and the record of the last push), so that scripts and
// scripts/sandbox agree on it without importing each other:
//
//	dir, err := state.Dir() // $GODAX_STATE_DIR, or <module root>/.godax
package state
