package daxscript

import (
	"context"
	"io"

	"github.com/bitfield/script"

	"github.com/godax/godax/lib/dax"
)

// Pipe runs cmd in the background and returns a bitfield/script pipe
// reading its standard output. cmd's error, if any, is the pipe's error
// ([script.Pipe.Error]) once its output has been read, and what the
// pipe's sinks return. Read the pipe to its end or cancel ctx: until
// then, cmd may be blocked writing.
func Pipe(ctx context.Context, cmd dax.Command) *script.Pipe {
	pr, pw := io.Pipe()
	p := script.NewPipe().WithReader(pr)
	go func() {
		err := cmd.Stdout(pw).Run(ctx)
		if err != nil {
			// The output has all been read (io.Pipe does not buffer), so
			// the error can be the pipe's before the reader sees EOF.
			p.SetError(err)
		}
		pw.CloseWithError(err)
	}()
	return p
}
