package deploy

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// readFresh is how long a read stays good for a later step of the same
// run: a service read in a batch for its Plan, and what Plan read for the
// Deploy that follows it. Past it (a confirmation prompt left open), the
// target reads again.
const readFresh = time.Minute

// fresh holds a value read at some time, for one later use within
// [readFresh].
type fresh[T any] struct {
	mu  sync.Mutex
	v   T
	at  time.Time
	set bool
}

// keep holds v, read now.
func (f *fresh[T]) keep(v T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.v, f.at, f.set = v, time.Now(), true
}

// take returns the value held, and forgets it; ok is false when there is
// none, or it is older than [readFresh].
func (f *fresh[T]) take() (v T, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok = f.v, f.set && time.Since(f.at) < readFresh
	var zero T
	f.v, f.set = zero, false
	return v, ok
}

// batchReader is a target that reads its state together with others of
// its kind: an [ECS] service with the other services of its cluster, ten a
// DescribeServices call.
type batchReader interface {
	Target
	// batchKey names the group of targets one call can read.
	batchKey() string
	// readBatch reads the targets of group, which share its batch key,
	// and keeps what it read for each one's next read.
	readBatch(ctx context.Context, group []Target)
}

var _ batchReader = (*ECS)(nil)

// readBatches has the targets that read in batches read theirs, each
// group at once, at most s.limit groups at a time, before they are
// planned or their status is read one by one.
func readBatches(ctx context.Context, s runSettings, targets []Target) {
	groups := map[string][]Target{}
	var order []string
	for _, t := range targets {
		if b, ok := t.(batchReader); ok {
			k := b.batchKey()
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], t)
		}
	}
	var g errgroup.Group
	g.SetLimit(s.limit)
	for _, k := range order {
		group := groups[k]
		if len(group) < 2 {
			continue
		}
		g.Go(func() error {
			group[0].(batchReader).readBatch(ctx, group)
			return nil
		})
	}
	_ = g.Wait() // the functions return nil; a failed batch leaves its targets to read alone
}
