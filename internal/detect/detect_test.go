package detect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/rules"
	"github.com/standing-org/standing/internal/store"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func ev(id, typ, subject string, at time.Time, data map[string]any) *domain.ActivityEvent {
	raw, _ := json.Marshal(data)
	return &domain.ActivityEvent{ID: id, Source: "test", Type: typ, Subject: subject, Time: at, Data: raw, Fields: data}
}

func setup(t *testing.T, st *sqlstore.DB) (*enforce.Service, *detect.Detector) {
	svc := enforce.New(st, policy.Default())
	svc.Now = func() time.Time { return t0.Add(time.Hour) }
	eng := rules.NewEngine(svc.Policy, rules.Limits{})
	if _, err := eng.Set(rules.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	return svc, detect.New(svc, eng, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func put(t *testing.T, svc *enforce.Service, id string) {
	t.Helper()
	if _, _, err := svc.PutAccount(context.Background(), "apikey:marketplace", domain.Account{ID: id, Type: domain.Private,
		Country: "DE", Language: "de", Identity: domain.IdentityVerified}); err != nil {
		t.Fatal(err)
	}
}

// TestRulesActThroughThePolicy: a rule the policy lets act applies its ladder's measure; a rule
// that may only flag opens a case for review; a shadow rule only records; a rule acts once per
// cooldown however often it matches.
func TestRulesActThroughThePolicy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, det := setup(t, st)
		for _, id := range []string{"fl-pay", "fl-ato", "fl-chat"} {
			put(t, svc, id)
		}
		det.Process(ctx, []*domain.ActivityEvent{
			ev("m1", "message", "fl-pay", t0, map[string]any{"counterpart": "cl-1", "text": "Let's skip the fees, pay me directly via PayPal"}),
			ev("m2", "message", "fl-pay", t0.Add(time.Minute), map[string]any{"counterpart": "cl-1", "text": "PayPal is fine, or Zelle"}),
			ev("l1", "login", "fl-ato", t0, map[string]any{"country": "DE", "device_id": "d-home", "ip": "198.51.100.4"}),
			ev("l2", "login", "fl-ato", t0.Add(20*time.Hour), map[string]any{"country": "BR", "device_id": "d-new", "ip": "203.0.113.50"}),
			ev("p1", "payout_method_change", "fl-ato", t0.Add(20*time.Hour+5*time.Minute), map[string]any{"payout_instrument": "pi-77"}),
			ev("c1", "message", "fl-chat", t0, map[string]any{"counterpart": "cl-2", "text": "write me at lena@example.org"}),
			ev("x1", "message", "fl-unknown", t0, map[string]any{"counterpart": "cl-2", "text": "pay outside the platform please"}),
		})

		v, _ := svc.Standing(ctx, "fl-pay")
		if v.Standing != domain.Warned || v.Strikes != 1 {
			t.Fatalf("off-platform payment: want one warning by the rule, got %s with %d strikes", v.Standing, v.Strikes)
		}
		if m := v.Measures[0]; !m.Automated || m.CreatedBy != "rule:off_platform_payment" {
			t.Fatalf("the measure must say a rule decided it: %+v", m)
		}
		cs, _ := st.Cases(ctx, "fl-ato")
		if len(cs) != 1 || cs[0].Violation != "fraud" || !cs[0].Automated {
			t.Fatalf("account takeover: want one automated fraud case for review, got %+v", cs)
		}
		if v, _ := svc.Standing(ctx, "fl-ato"); v.Standing != domain.Good {
			t.Fatalf("fraud is review-only in the policy: no measure without a person, got %s", v.Standing)
		}
		full, _ := svc.Case(ctx, cs[0].ID)
		var hit domain.RuleHit
		json.Unmarshal(full.Evidence[0].Data, &hit)
		if hit.Rule != "account_takeover" || hit.Version != 1 || hit.Features["payout_changes_24h"] == nil {
			t.Fatalf("the evidence must record the rule, its version and the features it saw: %+v", hit)
		}
		if cs, _ := st.Cases(ctx, "fl-chat"); len(cs) != 0 {
			t.Fatalf("a shadow rule opened a case: %+v", cs)
		}
		hits, _ := st.RuleHits(ctx, "contact_info_shared", "", 10)
		if len(hits) != 1 || !hits[0].Shadow {
			t.Fatalf("the shadow rule's hit must be recorded as shadow: %+v", hits)
		}
		if hits, _ := st.RuleHits(ctx, "off_platform_payment", "", 10); len(hits) != 3 {
			t.Fatalf("every hit is recorded, acted on or not: %d", len(hits))
		}
	})
}

// TestBacktestScoresRules replays stored events and scores the rules against known outcomes.
func TestBacktestScoresRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, det := setup(t, st)
		var evs []*domain.ActivityEvent
		for i := range 10 {
			id := fmt.Sprintf("fl-%d", i)
			put(t, svc, id)
			text := "The draft is attached, happy to adjust."
			if i < 3 || i == 9 { // three cheats, and one honest account quoting the rule back
				text = "Pay me directly on Wise to save the fee"
			}
			evs = append(evs, ev(fmt.Sprintf("m%d", i), "message", id, t0.Add(time.Duration(i)*time.Minute), map[string]any{"counterpart": "cl-1", "text": text}))
		}
		bt := detect.NewBacktest(det.Rules, func(string) *domain.Account { return nil }, func(string) domain.Standing { return domain.Good })
		for _, e := range evs {
			bt.Feed(ctx, e)
		}
		labels := detect.Labels{"off_platform_payment": {"fl-0": true, "fl-1": true, "fl-2": true, "fl-5": true}}
		rr, pr := bt.Report(labels)
		var r detect.RuleReport
		for _, x := range rr {
			if x.Rule == "off_platform_payment" {
				r = x
			}
		}
		if r.Accounts != 4 || r.Precision != 0.75 || r.Recall != 0.75 {
			t.Fatalf("want 4 accounts flagged, precision 3/4 and recall 3/4: %+v", r)
		}
		if len(pr) != 1 || pr[0].Known != 4 || pr[0].Flagged != 4 {
			t.Fatalf("pack report: %+v", pr)
		}
	})
}

// TestWarmRunsWhatDetectionMissed: after a crash, events committed after detection last
// recorded its progress go through the rules at start; hits already on record are not acted
// on again.
func TestWarmRunsWhatDetectionMissed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, det := setup(t, st)
		for _, id := range []string{"fl-a", "fl-b", "fl-c"} {
			put(t, svc, id)
		}
		msg := func(id, subject string, at time.Time) *domain.ActivityEvent {
			e := ev(id, "message", subject, at, map[string]any{"counterpart": "cl-1", "text": "pay me directly on PayPal"})
			e.ReceivedAt = at
			return e
		}
		commit := func(evs ...*domain.ActivityEvent) {
			if err := st.Tx(ctx, func(tx store.Tx) error { _, err := tx.InsertActivity(ctx, evs, evs[0].ReceivedAt); return err }); err != nil {
				t.Fatal(err)
			}
		}
		a, b, c := msg("a1", "fl-a", t0), msg("b1", "fl-b", t0.Add(time.Second)), msg("c1", "fl-c", t0.Add(2*time.Second))
		commit(a)
		det.Process(ctx, []*domain.ActivityEvent{a})
		if err := svc.RecordDetectedUntil(ctx, a.ReceivedAt); err != nil {
			t.Fatal(err)
		}
		commit(b)
		det.Process(ctx, []*domain.ActivityEvent{b}) // acted on, but the crash came before its progress was recorded
		commit(c)                                    // committed, never seen by the rules

		_, fresh := setup(t, st)
		n, replayed, err := fresh.Warm(ctx, t0.Add(-time.Hour))
		if err != nil || n != 3 || replayed != 2 {
			t.Fatalf("warm read %d events and replayed %d (err %v); want 3 and 2", n, replayed, err)
		}
		for id, want := range map[string]int{"fl-a": 1, "fl-b": 1, "fl-c": 1} {
			v, _ := svc.Standing(ctx, id)
			if v.Strikes != want {
				t.Fatalf("%s has %d strikes after the restart; want %d (no event missed, none acted on twice)", id, v.Strikes, want)
			}
		}
		if until, _ := st.DetectedUntil(ctx); !until.Equal(c.ReceivedAt) {
			t.Fatalf("detection progress %s, want %s", until, c.ReceivedAt)
		}
	})
}
