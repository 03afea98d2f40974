// Command release is a release script ported from testdata/release.ts:
// run in a git work tree as `release X.Y.Z`, it adds the commits since
// the last tag to CHANGELOG.md, writes VERSION, commits, tags and pushes.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/godax/godax/lib/dax"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: release X.Y.Z")
		os.Exit(2)
	}
	sh, err := dax.New()
	if err == nil {
		err = release(ctx, sh, os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}
