package daxtest_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/lib/dax/daxtest"
)

func TestTerminal_ShowsWhatAShellLogsAndGivesItWhatIsTyped(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("NO_COLOR", "") // for its restore: NO_COLOR counts when set at all
	if err := os.Unsetenv("NO_COLOR"); err != nil {
		t.Fatal(err)
	}
	term := daxtest.NewTerminal(t)
	sh := daxtest.New(t, dax.WithStdin(term.Tty), dax.WithLogger(term.Tty))
	sh.Warn("careful")
	at := term.WaitFor(t, 0, "warn: careful") // in colour: the escapes are left out
	if shown := term.Shown(); !strings.Contains(shown, "\x1b[") || at != len(strings.TrimRight(shown, "\r\n")) {
		t.Errorf("WaitFor = %d, want the end of %q, which is in colour", at, shown)
	}
	term.Type(t, "main\r")
	branch, err := sh.Cmd("read -r branch && echo $branch").Text(t.Context())
	if err != nil || branch != "main" {
		t.Errorf("read %q, %v from the terminal; want main", branch, err)
	}
	term.WaitFor(t, at, "main")
}

func ExampleNewTerminal() {
	t := &exampleT{} // in a test: the test's t
	defer t.end()
	term := daxtest.NewTerminal(t)
	sh := daxtest.New(t, dax.WithStdin(term.Tty), dax.WithLogger(term.Tty))
	term.Type(t, "main\r")
	branch, _ := sh.Cmd("read -r branch && echo $branch").Text(context.Background())
	sh.Info("deploying %s", branch)
	term.WaitFor(t, 0, "deploying main")
	fmt.Printf("%q\n", dax.StripAnsi(term.Shown())) // the terminal echoes what is typed
	// Output:
	// "main\r\ninfo: deploying main\r\n"
}
