package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/godax/godax/lib/dax"
)

// release is testdata/release.ts in Go: it releases version, X.Y.Z, with a
// changelog entry of the commits since the last tag, a VERSION file, a
// commit, a tag and a push.
func release(ctx context.Context, sh *dax.Shell, version string) error {
	s := sh.NewScript(ctx)
	s.Require(regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(version), "usage: release X.Y.Z, not %q", version)
	s.Require(s.Text("git status --porcelain") == "", "the work tree has changes")
	last := s.Text("git describe --tags --abbrev=0")
	commits := s.Lines("git log --format=%%s %s..HEAD", last)
	entry := fmt.Sprintf("## v%s\n\n- %s\n\n", version, strings.Join(commits, "\n- "))
	s.WriteText("CHANGELOG.md", entry+s.ReadText("CHANGELOG.md"))
	s.WriteText("VERSION", version+"\n")
	s.Run("git commit -m %s VERSION CHANGELOG.md", "release v"+version)
	s.Run("git tag v%s", version)
	s.Run("git push origin HEAD v%s", version)
	s.Info("released v%s", version)
	return s.Err()
}
