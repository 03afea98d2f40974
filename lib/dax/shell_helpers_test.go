package dax_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/godax/godax/lib/dax"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a pipeline.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testShell returns a Shell whose stdout, stderr and logger are buffers,
// with no standard input.
func testShell(t *testing.T, opts ...dax.Option) (sh *dax.Shell, stdout, stderr, log *syncBuffer) {
	t.Helper()
	stdout, stderr, log = &syncBuffer{}, &syncBuffer{}, &syncBuffer{}
	opts = append([]dax.Option{dax.WithStdout(stdout), dax.WithStderr(stderr), dax.WithLogger(log), dax.WithStdin(nil)}, opts...)
	sh, err := dax.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return sh, stdout, stderr, log
}

func fmtSprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// cmpIgnoreErr compares CommandErrors without their wrapped error.
var cmpIgnoreErr = cmpopts.IgnoreFields(dax.CommandError{}, "Err")
