// Package daxscript feeds a [dax.Command]'s output into a bitfield/script
// pipe, so that a script can filter it with script's line tools:
//
//	n, err := daxscript.Pipe(ctx, dax.Cmd("docker images")).Match("godax").CountLines()
//
// It is a module of its own, so that a program using only package dax
// links neither bitfield/script nor the jq interpreter it brings.
package daxscript
