// Package jobs runs Standing's durable background work: deadlines that fire by themselves and
// deliveries of notices and events. The work lives in the database, written in the same
// transaction as the change that caused it, so it survives restarts; every node may run it,
// since each deadline and delivery is claimed before it is acted on.
package jobs

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/standing-org/standing/internal/enforce"
)

// Runner polls for due work.
type Runner struct {
	Svc      *enforce.Service
	Log      *slog.Logger
	Interval time.Duration // how often to look for due work; the most a deadline fires late
	Batch    int           // how many due items to take per look
	Deliver  *Deliverer    // nil: deliveries are left for another node
	// Fired counts the deadlines this runner fired, for metrics.
	Fired atomic.Int64
}

// Run works until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.Interval)
	defer t.Stop()
	for {
		for r.Tick(ctx) == r.Batch && ctx.Err() == nil {
			// a full batch: more may be due at once
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick fires the deadlines due now and attempts the deliveries due now, and returns how many
// items it dealt with.
func (r *Runner) Tick(ctx context.Context) int {
	n := r.fireDeadlines(ctx)
	if r.Deliver != nil {
		n = max(n, r.Deliver.Tick(ctx, r.Batch))
	}
	return n
}

func (r *Runner) fireDeadlines(ctx context.Context) int {
	due, err := r.Svc.Store.DueDeadlines(ctx, r.Svc.Now().UTC(), r.Batch)
	if err != nil {
		if ctx.Err() == nil {
			r.Log.Error("read due deadlines", "err", err)
		}
		return 0
	}
	done := 0
	for _, d := range due {
		fired, err := r.Svc.FireDeadline(ctx, d.ID)
		if err != nil {
			if ctx.Err() == nil {
				r.Log.Error("fire deadline", "deadline", d.ID, "kind", d.Kind, "err", err)
			}
			continue
		}
		done++
		if fired {
			r.Fired.Add(1)
			r.Log.Info("deadline fired", "deadline", d.ID, "kind", d.Kind, "account", d.AccountID,
				"late_ms", time.Since(d.DueAt).Milliseconds())
		}
	}
	return done
}
