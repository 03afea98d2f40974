package privdir_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/godax/godax/lib/privdir"
)

func ExampleMake() {
	base, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(base)
	dir := privdir.Pick(filepath.Join(base, "cache")) // missing: kept as named
	if err := privdir.Make("EXAMPLE_CACHE_DIR", dir); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(filepath.Base(dir), privdir.Check("EXAMPLE_CACHE_DIR", dir))
	// Output:
	// cache <nil>
}
