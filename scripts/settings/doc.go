// Package settings is the one list of the environment variables godax's
// targets read, and of the targets themselves. The targets' `-h` help (the
// "# Environment" part of each doc comment in magefile.go) and the tables
// in README.md are generated from it, and a test checks them, so the three
// cannot drift apart.
//
// Adding a variable is one entry in [Vars], then `go generate ./scripts/settings`:
//
//	{Name: "DEPLOY_CONCURRENCY", Meaning: "how many targets deploy at once", Default: "`8`", Read: []string{"deploy"}},
//
// Adding a target is one entry in [Targets] (with its doc comment in
// magefile.go), then the same command.
package settings

//go:generate go run ./gen
