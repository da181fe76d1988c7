package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// WriteFunc takes a batch of events, in time order (for instance: POST them to
// /api/v1/events, or hand them to the intake writer).
type WriteFunc func(context.Context, []*domain.ActivityEvent) error

// BackfillBatch is the size of the batches Backfill writes.
const BackfillBatch = 1000

// Backfill writes the history from the generator's clock (its start, for a new generator) up
// to until, as fast as write takes it; the clock ends at until and never passes it. For the
// demo: NewTraffic(seed, n, now.Add(-48*time.Hour)), then Backfill(ctx, t, now, write), then
// Run.
func Backfill(ctx context.Context, t *Traffic, until time.Time, write WriteFunc) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		evs := t.Until(until, BackfillBatch)
		if len(evs) == 0 {
			return nil
		}
		if err := write(ctx, evs); err != nil {
			return fmt.Errorf("demo: backfill: %w", err)
		}
		if len(evs) < BackfillBatch {
			return nil
		}
	}
}

// Run keeps the marketplace going live until ctx ends (then it returns nil): a few times a
// second it writes the events that have come due, so that events' times follow the wall clock
// and about rate events a second are written. The activity of each account is scaled to reach
// the rate; it stays believable while rate is near NaturalRate (about one event a second per
// 7,000 accounts) and grows busier above it. If the generator's clock is more than a minute
// behind the wall clock when Run starts, the schedule is moved forward rather than replayed
// as a burst. An error from write ends Run with that error.
func Run(ctx context.Context, t *Traffic, rate float64, write WriteFunc) error {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return fmt.Errorf("demo: the traffic rate must be a positive number of events a second, got %v", rate)
	}
	const tick = 250 * time.Millisecond
	now := time.Now()
	t.resume(now)
	if t.now < now.UnixMilli() {
		t.now = now.UnixMilli() // the clock follows the wall clock from here on
	}
	if nat := t.NaturalRate(); nat > 0 {
		t.setIntensity(t.intensity*rate/nat, t.now)
	}
	maxBatch := max(100, int(rate*tick.Seconds()*4))
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	windowStart, windowEvents := now, 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		now = time.Now()
		evs := t.Until(now, maxBatch)
		if len(evs) > 0 {
			if err := write(ctx, evs); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("demo: traffic: %w", err)
			}
		}
		windowEvents += len(evs)
		// Steer towards the rate: the natural rate is an estimate, and sessions cluster.
		if el := now.Sub(windowStart); el >= 20*time.Second {
			got := float64(windowEvents) / el.Seconds()
			if got < 0.85*rate || got > 1.15*rate {
				f := 1.5
				if got > 0 {
					f = min(1.5, max(0.67, rate/got))
				}
				t.setIntensity(t.intensity*f, now.UnixMilli())
			}
			windowStart, windowEvents = now, 0
		}
	}
}

// NaturalRate estimates how many events a second the generator produces at its clock's time
// of day and its current intensity (1 unless Run changed it), from its accounts' habits.
func (t *Traffic) NaturalRate() float64 {
	perSession := 3.5
	if t.stats.sessions > 100 {
		perSession = float64(t.stats.sessionEvents) / float64(t.stats.sessions)
	}
	sessions := 0.0
	hour := t.now / hourMs
	for i := range t.accts {
		if a := &t.accts[i]; a.active && (a.trait == honest || a.trait == evader || a.trait == exEmployee || a.trait == misleadingNew) {
			h := ((hour+int64(countries[a.country].tz))%24 + 24) % 24
			sessions += a.perDay * hourWeight[h] / hourMean
		}
	}
	return sessions * t.intensity * perSession / 86400
}

// setIntensity scales how often accounts start sessions (and patterns are injected): what is
// scheduled after pivot moves closer to it or further away.
func (t *Traffic) setIntensity(v float64, pivot int64) {
	v = min(max(v, 1e-3), 1e4)
	if v == t.intensity {
		return
	}
	pivot = max(pivot, t.now)
	f := t.intensity / v
	for i := range t.q {
		it := &t.q[i]
		if (it.kind == kSession || it.kind == kInject) && it.at > pivot {
			it.at = pivot + int64(float64(it.at-pivot)*f)
		}
	}
	t.q.init()
	t.intensity = v
}

// resume moves the schedule forward to now when the clock is more than a minute behind it.
func (t *Traffic) resume(now time.Time) {
	gap := now.UnixMilli() - t.now
	if gap <= minuteMs {
		return
	}
	for i := range t.q {
		t.q[i].at += gap
	}
	t.now += gap
}
