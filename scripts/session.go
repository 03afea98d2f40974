package scripts

import (
	"context"

	"github.com/godax/godax/scripts/internal/pipeline"
)

// session returns ctx carrying the run's session, and the session: the
// one ctx already carries when another target runs this one first, else
// a new one read from [Config] and the environment.
func session(ctx context.Context) (context.Context, *pipeline.Session) {
	if s := pipeline.SessionFrom(ctx); s != nil {
		return ctx, s
	}
	s := pipeline.NewSession(Config)
	return pipeline.WithSession(ctx, s), s
}
