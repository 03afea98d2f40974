package scripts

import (
	"context"

	"github.com/godax/godax/scripts/internal/pipeline"
)

// run runs a target's step with the run's session, made from [Config]
// when this target is the run's top one, which then also stops the run
// on SIGINT, SIGTERM or SIGHUP: see [pipeline.RunTarget].
func run(ctx context.Context, step func(context.Context) error) error {
	return pipeline.RunTarget(ctx, Config, step)
}
