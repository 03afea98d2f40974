package pipeline

import (
	"fmt"
	"slices"
	"strings"
)

// goPlatforms are the OS/ARCH pairs Go builds for, as `go tool dist list`
// prints them (Go 1.26; TestGoPlatforms_MatchGoToolDistList keeps them in
// step). Image platforms use the same names.
var goPlatforms = []string{
	"aix/ppc64", "android/386", "android/amd64", "android/arm", "android/arm64",
	"darwin/amd64", "darwin/arm64", "dragonfly/amd64", "freebsd/386", "freebsd/amd64",
	"freebsd/arm", "freebsd/arm64", "illumos/amd64", "ios/amd64", "ios/arm64", "js/wasm",
	"linux/386", "linux/amd64", "linux/arm", "linux/arm64", "linux/loong64", "linux/mips",
	"linux/mips64", "linux/mips64le", "linux/mipsle", "linux/ppc64", "linux/ppc64le",
	"linux/riscv64", "linux/s390x", "netbsd/386", "netbsd/amd64", "netbsd/arm", "netbsd/arm64",
	"openbsd/386", "openbsd/amd64", "openbsd/arm", "openbsd/arm64", "openbsd/ppc64",
	"openbsd/riscv64", "plan9/386", "plan9/amd64", "plan9/arm", "solaris/amd64",
	"wasip1/wasm", "windows/386", "windows/amd64", "windows/arm64",
}

// platformVariants are the variants an image platform may name for an
// architecture, and the Go setting each one compiles to ("" when Go has
// none to set).
var platformVariants = map[string]map[string]string{
	"arm":   {"v5": "GOARM=5", "v6": "GOARM=6", "v7": "GOARM=7", "v8": ""},
	"arm64": {"v8": "", "v9": ""},
	"amd64": {"v1": "GOAMD64=v1", "v2": "GOAMD64=v2", "v3": "GOAMD64=v3", "v4": "GOAMD64=v4"},
}

// platform is an image platform: OS/ARCH, optionally /VARIANT.
type platform struct {
	OS, Arch, Variant string
}

// parsePlatform checks s (IMAGE_PLATFORM) against the platforms Go knows,
// so a typo fails before any build rather than inside one.
func parsePlatform(s string) (platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") {
		return platform{}, fmt.Errorf("IMAGE_PLATFORM=%q: want OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64", s)
	}
	p := platform{OS: parts[0], Arch: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	if !slices.Contains(goPlatforms, p.OS+"/"+p.Arch) {
		var arches []string
		for _, gp := range goPlatforms {
			if os, arch, _ := strings.Cut(gp, "/"); os == p.OS {
				arches = append(arches, arch)
			}
		}
		if len(arches) == 0 {
			return p, fmt.Errorf("IMAGE_PLATFORM=%q: %q is not an operating system Go builds for (linux, windows, ...)", s, p.OS)
		}
		return p, fmt.Errorf("IMAGE_PLATFORM=%q: %s has no architecture %q; it has %s", s, p.OS, p.Arch, strings.Join(arches, ", "))
	}
	if p.Variant != "" {
		if _, ok := platformVariants[p.Arch][p.Variant]; !ok {
			return p, fmt.Errorf("IMAGE_PLATFORM=%q: %q is not a variant of %s", s, p.Variant, p.Arch)
		}
	}
	return p, nil
}
