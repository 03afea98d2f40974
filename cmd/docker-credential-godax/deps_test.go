package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPrograms_LinkOnlyWhatTheirPathNeeds keeps each program's start cheap:
// package init runs for everything linked, used or not. The helper serves
// a warm get, so it links no AWS SDK and no regexp package; the fetcher
// serves most cold gets, so it links no command runner, shell or jq, and
// no ECR Public client (its twin for public.ecr.aws does). Of lib/dax's
// module they may link envvar, atomicfile and signals alone, which use
// only the standard library.
func TestPrograms_LinkOnlyWhatTheirPathNeeds(t *testing.T) {
	t.Parallel()
	for pkg, banned := range map[string][]string{
		".": {"github.com/aws/", "github.com/godax/godax/lib/dax", "regexp"},
		"../godax-ecr-token": {"github.com/godax/godax/lib/dax", "mvdan.cc/sh/", "github.com/itchyny/gojq", "github.com/bitfield/script",
			"github.com/aws/aws-sdk-go-v2/service/ecrpublic"},
		"../godax-ecr-public-token": {"github.com/godax/godax/lib/dax", "mvdan.cc/sh/"},
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == "github.com/godax/godax/lib/dax/envvar" || dep == "github.com/godax/godax/lib/dax/atomicfile" || dep == "github.com/godax/godax/lib/dax/signals" {
				continue
			}
			for _, b := range banned {
				if dep == b || strings.HasPrefix(dep, strings.TrimSuffix(b, "/")+"/") {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}
