package pipeline

import (
	"context"

	"github.com/godax/godax/lib/dax/signals"
	"github.com/godax/godax/scripts/settings"
)

// RunTarget runs a target's step with the run's session: the one ctx
// already carries when another target runs this one first, else a new
// one read from config and the environment. The target that makes the
// session is the run's top one, and it also stops the run on SIGINT,
// SIGTERM or SIGHUP ([signals.Context]): the signal cancels step's
// context, so commands are stopped with their process groups and defers
// run, and the target's error then carries 128 plus the signal's number,
// which Mage exits with. The targets it runs first (mg.CtxDeps) share its
// context, and so its handling.
func RunTarget(ctx context.Context, config settings.Config, step func(context.Context) error) (err error) {
	if SessionFrom(ctx) != nil {
		return step(ctx)
	}
	ctx, done := signals.Context(WithSession(ctx, NewSession(config)))
	defer func() {
		if v := recover(); v != nil {
			failed, ok := v.(error) // mg.CtxDeps panics with its targets' errors
			if !ok {
				_ = done(nil)
				panic(v)
			}
			err = failed
		}
		err = done(err)
	}()
	return step(ctx)
}
