// Package signals stops a program's work the same way whichever signal
// asks it to stop: SIGINT (Ctrl-C), SIGTERM (what timeout, docker stop,
// systemd and CI runners send) or SIGHUP (a closed terminal). The signal
// cancels a context, so the work's commands are stopped and its defers
// run, and the work's error then carries the signal's exit status, 128
// plus its number, as a shell reports it:
//
//	ctx, done := signals.Context(ctx)
//	err := deploy(ctx)  // commands stopped, temporary files removed, a report printed
//	return done(err)    // after SIGTERM: a *signals.Error, ExitStatus 143
//
// Mage exits with the ExitStatus of a target's error, so a target that
// returns done's error exits 130, 143 or 129. It imports only the
// standard library, so that the smallest program can use it.
package signals
