package storetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 123456000, time.UTC)

func account(id string) domain.Account {
	return domain.Account{ID: id, Type: domain.Business, Country: "DE", Language: "de", DisplayName: "Lena Vogel",
		Profile: map[string]string{"title": "Go developer"}, Identity: domain.IdentityVerified, TermsVersion: "2026-09",
		CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

func TestAccountsRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		a := account("fl-1")
		must(t, st.Tx(ctx, func(tx store.Tx) error { return tx.PutAccount(ctx, a) }))
		got, err := st.Account(ctx, "fl-1")
		must(t, err)
		if got.Country != "DE" || got.Profile["title"] != "Go developer" || !got.CreatedAt.Equal(t0) || got.Version != 1 {
			t.Fatalf("round trip changed the account: %+v", got)
		}
		a.Country, a.Version = "AT", 2
		must(t, st.Tx(ctx, func(tx store.Tx) error { return tx.PutAccount(ctx, a) }))
		got, _ = st.Account(ctx, "fl-1")
		if got.Country != "AT" || got.Version != 2 {
			t.Fatalf("update not kept: %+v", got)
		}
		if _, err := st.Account(ctx, "nobody"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("missing account: want ENOTFOUND, got %v", err)
		}
	})
}

func TestTxRollsBackEverything(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := st.Tx(ctx, func(tx store.Tx) error {
			must(t, tx.PutAccount(ctx, account("fl-2")))
			if _, err := tx.Append(ctx, audit.Entry{At: t0, Actor: "t", Action: "account.create", Subject: "fl-2"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want the function's error back, got %v", err)
		}
		if _, err := st.Account(ctx, "fl-2"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("the account survived a rolled-back transaction: %v", err)
		}
		head, err := st.AuditHead(ctx)
		must(t, err)
		if head.Seq != 0 {
			t.Fatalf("the audit record survived a rolled-back transaction: head %v", head)
		}
	})
}

func TestMeasuresDeadlinesNotices(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		end := t0.Add(time.Hour)
		due := t0.Add(48 * time.Hour)
		c := domain.Case{ID: "case_1", AccountID: "fl-3", Violation: "fraud", Source: domain.SourceDetection,
			Status: domain.CaseOpen, Summary: "payout velocity", OpenedBy: "rule:x", OpenedAt: t0, UpdatedAt: t0, Automated: true}
		ms := []domain.Measure{
			{ID: "m1", AccountID: "fl-3", CaseID: "case_1", Type: domain.Restriction, Violation: "fraud",
				Off: mustCaps(t, "payouts"), StartsAt: t0, EndsAt: &end, Reason: "r", CreatedBy: "op"},
			{ID: "m2", AccountID: "fl-3", CaseID: "case_1", Type: domain.Hold, Violation: "fraud",
				Off: mustCaps(t, "payouts", "proposals"), StartsAt: t0, DueAt: &due, Reason: "r", CreatedBy: "op", Automated: true},
			{ID: "m3", AccountID: "fl-3", CaseID: "case_1", Type: domain.Closure, Violation: "fraud", Off: domain.AllCaps,
				StartsAt: t0, Reason: "r", CreatedBy: "op", Emergency: &domain.Emergency{Ground: "g", RequestedBy: "a", ApprovedBy: "b"}},
		}
		must(t, st.Tx(ctx, func(tx store.Tx) error {
			must(t, tx.PutAccount(ctx, account("fl-3")))
			must(t, tx.InsertCase(ctx, c))
			must(t, tx.InsertEvidence(ctx, domain.Evidence{ID: "e1", CaseID: "case_1", Kind: domain.EvidenceRuleHit,
				Description: "3 payout changes", Data: json.RawMessage(`{"n":3}`), AddedBy: "rule:x", AddedAt: t0}))
			for _, m := range ms {
				must(t, tx.InsertMeasure(ctx, m))
			}
			must(t, tx.InsertDeadline(ctx, domain.Deadline{ID: "d1", Kind: domain.ResponseDue, AccountID: "fl-3", CaseID: "case_1",
				MeasureID: "m2", DueAt: due, Status: domain.DeadlinePending}))
			return tx.InsertNotice(ctx, domain.Notice{ID: "n1", AccountID: "fl-3", CaseID: "case_1", MeasureID: "m2",
				Kind: "measure_applied", Language: "de", CreatedAt: t0, Statement: domain.Statement{Measure: domain.Hold, Facts: "f"}})
		}))
		got, err := st.Measures(ctx, "fl-3", t0)
		must(t, err)
		if len(got) != 3 || got[1].Off != ms[1].Off || !got[1].DueAt.Equal(due) || !got[1].Automated || got[2].Emergency.ApprovedBy != "b" {
			t.Fatalf("measures did not round-trip: %+v", got)
		}
		if got, _ := st.Measures(ctx, "fl-3", end); len(got) != 2 {
			t.Fatalf("a measure that ended is still listed: %d", len(got))
		}
		lifted := ms[1]
		at := t0.Add(time.Minute)
		lifted.LiftedAt, lifted.LiftedBy, lifted.LiftReason = &at, "op", "fixed"
		must(t, st.Tx(ctx, func(tx store.Tx) error {
			must(t, tx.LiftMeasure(ctx, lifted))
			return tx.CancelDeadlines(ctx, []string{"m2"})
		}))
		if got, _ := st.Measures(ctx, "fl-3", t0); len(got) != 2 {
			t.Fatalf("a lifted measure is still listed: %d", len(got))
		}
		if all, _ := st.AllMeasures(ctx, "fl-3"); len(all) != 3 {
			t.Fatalf("history lost a measure: %d", len(all))
		}
		ds, _ := st.Deadlines(ctx, "m2")
		if len(ds) != 1 || ds[0].Status != domain.DeadlineCancelled {
			t.Fatalf("deadline not cancelled: %+v", ds)
		}
		cs, err := st.Case(ctx, "case_1")
		must(t, err)
		if len(cs.Evidence) != 1 || string(cs.Evidence[0].Data) != `{"n":3}` || !cs.Automated {
			t.Fatalf("case did not round-trip: %+v", cs)
		}
		ns, _ := st.Notices(ctx, "fl-3")
		if len(ns) != 1 || ns[0].Statement.Facts != "f" {
			t.Fatalf("notice did not round-trip: %+v", ns)
		}
	})
}

func mustCaps(t *testing.T, names ...string) domain.CapSet {
	s, err := domain.NewCapSet(names...)
	must(t, err)
	return s
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
