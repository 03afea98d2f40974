//go:build ignore

// This file lets the targets in magefile.go run without installing mage:
//
//	go run mage.go <target>
//	go run mage.go -l
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
