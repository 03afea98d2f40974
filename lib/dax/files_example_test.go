package dax_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/godax/godax/lib/dax"
)

// exampleShell returns a Shell working in a new temporary folder, and a
// function removing it.
func exampleShell() (*dax.Shell, func()) {
	dir, err := os.MkdirTemp("", "dax-example")
	if err != nil {
		panic(err)
	}
	sh, err := dax.New(dax.WithDir(dir))
	if err != nil {
		panic(err)
	}
	return sh, func() { os.RemoveAll(dir) }
}

func ExampleShell_Dir() {
	sh, _ := dax.New(dax.WithDir("/"))
	fmt.Println(sh.Dir())
	_ = sh.Cd("tmp")
	fmt.Println(sh.Dir())
	// Output:
	// /
	// /tmp
}

func ExampleShell_Path() {
	sh, _ := dax.New(dax.WithDir("/tmp"))
	fmt.Println(sh.Path("build/out.txt"))
	fmt.Println(sh.Path("/etc/hosts"))
	// Output:
	// /tmp/build/out.txt
	// /etc/hosts
}

func ExampleShell_WriteText() {
	sh, done := exampleShell()
	defer done()
	_ = sh.Mkdir("build")
	_ = sh.Cd("build")
	// Relative to the Shell's directory, which follows Cd.
	if err := sh.WriteText("VERSION", "1.2.0\n"); err != nil {
		fmt.Println(err)
	}
	out, _ := sh.Cmd("cat VERSION").Text(context.Background())
	fmt.Println(out)
	// Output: 1.2.0
}

func ExampleShell_ReadText() {
	sh, done := exampleShell()
	defer done()
	_ = sh.Cmd("echo 1.2.0 > VERSION").Run(context.Background())
	text, err := sh.ReadText("VERSION")
	fmt.Printf("%q %v\n", text, err)
	_, err = sh.ReadText("missing")
	fmt.Println(err != nil)
	// Output:
	// "1.2.0\n" <nil>
	// true
}

func ExampleShell_WriteJSON() {
	sh, done := exampleShell()
	defer done()
	_ = sh.WriteJSON("manifest.json", map[string]any{"name": "app", "tags": []string{"1.2", "latest"}})
	text, _ := sh.ReadText("manifest.json")
	fmt.Print(text)
	// Output:
	// {
	//   "name": "app",
	//   "tags": [
	//     "1.2",
	//     "latest"
	//   ]
	// }
}

func ExampleShell_ReadJSON() {
	sh, done := exampleShell()
	defer done()
	_ = sh.WriteText("package.json", `{"name": "app", "version": "1.2.0"}`)
	var pkg struct{ Version string }
	if err := sh.ReadJSON("package.json", &pkg); err != nil {
		fmt.Println(err)
	}
	fmt.Println(pkg.Version)
	// Output: 1.2.0
}

func ExampleShell_Exists() {
	sh, done := exampleShell()
	defer done()
	_ = sh.WriteText("go.mod", "module example\n")
	fmt.Println(sh.Exists("go.mod"), sh.Exists("package.json"))
	// Output: true false
}

func ExampleShell_Mkdir() {
	sh, done := exampleShell()
	defer done()
	_ = sh.Mkdir("dist/linux/amd64")
	fmt.Println(sh.Exists("dist/linux/amd64"))
	// Output: true
}

func ExampleShell_Copy() {
	sh, done := exampleShell()
	defer done()
	_ = sh.Mkdir("dist")
	_ = sh.WriteText("app.conf", "port=8080\n")
	_ = sh.Copy("app.conf", "dist") // into the folder, as cp does
	_ = sh.Copy("dist", "backup")   // a folder, with what it holds
	out, _ := sh.Cmd("cat backup/app.conf").Text(context.Background())
	fmt.Println(out)
	// Output: port=8080
}

func ExampleShell_Move() {
	sh, done := exampleShell()
	defer done()
	_ = sh.WriteText("app.tar.gz", "")
	_ = sh.Mkdir("releases")
	_ = sh.Move("app.tar.gz", "releases/app-1.2.0.tar.gz")
	fmt.Println(sh.Exists("app.tar.gz"), sh.Exists("releases/app-1.2.0.tar.gz"))
	// Output: false true
}

func ExampleShell_Remove() {
	sh, done := exampleShell()
	defer done()
	_ = sh.Mkdir("build/cache")
	fmt.Println(sh.Remove("build"), sh.Exists("build"))
	fmt.Println(sh.Remove("build")) // already gone: no error, as rm -rf
	// Output:
	// <nil> false
	// <nil>
}

func ExampleShell_Glob() {
	sh, done := exampleShell()
	defer done()
	_ = sh.Mkdir("cmd/tool")
	for _, f := range []string{"main.go", "main_test.go", "README.md", "cmd/tool/tool.go"} {
		_ = sh.WriteText(f, "")
	}
	matches, _ := sh.Glob("**/*.go")
	fmt.Println(matches)
	matches, _ = sh.Glob("*.{md,txt}")
	fmt.Println(matches)
	// Output:
	// [cmd/tool/tool.go main.go main_test.go]
	// [README.md]
}

// exampleDir returns a new temporary folder, and a function removing it,
// for the examples of the package-level helpers, which work in the
// process's directory.
func exampleDir() (string, func()) {
	dir, err := os.MkdirTemp("", "dax-example")
	if err != nil {
		panic(err)
	}
	return dir, func() { os.RemoveAll(dir) }
}

func ExampleWriteText() {
	dir, done := exampleDir()
	defer done()
	path := filepath.Join(dir, "VERSION")
	_ = dax.WriteText(path, "1.2.0\n")
	text, _ := dax.ReadText(path)
	fmt.Print(text)
	// Output: 1.2.0
}

func ExampleReadText() {
	_, err := dax.ReadText("/no/such/file")
	fmt.Println(err)
	// Output: open /no/such/file: no such file or directory
}

func ExampleWriteJSON() {
	dir, done := exampleDir()
	defer done()
	path := filepath.Join(dir, "v.json")
	_ = dax.WriteJSON(path, []int{1, 2})
	text, _ := dax.ReadText(path)
	fmt.Print(text)
	// Output:
	// [
	//   1,
	//   2
	// ]
}

func ExampleReadJSON() {
	dir, done := exampleDir()
	defer done()
	path := filepath.Join(dir, "v.json")
	_ = dax.WriteText(path, `{"version": "1.2.0"}`)
	var v struct{ Version string }
	_ = dax.ReadJSON(path, &v)
	fmt.Println(v.Version)
	// Output: 1.2.0
}

func ExampleExists() {
	fmt.Println(dax.Exists("/"), dax.Exists("/no/such/file"))
	// Output: true false
}

func ExampleMkdir() {
	dir, done := exampleDir()
	defer done()
	_ = dax.Mkdir(filepath.Join(dir, "a", "b"))
	fmt.Println(dax.Exists(filepath.Join(dir, "a", "b")))
	// Output: true
}

func ExampleCopy() {
	dir, done := exampleDir()
	defer done()
	_ = dax.WriteText(filepath.Join(dir, "a.txt"), "hello\n")
	_ = dax.Copy(filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"))
	text, _ := dax.ReadText(filepath.Join(dir, "b.txt"))
	fmt.Print(text)
	// Output: hello
}

func ExampleMove() {
	dir, done := exampleDir()
	defer done()
	_ = dax.WriteText(filepath.Join(dir, "a.txt"), "hello\n")
	_ = dax.Move(filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"))
	fmt.Println(dax.Exists(filepath.Join(dir, "a.txt")), dax.Exists(filepath.Join(dir, "b.txt")))
	// Output: false true
}

func ExampleRemove() {
	dir, done := exampleDir()
	defer done()
	_ = dax.Mkdir(filepath.Join(dir, "build", "cache"))
	_ = dax.Remove(filepath.Join(dir, "build"))
	fmt.Println(dax.Exists(filepath.Join(dir, "build")))
	fmt.Println(dax.Remove(""))
	// Output:
	// false
	// remove: empty path
}

func ExampleGlob() {
	dir, done := exampleDir()
	defer done()
	_ = dax.WriteText(filepath.Join(dir, "a.txt"), "")
	_ = dax.WriteText(filepath.Join(dir, "b.txt"), "")
	matches, _ := dax.Glob(filepath.Join(dir, "*.txt"))
	for _, m := range matches {
		fmt.Println(filepath.Base(m))
	}
	// Output:
	// a.txt
	// b.txt
}
