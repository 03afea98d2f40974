package signals

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Stop lists the signals [Context] handles: SIGINT, SIGTERM and SIGHUP.
var Stop = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// Context returns a copy of parent that is cancelled when the process
// receives one of [Stop]'s signals, with a [*Error] as its
// [context.Cause], and done, which ends the handling. While it lasts, a
// second signal does not end the process: it is already stopping, and its
// defers still have to run.
//
// done(err) stops listening, cancels the context, and returns err; or,
// when a signal came, a [*Error] that names it and wraps err (nil when
// the work finished anyway), whose ExitStatus is 128 plus the signal's
// number. done must be called, once, when the work returns: until then
// the signals do not end the process. It records the signal even when
// parent was cancelled first, as Mage cancels its targets' context on
// SIGINT.
func Context(parent context.Context) (ctx context.Context, done func(err error) error) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, Stop...)
	quit, finished := make(chan struct{}), make(chan struct{})
	var got os.Signal
	go func() {
		defer close(finished)
		select {
		case got = <-ch:
			cancel(&Error{Signal: got})
		case <-quit:
		}
	}()
	var once sync.Once
	return ctx, func(err error) error {
		once.Do(func() {
			signal.Stop(ch)
			close(quit)
			<-finished
			if got == nil {
				select {
				case got = <-ch: // came just before Stop
				default:
				}
			}
			cancel(context.Canceled)
		})
		if got == nil {
			return err
		}
		return &Error{Signal: got, Err: err}
	}
}

// Error is the error of work stopped by a signal.
type Error struct {
	// Signal is the signal that stopped the work.
	Signal os.Signal
	// Err is what the work returned once stopped; nil when it finished.
	Err error
}

// Error says which signal stopped the work, then what the work returned.
func (e *Error) Error() string {
	msg := "stopped by " + Name(e.Signal)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// ExitStatus returns 128 plus the signal's number, as a shell reports a
// program ended by it: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
// Mage exits with it.
func (e *Error) ExitStatus() int { return ExitStatus(e.Signal) }

// ExitStatus returns 128 plus sig's number, or 1 for a signal that has
// no number.
func ExitStatus(sig os.Signal) int {
	n, ok := sig.(syscall.Signal)
	if !ok {
		return 1
	}
	return 128 + int(n)
}

// Name returns sig's name as kill -l spells it with the SIG prefix
// (SIGTERM) for the signals of [Stop], and its description otherwise.
func Name(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}
