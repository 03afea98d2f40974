package dax_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/godax/godax/lib/dax"
)

// exampleScript returns a Script on a Shell working in a new temporary
// folder, logging to standard output, and a function removing the folder.
func exampleScript() (*dax.Script, func()) {
	dir, err := os.MkdirTemp("", "dax-example")
	if err != nil {
		panic(err)
	}
	sh, err := dax.New(dax.WithDir(dir), dax.WithLogger(os.Stdout))
	if err != nil {
		panic(err)
	}
	return sh.NewScript(context.Background()), func() { os.RemoveAll(dir) }
}

func ExampleScript() {
	s, done := exampleScript()
	defer done()
	s.WriteText("VERSION", "1.2.0\n")
	version := strings.TrimSpace(s.ReadText("VERSION"))
	s.Mkdir("dist")
	s.Run("tar -czf dist/app-%s.tar.gz VERSION", version)
	s.Run("test -f dist/app-%s.zip", version) // fails: the first error is kept
	s.Run("echo uploading")                   // does not run
	s.Info("released %s", version)            // is not logged
	fmt.Println(s.Err())
	// Output: test -f dist/app-1.2.0.zip: exit status 1
}

func ExampleNewScript() {
	s := dax.NewScript(context.Background())
	user := s.Text("echo %s", "ci")
	s.Run("echo hello %s", user)
	if err := s.Err(); err != nil {
		fmt.Println(err)
	}
	// Output: hello ci
}

func ExampleShell_NewScript() {
	sh, _ := dax.New(dax.WithDir("/"))
	s := sh.NewScript(context.Background())
	fmt.Println(s.Text("pwd"), s.Err())
	// Output: / <nil>
}

func ExampleScript_Err() {
	s := dax.NewScript(context.Background())
	s.Run("echo one")
	s.Run("echo two >&2; exit 2")
	s.Run("echo three") // does not run
	var cerr *dax.CommandError
	if errors.As(s.Err(), &cerr) {
		fmt.Println(cerr.Command, cerr.Code)
	}
	// Output:
	// one
	// echo two >&2; exit 2 2
}

func ExampleScript_Check() {
	s := dax.NewScript(context.Background())
	n, err := strconv.Atoi(s.Text("echo 12x"))
	s.Check(err)
	s.Run("echo %d", n) // does not run
	fmt.Println(s.Err())
	// Output: strconv.Atoi: parsing "12x": invalid syntax
}

func ExampleScript_Require() {
	s := dax.NewScript(context.Background())
	branch := s.Text("echo feature")
	s.Require(branch == "main", "releasing from %s, not main", branch)
	s.Run("echo pushing") // does not run
	fmt.Println(s.Err())
	// Output: releasing from feature, not main
}

func ExampleScript_Cmd() {
	s := dax.NewScript(context.Background())
	fmt.Println(s.TextOf(s.Cmd("echo $STAGE").Env("STAGE", "prod")))
	// Output: prod
}

func ExampleScript_Run() {
	s := dax.NewScript(context.Background())
	s.Run("echo %s", "it's quoted")
	fmt.Println(s.Err())
	// Output:
	// it's quoted
	// <nil>
}

func ExampleScript_Do() {
	s := dax.NewScript(context.Background())
	s.Do(s.Cmd("tr a-z A-Z").StdinString("from stdin\n"))
	s.Do(s.Cmd("exit 1").NoThrow()) // accepted: the script goes on
	s.Do(s.Cmd("echo still running"))
	// Output:
	// FROM STDIN
	// still running
}

func ExampleScript_Text() {
	s := dax.NewScript(context.Background())
	fmt.Printf("%q\n", s.Text("printf 'v1.2.0\\n\\n'"))
	// Output: "v1.2.0"
}

func ExampleScript_TextOf() {
	s := dax.NewScript(context.Background())
	fmt.Println(s.TextOf(s.Cmd("echo out; echo err >&2").Combined()))
	// Output:
	// out
	// err
}

func ExampleScript_Lines() {
	s := dax.NewScript(context.Background())
	for _, l := range s.Lines("printf '%%s\\n' a.go b.go") {
		fmt.Println("file:", l)
	}
	// Output:
	// file: a.go
	// file: b.go
}

func ExampleScript_LinesOf() {
	s := dax.NewScript(context.Background())
	fmt.Println(s.LinesOf(s.Cmd("sort").StdinString("b\na\n")))
	// Output: [a b]
}

func ExampleScript_JSON() {
	s := dax.NewScript(context.Background())
	var v struct{ Tag string }
	s.JSON(&v, "echo %s", `{"Tag": "v1.2.0"}`)
	fmt.Println(v.Tag)
	// Output: v1.2.0
}

func ExampleScript_JSONOf() {
	s := dax.NewScript(context.Background())
	var v []int
	s.JSONOf(s.Cmd("cat").StdinString("[1, 2]"), &v)
	fmt.Println(v, s.Err())
	// Output: [1 2] <nil>
}

func ExampleScript_Step() {
	s, done := exampleScript()
	defer done()
	s.Step("building")
	s.Run("false")
	s.Step("pushing") // not logged: the build failed
	// Output: ==> building
}

func ExampleScript_Info() {
	s, done := exampleScript()
	defer done()
	s.Info("version %s", "1.2.0")
	s.Run("false")
	s.Info("released") // not logged
	// Output: info: version 1.2.0
}

func ExampleScript_Cd() {
	s, done := exampleScript()
	defer done()
	s.Mkdir("web")
	s.Cd("web")
	s.WriteText("index.html", "<h1>hi</h1>\n")
	s.Cd("..")
	s.Run("cat web/index.html")
	// Output: <h1>hi</h1>
}

func ExampleScript_ReadText() {
	s, done := exampleScript()
	defer done()
	s.Run("echo 1.2.0 > VERSION")
	fmt.Printf("%q\n", s.ReadText("VERSION"))
	fmt.Printf("%q %v\n", s.ReadText("missing"), s.Err() != nil)
	// Output:
	// "1.2.0\n"
	// "" true
}

func ExampleScript_WriteText() {
	s, done := exampleScript()
	defer done()
	s.WriteText("VERSION", "1.2.0\n")
	s.Run("cat VERSION")
	// Output: 1.2.0
}

func ExampleScript_ReadJSON() {
	s, done := exampleScript()
	defer done()
	s.WriteText("package.json", `{"version": "1.2.0"}`)
	var pkg struct{ Version string }
	s.ReadJSON("package.json", &pkg)
	fmt.Println(pkg.Version)
	// Output: 1.2.0
}

func ExampleScript_WriteJSON() {
	s, done := exampleScript()
	defer done()
	s.WriteJSON("tags.json", []string{"1.2.0", "latest"})
	s.Run("cat tags.json")
	// Output:
	// [
	//   "1.2.0",
	//   "latest"
	// ]
}

func ExampleScript_Exists() {
	s, done := exampleScript()
	defer done()
	s.WriteText("go.mod", "module example\n")
	fmt.Println(s.Exists("go.mod"), s.Exists("package.json"))
	// Output: true false
}

func ExampleScript_Mkdir() {
	s, done := exampleScript()
	defer done()
	s.Mkdir("dist/linux")
	fmt.Println(s.Exists("dist/linux"))
	// Output: true
}

func ExampleScript_Copy() {
	s, done := exampleScript()
	defer done()
	s.WriteText("app.conf", "port=8080\n")
	s.Copy("app.conf", "app.conf.bak")
	s.Run("cat app.conf.bak")
	// Output: port=8080
}

func ExampleScript_Move() {
	s, done := exampleScript()
	defer done()
	s.WriteText("app.tar.gz", "")
	s.Mkdir("releases")
	s.Move("app.tar.gz", "releases")
	fmt.Println(s.Glob("releases/*"))
	// Output: [releases/app.tar.gz]
}

func ExampleScript_Remove() {
	s, done := exampleScript()
	defer done()
	s.Mkdir("build")
	s.Remove("build")
	fmt.Println(s.Exists("build"), s.Err())
	// Output: false <nil>
}

func ExampleScript_Glob() {
	s, done := exampleScript()
	defer done()
	for _, f := range []string{"app-2026-12-01.tar.gz", "app-2026-12-02.tar.gz", "notes.txt"} {
		s.WriteText(f, "")
	}
	fmt.Println(s.Glob("app-*.tar.gz"))
	// Output: [app-2026-12-01.tar.gz app-2026-12-02.tar.gz]
}
