//go:build mage

// godax runs godax's targets in any repository: ecrLogin, build, push,
// deploy, status and the sandbox namespace. Run godax -h TARGET for the
// variables each reads.
package main

// go run mage.go install compiles this magefile into GOBIN as godax, so
// that godax push runs in a repository that is not a Go module, and runs
// at once where go run and mage relink on each call.

import (
	//mage:import
	_ "github.com/godax/godax/scripts"
)
