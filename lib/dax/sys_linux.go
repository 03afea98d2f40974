package dax

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// newPipe returns a pipe whose ends the Go runtime does not poll. A polled
// pipe wakes the runtime's poller on every read and write by the programs
// it connects, which costs a CPU-hungry pipeline a good share of its
// throughput on a small machine.
func newPipe() (r, w *os.File, err error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	return os.NewFile(uintptr(p[0]), "|0"), os.NewFile(uintptr(p[1]), "|1"), nil
}

// copyFile copies f to w. When w is a file or pipe and f a regular file,
// the kernel copies the data (sendfile), with no trip through user space;
// the standard library would fall back to a 32 KiB read/write loop there.
func copyFile(w io.Writer, f *os.File) (int64, error) {
	dst, ok := w.(*os.File)
	if !ok {
		return io.Copy(w, f)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return io.Copy(w, f)
	}
	src, err := f.SyscallConn()
	if err != nil {
		return io.Copy(w, f)
	}
	out, err := dst.SyscallConn()
	if err != nil {
		return io.Copy(w, f)
	}
	var total int64
	for {
		var n int
		var serr error
		ctlErr := src.Control(func(sfd uintptr) {
			werr := out.Write(func(dfd uintptr) bool {
				n, serr = syscall.Sendfile(int(dfd), int(sfd), nil, 1<<30)
				return !errors.Is(serr, syscall.EAGAIN)
			})
			if serr == nil {
				serr = werr
			}
		})
		if ctlErr != nil {
			return total, ctlErr
		}
		if n > 0 {
			total += int64(n)
		}
		switch {
		case errors.Is(serr, syscall.EINVAL) || errors.Is(serr, syscall.ENOSYS):
			if total == 0 {
				return io.Copy(w, f) // the destination does not take sendfile
			}
			return total, os.NewSyscallError("sendfile", serr)
		case errors.Is(serr, syscall.EINTR):
			continue
		case serr != nil:
			return total, os.NewSyscallError("sendfile", serr)
		case n == 0:
			return total, nil
		}
	}
}
