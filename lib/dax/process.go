package dax

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Process is a command started by [Command.Start] and still running, or
// done but not yet waited for. Its methods are safe for concurrent use.
type Process struct {
	stdout io.Reader
	// claimed is set by Stdout: Wait then leaves the output to the caller.
	claimed atomic.Bool
	done    chan struct{}
	code    int
	err     error

	first     chan struct{} // closed when the first program has started
	firstOnce sync.Once
	firstPid  int

	mu      sync.Mutex
	cancel  context.CancelCauseFunc
	killed  bool
	running map[*os.Process]bool // program → started in its own group
}

// Start starts the command and returns at once, with the command running
// in the background until it ends, ctx is done or its [Command.Timeout]
// passes. Its standard output is read from [Process.Stdout] (with
// standard error too when the command is [Command.Combined]), unless the
// command is [Command.Quiet] or has a [Command.Stdout] writer.
// [Process.Wait] waits for it and returns what [Command.Run] would. Start
// fails only for a command that cannot be built (a bad format).
func (c Command) Start(ctx context.Context) (*Process, error) {
	if c.err != nil {
		return nil, fmt.Errorf("dax: %w", c.err)
	}
	if c.file == nil {
		return nil, errors.New("dax: empty Command; build one with Cmd")
	}
	p := &Process{done: make(chan struct{}), first: make(chan struct{}), code: -1, running: map[*os.Process]bool{}}
	o := sinkIO{proc: p}
	var pw *io.PipeWriter
	if c.quiet || c.stdout != nil {
		p.stdout = eofReader{}
	} else {
		var pr *io.PipeReader
		pr, pw = io.Pipe()
		p.stdout, o.out = pr, pw
	}
	go func() {
		defer close(p.done)
		p.code, p.err = c.run(ctx, o)
		if pw != nil {
			pw.CloseWithError(p.err) // nil: a clean end of output
		}
	}()
	return p, nil
}

// Stdout returns the command's standard output as a reader, which ends
// when the command does, with the command's error if it failed. Call it
// before [Process.Wait], and read it to its end: until it is read, the
// command is blocked writing, as with [os/exec.Cmd.StdoutPipe]. For a
// command with [Command.Quiet] or a [Command.Stdout] writer, it is empty.
func (p *Process) Stdout() io.Reader {
	p.claimed.Store(true)
	return p.stdout
}

// Wait waits for the command to end and returns its error, as
// [Command.Run] would: nil, or a [*CommandError]. When [Process.Stdout]
// was not called, Wait reads the output and drops it, so that a command
// nobody reads from can end.
func (p *Process) Wait() error {
	if !p.claimed.Load() {
		_, _ = io.Copy(io.Discard, p.stdout) // the command's error is Wait's
	}
	<-p.done
	return p.err
}

// ExitCode waits for the command to end, as [Process.Wait] does, and
// returns its exit status: 124 when it was stopped (timeout,
// cancellation, [Process.Kill]), 127 for a program that is not found,
// -1 when dax could not run it at all (see [CommandError.Code]).
func (p *Process) ExitCode() int {
	_ = p.Wait() // the status is what is asked for
	return p.code
}

// Pid waits until the command has started its first program, and returns
// that program's process id; 0 when the command ended without starting
// one (it ran only builtins).
func (p *Process) Pid() int {
	select {
	case <-p.first:
	case <-p.done:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.firstPid
}

// Signal sends sig to every program the command is running, and to what
// each started when it runs in its own process group (see [Command]).
// Builtins do not get signals. It fails when no program is running.
// Outside Unix only os.Kill can be sent.
func (p *Process) Signal(sig os.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.running) == 0 {
		return errors.New("dax: signal: the command is running no program")
	}
	var errs []error
	for proc, group := range p.running {
		if err := signalProgram(proc, group, sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			errs = append(errs, fmt.Errorf("signal %s to process %d: %w", sig, proc.Pid, err))
		}
	}
	return errors.Join(errs...)
}

// Kill stops the command at once: its programs (and their process
// groups) get SIGKILL and its builtins return. [Process.Wait] then returns
// a [*CommandError] with the code 124 whose Cancelled is true and which
// wraps [ErrKilled]. Kill does not wait for the command to end.
func (p *Process) Kill() {
	p.mu.Lock()
	p.killed = true
	cancel := p.cancel
	p.mu.Unlock()
	if cancel != nil {
		cancel(ErrKilled)
	}
}

// started records how to stop the command, once it runs.
func (p *Process) started(cancel context.CancelCauseFunc) {
	p.mu.Lock()
	p.cancel = cancel
	killed := p.killed
	p.mu.Unlock()
	if killed {
		cancel(ErrKilled)
	}
}

func (p *Process) isKilled() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killed
}

// add records a program that has started.
func (p *Process) add(proc *os.Process, group bool) {
	p.mu.Lock()
	p.running[proc] = group
	if p.firstPid == 0 {
		p.firstPid = proc.Pid
	}
	p.mu.Unlock()
	p.firstOnce.Do(func() { close(p.first) })
}

// remove forgets a program that has ended.
func (p *Process) remove(proc *os.Process) {
	p.mu.Lock()
	delete(p.running, proc)
	p.mu.Unlock()
}
