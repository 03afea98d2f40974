package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/godax/godax/lib/dax"
	"github.com/godax/godax/scripts/internal/state"
)

// TargetsBinary is the name Install gives the compiled targets.
const TargetsBinary = "godax"

// targetsDir holds the magefile of the installed targets: package
// scripts's, for any repository, without godax's own.
const targetsDir = "cmd/godax"

// Install compiles the targets any repository uses (those of package
// scripts, from cmd/godax's magefile) into GOBIN as godax (godax.exe on
// Windows), so that `godax push` runs them at once in any repository,
// without relinking as `go run mage.go` and mage do on every call. It also installs every program under
// cmd/, when there is one, built without cgo ([withCmdBuildEnv]).
//
// # Environment
//
// GOBIN is where the binaries go; default `go env GOBIN`, else the bin
// folder of `go env GOPATH`.
func Install(ctx context.Context) error {
	root, err := state.ModuleRoot()
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	gobin, err := goBin(ctx, root)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	exe := filepath.Join(gobin, TargetsBinary)
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	dax.Step("install: compiling the targets to %s", exe)
	if err := dax.Cmd("go run mage.go -d %s -compile %s", targetsDir, exe).Dir(root).Timeout(15 * time.Minute).PrintCommand().Run(ctx); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if pkgs := cmdPackages(root); pkgs != "" {
		dax.Step("install: installing %s", pkgs)
		err := withCmdBuildEnv(dax.Cmd("go install %s", pkgs)).Dir(root).Env("GOBIN", gobin).Timeout(15 * time.Minute).PrintCommand().Run(ctx)
		if err != nil {
			return fmt.Errorf("install: %w", err)
		}
	}
	dax.Info("install: done; run %s -l to list the targets", exe)
	return nil
}

// goBin is where go install puts binaries: GOBIN, else GOPATH's bin.
func goBin(ctx context.Context, root string) (string, error) {
	go_ := func(name string) (string, error) {
		return dax.Cmd("go env %s", name).Dir(root).Quiet().Timeout(time.Minute).Text(ctx)
	}
	if dir, err := go_("GOBIN"); err != nil || dir != "" {
		return dir, err
	}
	gopath, err := go_("GOPATH")
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "bin"), nil
}

// cmdPackages is the pattern of the programs under root's cmd folder,
// "./cmd/...", or "" when there is no such folder.
func cmdPackages(root string) string {
	if fi, err := os.Stat(filepath.Join(root, "cmd")); err != nil || !fi.IsDir() {
		return ""
	}
	return "./cmd/..."
}

// withCmdBuildEnv sets how the programs under cmd/ are built, by [Install]
// and by the bench that measures them: without cgo. They are then linked
// statically and start without the dynamic loader and the C library, a
// cost Docker's credential helper pays on every get (about 3 ms of a
// 35 ms cold get here).
func withCmdBuildEnv(c dax.Command) dax.Command { return c.Env("CGO_ENABLED", "0") }
