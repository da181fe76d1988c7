package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/demo"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

var allStandings = []domain.Standing{domain.Good, domain.Warned, domain.Restricted, domain.OnHold,
	domain.Suspended, domain.StandingClosePend, domain.Closed}

func TestSeed(t *testing.T) {
	end := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc := enforce.New(st, policy.Default())
		svc.Now = func() time.Time { return end }

		sum, err := demo.Seed(ctx, svc, end)
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		if sum.Accounts < 25 || sum.Cases < 10 {
			t.Errorf("summary: want about 30 accounts and a dozen cases or more, got %d accounts and %d cases", sum.Accounts, sum.Cases)
		}
		if !svc.Now().Equal(end) {
			t.Errorf("Seed changed the caller's clock")
		}

		// Every standing is present, and the summary says what the service says.
		seen := map[string]bool{}
		for _, s := range allStandings {
			ids := sum.ByStanding[s]
			if len(ids) == 0 {
				t.Errorf("no account in standing %s; summary: %v", s, sum.ByStanding)
			}
			for _, id := range ids {
				if seen[id] {
					t.Errorf("account %s is listed twice", id)
				}
				seen[id] = true
				v, err := svc.Standing(ctx, id)
				if err != nil {
					t.Fatalf("standing of %s: %v", id, err)
				}
				if v.Standing != s {
					t.Errorf("account %s: summary says %s, the service says %s", id, s, v.Standing)
				}
			}
		}
		if len(seen) != sum.Accounts {
			t.Errorf("summary lists %d accounts by standing, but says %d", len(seen), sum.Accounts)
		}
		if n := len(sum.ByStanding[domain.Good]); n*2 < sum.Accounts {
			t.Errorf("most accounts should be in good standing: %d of %d", n, sum.Accounts)
		}
		accounts, err := st.CountAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if accounts != int64(sum.Accounts) {
			t.Errorf("store holds %d accounts, summary says %d", accounts, sum.Accounts)
		}

		// The audit chain verifies, and it tells the story in order, within the weeks before end.
		head, err := st.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v := audit.NewVerifier(nil)
		var prev time.Time
		actions := map[string]int{}
		err = st.AuditRecords(ctx, 1, func(r audit.Record) error {
			v.Add(r)
			actions[r.Action]++
			if r.At.Before(prev) {
				t.Errorf("audit record %d at %s comes before its predecessor at %s", r.Seq, r.At, prev)
			}
			if r.At.After(end) || r.At.Before(end.AddDate(0, 0, -demo.Days-1)) {
				t.Errorf("audit record %d at %s is outside the story's weeks before %s", r.Seq, r.At, end)
			}
			prev = r.At
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Finish(head)
		if err != nil {
			t.Fatalf("audit chain: %v", err)
		}
		if res.Records != head.Seq || head.Seq == 0 {
			t.Errorf("verified %d records, head is %d", res.Records, head.Seq)
		}
		for _, a := range []string{"account.create", "account.update", "case.open", "case.evidence", "measure.apply",
			"measure.escalate", "measure.lift", "account.reinstate", "account.close", "closure.emergency_request"} {
			if actions[a] == 0 {
				t.Errorf("the story has no %s; actions: %v", a, actions)
			}
		}

		// Cases at every stage.
		statuses := map[domain.CaseStatus]int{}
		for _, id := range seenIDs(seen) {
			cs, err := st.Cases(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				statuses[c.Status]++
			}
		}
		for _, s := range []domain.CaseStatus{domain.CaseOpen, domain.CaseAwaitingHolder} {
			if statuses[s] == 0 {
				t.Errorf("no case %s; statuses: %v", s, statuses)
			}
		}

		// A second seed onto the same store is refused and writes nothing.
		if _, err := demo.Seed(ctx, svc, end); err == nil {
			t.Errorf("seeding a store that already holds the demo: want an error")
		}
		if h, _ := st.AuditHead(ctx); h != head {
			t.Errorf("refused seed wrote audit records: head %v, was %v", h, head)
		}
	})
}

// At midnight the last story day ends just before `end`: nothing may happen after it.
func TestSeedAtMidnight(t *testing.T) {
	end := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	st := storetest.Open(t, "sqlite")
	svc := enforce.New(st, policy.Default())
	svc.Now = func() time.Time { return end }
	sum, err := demo.Seed(context.Background(), svc, end)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	for _, s := range allStandings {
		if len(sum.ByStanding[s]) == 0 {
			t.Errorf("no account in standing %s; summary: %v", s, sum.ByStanding)
		}
	}
}

func seenIDs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}
