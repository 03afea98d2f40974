package dax_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"mvdan.cc/sh/v3/interp"

	"github.com/godax/godax/lib/dax"
)

func ExampleHandlerRun() {
	// A middleware that shows each program with its arguments, secrets
	// replaced, and the command it is part of.
	show := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			line := strings.Join(args, " ")
			if run, ok := dax.HandlerRun(ctx); ok {
				for _, s := range run.Secrets {
					line = strings.ReplaceAll(line, string(s), "***")
				}
				line += "    (part of: " + run.Command + ")"
			}
			fmt.Println(line)
			return next(ctx, args)
		}
	}
	sh, _ := dax.New(dax.WithExecHandlers(show), dax.WithStdout(os.Stdout))
	_ = sh.Cmd("echo %s | cat", dax.Secret("hunter2")).Quiet().Run(context.Background())
	// Unordered output:
	// echo ***    (part of: echo *** | cat)
	// cat    (part of: echo *** | cat)
}
