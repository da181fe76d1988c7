package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/jobs"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/storetest"
)

// BenchmarkDeadlineBurst: b.N holds whose response deadlines (and their two reminders) are all
// due at one instant; the runner fires them, each response deadline escalating its hold to a
// closure notice, the heaviest effect a deadline has. It reports deadlines fired per second
// and the response deadlines' lateness: how long after falling due each fired.
func BenchmarkDeadlineBurst(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, engine)
			svc := enforce.New(st, policy.Default())
			applied := time.Now().Add(-15 * 24 * time.Hour).UTC()
			svc.Now = func() time.Time { return applied }
			for i := range b.N {
				id := fmt.Sprintf("fl-%d", i)
				if _, _, err := svc.PutAccount(ctx, "bench", domain.Account{ID: id, Type: domain.Private, Country: "PL", Language: "pl"}); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.ApplyMeasure(ctx, "bench", id, enforce.MeasureInput{Type: "hold", Violation: "misleading_profile",
					Reason: "Degree not confirmed"}); err != nil {
					b.Fatal(err)
				}
			}
			due := applied.Add(policy.Default().Violations["misleading_profile"].ResponseWindow)
			// The wall clock now runs from the instant the deadlines fell due.
			offset := time.Since(due)
			svc.Now = func() time.Time { return time.Now().Add(-offset) }
			r := &jobs.Runner{Svc: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Millisecond, Batch: 500}
			b.ResetTimer()
			start := time.Now()
			fired := 0
			for {
				n := r.Tick(ctx)
				if n == 0 {
					break
				}
				fired += n
			}
			elapsed := time.Since(start)
			b.StopTimer()
			var late []time.Duration
			for i := range b.N {
				ms, _ := st.AllMeasures(ctx, fmt.Sprintf("fl-%d", i))
				for _, m := range ms {
					if m.Type == domain.ClosurePending {
						late = append(late, m.StartsAt.Sub(due))
					}
				}
			}
			if len(late) != b.N {
				b.Fatalf("%d of %d deadlines fired", len(late), b.N)
			}
			slices.Sort(late)
			// Each hold has two reminders due before its deadline: they fire in the same burst.
			b.ReportMetric(float64(fired)/elapsed.Seconds(), "deadlines/s")
			b.ReportMetric(float64(late[len(late)/2].Microseconds())/1000, "late-p50-ms")
			b.ReportMetric(float64(late[len(late)*99/100].Microseconds())/1000, "late-p99-ms")
		})
	}
}

// BenchmarkDeadlineSteady: b.N response deadlines falling due one every 10 ms while the
// runner polls as it does in production (here every 100 ms). It reports how late they fire:
// at most one poll interval plus the work, never early.
func BenchmarkDeadlineSteady(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, engine)
			svc := enforce.New(st, policy.Default())
			window := policy.Default().Violations["misleading_profile"].ResponseWindow
			base := time.Now().Add(-window).UTC()
			const gap = 10 * time.Millisecond
			dues := make([]time.Time, b.N)
			for i := range b.N {
				at := base.Add(time.Duration(i) * gap)
				svc.Now = func() time.Time { return at }
				id := fmt.Sprintf("fl-%d", i)
				if _, _, err := svc.PutAccount(ctx, "bench", domain.Account{ID: id, Type: domain.Private, Country: "PL", Language: "pl"}); err != nil {
					b.Fatal(err)
				}
				res, err := svc.ApplyMeasure(ctx, "bench", id, enforce.MeasureInput{Type: "hold", Violation: "misleading_profile", Reason: "Degree not confirmed"})
				if err != nil {
					b.Fatal(err)
				}
				dues[i] = *res.Applied[0].DueAt
			}
			r := &jobs.Runner{Svc: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: 100 * time.Millisecond, Batch: 500}
			// The reminders fall due days before: fire them first, so only deadlines are timed.
			before := dues[0].Add(-time.Second)
			svc.Now = func() time.Time { return before }
			for r.Tick(ctx) > 0 {
			}
			// The first deadline falls due half a second from now, on the wall clock.
			offset := time.Until(dues[0]) - 500*time.Millisecond
			svc.Now = func() time.Time { return time.Now().Add(offset) }
			run, stop := context.WithCancel(ctx)
			b.ResetTimer()
			go r.Run(run)
			var late []time.Duration
			for i := 0; i < b.N; {
				ms, _ := st.AllMeasures(ctx, fmt.Sprintf("fl-%d", i))
				found := false
				for _, m := range ms {
					if m.Type == domain.ClosurePending {
						late, found = append(late, m.StartsAt.Sub(dues[i])), true
					}
				}
				if found {
					i++
				} else {
					time.Sleep(20 * time.Millisecond)
				}
			}
			stop()
			b.StopTimer()
			slices.Sort(late)
			if late[0] < 0 {
				b.Fatalf("a deadline fired %s early", -late[0])
			}
			b.ReportMetric(float64(late[len(late)/2].Microseconds())/1000, "late-p50-ms")
			b.ReportMetric(float64(late[len(late)*99/100].Microseconds())/1000, "late-p99-ms")
			b.ReportMetric(float64(late[len(late)-1].Microseconds())/1000, "late-max-ms")
		})
	}
}
