package dax

import (
	"io"
	"os"
)

func copyFile(w io.Writer, f *os.File) (int64, error) { return io.Copy(w, f) }
