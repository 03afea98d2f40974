// Package daxtest tests scripts written with lib/dax without running the
// programs they call: a [Shell] answers each command with what the test
// expects it to print and the status it exits with.
//
//	func TestPush(t *testing.T) {
//		t.Parallel()
//		sh := daxtest.New(t)
//		sh.Expect("docker", "push", "reg/app:1").
//			Stdout("1: digest: sha256:abc size: 528\n")
//		sh.Expect("docker", "login", "-u", "AWS", "--password-stdin", "reg").
//			WantStdin("pw").Stderr("denied\n").Exit(1)
//		err := push(t.Context(), sh.Shell, "reg/app:1") // the code under test takes a *dax.Shell
//		...
//	}
//
// A command that no expectation matches fails the test, naming the
// closest expectation; an expectation that never ran fails it when the
// test ends. Commands started in the background ([dax.Command.Start]) and
// the stages of a pipeline (`a | b`) are matched like any other.
//
// # Transcripts
//
// [Shell.Golden] keeps a transcript of what ran, one program a line with
// its exit status and its secrets as ***, and compares it with a golden
// file under testdata when the test ends, showing the lines that differ.
//
// # Terminals
//
// [NewTerminal] gives a test a pseudo-terminal (on Linux): a Shell given
// its Tty as standard input and logger asks, draws progress and logs in
// colour as on a user's terminal, and the test types answers and waits
// for what the terminal shows.
//
// # Environment
//
// Run the tests with -update to write the golden files instead of
// comparing them:
//
//	go test ./pkg -run TestLogin -update
//
// The flag is registered by this package, so a test package that imports
// it must not define its own -update.
package daxtest
