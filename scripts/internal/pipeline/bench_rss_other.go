//go:build !unix

package pipeline

import "os"

// maxRSSKiB returns 0: the peak memory of a child is not measured here.
func maxRSSKiB(*os.ProcessState) int64 { return 0 }
