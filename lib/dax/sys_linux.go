package dax

import (
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
