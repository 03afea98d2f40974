// Package scripts is godax's Mage targets, for any repository to import
// in its magefile:
//
//	//go:build mage
//
//	package main
//
//	import (
//		//mage:import
//		"github.com/godax/godax/scripts"
//	)
//
//	func init() { scripts.Config.ImageRepository = "team/api" }
//
// Then mage -l lists ecrLogin, build, push, deploy, status and the
// sandbox namespace, and mage -h push lists the variables push reads.
// Every exported function is a target, with the targets it needs run
// first, and works when run alone.
//
// Settings come from the environment, and from [Config], which a magefile
// may set in init(); the environment wins. Defaults are relative to the
// repository the targets run in: the image is built from its top folder's
// Dockerfile, tagged with its git commit, and state is kept in its .godax
// folder, which ignores itself in git.
package scripts
