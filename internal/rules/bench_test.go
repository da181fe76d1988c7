package rules

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/standing-org/standing/internal/domain"
)

// benchRules is the default pack plus feature-threshold rules up to 20 rules.
func benchRules(b *testing.B) []Rule {
	rs := DefaultRules()
	extra := []string{
		`features.logins_10m >= 10`,
		`features.messages_1h >= 100 && account.age_days < 3`,
		`features.proposals_24h >= 50`,
		`features.payout_changes_7d >= 3`,
		`features.events_1h > 500`,
		`features.distinct_ips_24h >= 10 && features.distinct_devices_24h >= 5`,
		`event.type == "payment" && event.data.?amount.orValue(0) > 5000`,
		`features.reviews_24h >= 20`,
		`features.contracts_7d >= 30 && account.identity_status != "verified"`,
		`features.payment_failures_24h >= 10`,
	}
	for i, e := range extra[:20-len(rs)] {
		rs = append(rs, Rule{Name: fmt.Sprintf("extra_%d", i), Version: 1, Expr: e, Outcome: Outcome{Score: 10}})
	}
	if len(rs) != 20 {
		b.Fatalf("%d rules", len(rs))
	}
	return rs
}

// benchFeatures feeds an account activity in five event series across the windows.
func benchFeatures() (*Store, *domain.ActivityEvent) {
	s := NewStore(StoreConfig{Standing: func(string) domain.Standing { return domain.Good }})
	start := t0.Add(-6 * 24 * time.Hour)
	i := 0
	for at := start; at.Before(t0); at = at.Add(7 * time.Minute) {
		typ := []string{"login", "message", "payment", "payout_method_change", "review"}[i%5]
		s.Observe(ev("acct", typ, at, "device_id", fmt.Sprint("d", i%3), "country", "DE", "ip", fmt.Sprint("ip", i%4),
			"counterpart", fmt.Sprint("c", i%40), "rating", 5.0, "payout_instrument", "p1"))
		i++
	}
	last := ev("acct", "message", t0, "counterpart", "c7", "device_id", "d1", "ip", "ip1",
		"text", "Hi! Thanks for the brief. I can start on Monday and deliver the first milestone within a week.")
	s.Observe(last)
	return s, last
}

// BenchmarkEvaluate: one event against 20 rules, features of an account with five active
// event series over every window. Reports rules evaluated per second (per core at -cpu 1),
// counting only the rules that ran: those that require another event type are skipped unrun,
// and the events/s figure shows what that saves.
func BenchmarkEvaluate(b *testing.B) {
	eng := NewEngine(nil, Limits{})
	if _, err := eng.Set(benchRules(b)); err != nil {
		b.Fatal(err)
	}
	s, last := benchFeatures()
	f := s.Snapshot("acct", t0)
	acct := &domain.Account{ID: "acct", Type: domain.Private, Country: "DE", Language: "de", Identity: domain.IdentityVerified,
		CreatedAt: t0.Add(-300 * 24 * time.Hour), Profile: map[string]string{"country": "DE", "title": "Go developer"}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := eng.Evaluate(ctx, last, acct, &f); err != nil {
			b.Fatal(err)
		}
	}
	ran := 0
	for _, c := range eng.Rules().Rules {
		if c.Types == nil || slices.Contains(c.Types, last.Type) {
			ran++
		}
	}
	b.ReportMetric(float64(ran*b.N)/b.Elapsed().Seconds(), "rules/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(ran), "rules-run")
}

// BenchmarkObserveSnapshot: feeding one event to the store and taking its subject's features.
func BenchmarkObserveSnapshot(b *testing.B) {
	s, last := benchFeatures()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.ObserveSnapshot(last)
	}
}

// BenchmarkRawCEL: one trivial compiled CEL program with a map activation, no cost tracking:
// the ceiling any rule evaluation is measured against.
func BenchmarkRawCEL(b *testing.B) {
	e, err := cel.NewEnv(cel.Variable("x", cel.IntType))
	if err != nil {
		b.Fatal(err)
	}
	a, iss := e.Compile(`x > 3`)
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := e.Program(a, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		b.Fatal(err)
	}
	act, _ := cel.NewActivation(map[string]any{"x": 5})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if out, _, err := prg.Eval(act); err != nil || out != cel.BoolType && out.Value() != true {
			b.Fatal(out, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
