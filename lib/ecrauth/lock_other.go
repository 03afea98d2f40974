//go:build !unix

package ecrauth

import "context"

// lockFile does nothing where flock is missing: entries are still written
// atomically, so concurrent runs may both log in but never corrupt a file.
func lockFile(context.Context, string) (func() error, error) {
	return func() error { return nil }, nil
}
