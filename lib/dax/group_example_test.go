package dax_test

import (
	"fmt"
	"os"

	"github.com/godax/godax/lib/dax"
)

func ExampleGroup() {
	defer stderrToStdout()()
	end := dax.Group("Deploying %d targets", 2)
	dax.Info("api: rolled out")
	inner := dax.Group("worker")
	dax.Warn("slow to start")
	inner()
	end()
	dax.Info("all done")
	// Output:
	// ==> Deploying 2 targets
	//   info: api: rolled out
	//   ==> worker
	//     warn: slow to start
	// info: all done
}

func ExampleShell_Group() {
	sh, _ := dax.New(dax.WithLogger(os.Stdout))
	end := sh.Group("") // no title: only indents
	sh.Info("indented")
	end()
	end() // ends it once
	sh.Info("not indented")
	// Output:
	//   info: indented
	// info: not indented
}

func ExampleStripAnsi() {
	coloured := "\x1b[1;32mok\x1b[0m \x1b]8;;https://example.com\x07link\x1b]8;;\x07"
	fmt.Printf("%q\n", dax.StripAnsi(coloured))
	// Output: "ok link"
}
