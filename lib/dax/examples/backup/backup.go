package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/godax/godax/lib/dax"
)

// backup is testdata/backup.ts in Go: it backs the folder src up to dest
// as a tarball named after src and the day today, with its checksum next
// to it, and keeps the newest keep backups.
func backup(ctx context.Context, sh *dax.Shell, src, dest string, keep int, today time.Time) error {
	s := sh.NewScript(ctx)
	name := fmt.Sprintf("%s-%s.tar.gz", filepath.Base(src), today.Format(time.DateOnly))
	s.Mkdir(dest)
	s.Run("tar -czf %s -C %s .", name, src)
	sum, _, _ := strings.Cut(s.Text("sha256sum %s", name), " ")
	s.WriteText(name+".sha256", sum+"  "+name+"\n")
	s.Move(name, dest)
	s.Move(name+".sha256", dest)
	all := s.Glob(filepath.Join(dest, "*.tar.gz"))
	for _, old := range all[:max(len(all)-keep, 0)] {
		s.Remove(old)
		s.Remove(old + ".sha256")
	}
	s.Info("backed up %s to %s", src, filepath.Join(dest, name))
	return s.Err()
}
