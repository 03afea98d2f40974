//go:build mage

// The example service's targets: godax's, set up for this repository.
// Run them with: go run github.com/magefile/mage -l
package main

import (
	//mage:import
	"github.com/godax/godax/scripts"
)

func init() {
	scripts.Config.ImageRepository = "godax-example"
	scripts.Config.LambdaFunction = "godax-example"
}
