// Command gen writes the generated parts of scripts/targets.go, magefile.go
// and README.md from
// the settings package: each target's "# Environment" help, and the
// README's variable tables. go generate runs it in scripts/settings.
//
//	go generate ./scripts/settings
//
// With -check it writes nothing and fails when a file is not up to date.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/godax/godax/scripts/settings"
)

func main() {
	root := flag.String("root", "../..", "the module root")
	check := flag.Bool("check", false, "fail when a file is not up to date, and write nothing")
	flag.Parse()
	stale := false
	for _, f := range []struct {
		name string
		gen  func([]byte) ([]byte, error)
	}{
		{settings.TargetsFile, func(b []byte) ([]byte, error) { return settings.Magefile(settings.TargetsFile, b) }},
		{settings.MagefileFile, func(b []byte) ([]byte, error) { return settings.Magefile(settings.MagefileFile, b) }},
		{"README.md", settings.Readme},
	} {
		path := filepath.Join(*root, f.name)
		old, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		gen, err := f.gen(old)
		if err != nil {
			fail(err)
		}
		if bytes.Equal(old, gen) {
			continue
		}
		stale = true
		if *check {
			fmt.Fprintf(os.Stderr, "%s is not up to date with scripts/settings: run go generate ./scripts/settings\n", path)
			continue
		}
		if err := writeFile(path, gen); err != nil {
			fail(err)
		}
	}
	if stale && *check {
		os.Exit(1)
	}
}

// writeFile replaces path with b atomically: a temporary file in the same
// folder, then a rename.
func writeFile(path string, b []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(fi.Mode())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name()) // best effort: the error returned is what matters
	}
	return err
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
