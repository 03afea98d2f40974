// Command backup is a backup script ported from testdata/backup.ts: run
// as `backup SRC DEST`, it writes SRC-YYYY-MM-DD.tar.gz and its checksum
// to DEST, and keeps the newest KEEP (7 unless set) backups there.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/godax/godax/lib/dax"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: backup SRC DEST")
		os.Exit(2)
	}
	keep, err := strconv.Atoi(os.Getenv("KEEP"))
	if os.Getenv("KEEP") == "" {
		keep, err = 7, nil
	}
	if err != nil || keep < 1 {
		fmt.Fprintf(os.Stderr, "backup: KEEP=%q is not a number of backups\n", os.Getenv("KEEP"))
		os.Exit(2)
	}
	sh, err := dax.New()
	if err == nil {
		err = backup(ctx, sh, os.Args[1], os.Args[2], keep, time.Now())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "backup:", err)
		os.Exit(1)
	}
}
