// Command ecrlogin is the seed script of dax's Script, ported from
// testdata/login.ts: it assumes the role ROLE_ARN, gets an ECR token and
// logs docker in with it. The AWS calls are stand-ins (aws.go), so it
// runs without AWS; docker is the real one.
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
	sh, err := dax.New()
	if err == nil {
		err = login(ctx, sh, os.Getenv("ROLE_ARN"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ecrlogin:", err)
		os.Exit(1)
	}
}
