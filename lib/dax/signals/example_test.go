package signals_test

import (
	"fmt"
	"os"
	"syscall"

	"github.com/godax/godax/lib/dax/signals"
)

func ExampleExitStatus() {
	for _, sig := range signals.Stop {
		fmt.Println(signals.Name(sig), signals.ExitStatus(sig))
	}
	// Output:
	// SIGINT 130
	// SIGTERM 143
	// SIGHUP 129
}

func ExampleName() {
	fmt.Println(signals.Name(syscall.SIGTERM), signals.Name(os.Kill))
	// Output: SIGTERM killed
}

func ExampleError() {
	err := &signals.Error{Signal: syscall.SIGHUP}
	fmt.Println(err, err.ExitStatus())
	// Output: stopped by SIGHUP 129
}
