// Package scripts is godax's own pipeline: the configuration read from the
// environment, the steps behind each Mage target (ecrLogin, build, push,
// deploy, demo, test, bench) and the helpers they share. The reusable parts
// live in lib/; this package wires them to this project's settings.
//
// Every step reads its settings from the environment when it runs, so
//
//	eval "$(go run mage.go sandbox:env)"
//	go run mage.go push
//
// works the same as running it against real AWS with real credentials.
package scripts
