package enforce_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

// fireDue fires every deadline due at the clock's time, and returns the kinds fired.
func fireDue(t *testing.T, svc *enforce.Service) []domain.DeadlineKind {
	t.Helper()
	ctx := context.Background()
	due, err := svc.Store.DueDeadlines(ctx, svc.Now(), 100)
	must(t, err)
	var kinds []domain.DeadlineKind
	for _, d := range due {
		fired, err := svc.FireDeadline(ctx, d.ID)
		must(t, err)
		if fired {
			kinds = append(kinds, d.Kind)
		}
	}
	return kinds
}

func standingIs(t *testing.T, svc *enforce.Service, id string, want domain.Standing) {
	t.Helper()
	v, err := svc.Standing(context.Background(), id)
	must(t, err)
	if v.Standing != want {
		t.Fatalf("%s is %s, want %s (measures %+v)", id, v.Standing, want, v.Measures)
	}
}

// TestMissedHoldEscalatesStepByStep walks a hold whose holder never answers: reminders, then
// a closure notice (never straight to closure), then the closure when the notice runs out.
func TestMissedHoldEscalatesStepByStep(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, clk := newService(t, st)
		putAccount(t, svc, "fl-1")
		res, err := svc.ApplyMeasure(ctx, "operator:amira", "fl-1", enforce.MeasureInput{Type: "hold", Violation: "misleading_profile",
			Reason: "The profile claims a degree the documents do not show"})
		must(t, err)
		hold := res.Applied[0]

		if k := fireDue(t, svc); len(k) != 0 {
			t.Fatalf("fired before anything was due: %v", k)
		}
		clk.Set(hold.DueAt.Add(-6*time.Second - time.Microsecond))
		if k := fireDue(t, svc); len(k) != 0 {
			t.Fatalf("a reminder fired early: %v", k)
		}
		clk.Set(hold.DueAt.Add(-6 * time.Second))
		if k := fireDue(t, svc); len(k) != 1 || k[0] != domain.Reminder {
			t.Fatalf("want the first reminder, got %v", k)
		}
		clk.Set(hold.DueAt.Add(-3 * time.Second))
		fireDue(t, svc)
		clk.Set(hold.DueAt.Add(-time.Microsecond))
		fireDue(t, svc)
		standingIs(t, svc, "fl-1", domain.OnHold)

		clk.Set(*hold.DueAt)
		if k := fireDue(t, svc); len(k) != 1 || k[0] != domain.ResponseDue {
			t.Fatalf("want the response deadline, got %v", k)
		}
		standingIs(t, svc, "fl-1", domain.StandingClosePend)
		v, _ := svc.Standing(ctx, "fl-1")
		cp := v.Measures[0]
		if cp.Type != domain.ClosurePending || cp.DueAt.Sub(*hold.DueAt) != 20*time.Second {
			t.Fatalf("a missed hold must become a closure notice with the notice period: %+v", cp)
		}

		clk.Set(cp.DueAt.Add(-time.Microsecond))
		fireDue(t, svc)
		standingIs(t, svc, "fl-1", domain.StandingClosePend)
		clk.Set(*cp.DueAt)
		if k := fireDue(t, svc); len(k) != 1 || k[0] != domain.ClosureEffective {
			t.Fatalf("want the closure, got %v", k)
		}
		standingIs(t, svc, "fl-1", domain.Closed)

		ns, _ := svc.Store.Notices(ctx, "fl-1")
		var kinds []string
		for _, n := range ns {
			kinds = append(kinds, n.Kind)
		}
		want := "measure_applied reminder reminder deadline_missed measure_applied reminder reminder measure_lifted measure_applied"
		if got := join(kinds); got != want {
			t.Fatalf("notices %s\nwant     %s", got, want)
		}
		c, _ := svc.Case(ctx, res.CaseID)
		if c.Status != domain.CaseResolved || c.Resolution != "escalated" {
			t.Fatalf("case after closure: %s %s", c.Status, c.Resolution)
		}
		if _, err := enforce.VerifyAudit(ctx, st, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestResponseStopsTheClock is the twin: the holder answers in time, the clock stops, and an
// accepted response reinstates; a rejected one restarts the clock with the time left.
func TestResponseStopsTheClock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, clk := newService(t, st)
		putAccount(t, svc, "fl-2")
		res, err := svc.ApplyMeasure(ctx, "operator:amira", "fl-2", enforce.MeasureInput{Type: "hold", Violation: "identity_unverified",
			Reason: "The ID document does not match the profile name"})
		must(t, err)
		hold := res.Applied[0]

		clk.Set(start.Add(4 * time.Second)) // 6s left
		r, err := svc.Respond(ctx, "holder:fl-2", "fl-2", enforce.ResponseInput{MeasureID: hold.ID,
			Text: "I married last year; here is the certificate.", Fixed: []string{"Upload a government ID"}})
		must(t, err)
		if _, err := svc.Respond(ctx, "holder:fl-2", "fl-2", enforce.ResponseInput{MeasureID: hold.ID, Text: "again"}); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second response while the clock is stopped: want ECONFLICT, got %v", err)
		}
		c, _ := svc.Case(ctx, res.CaseID)
		if c.Status != domain.CaseUnderReview {
			t.Fatalf("case while a response is reviewed: %s", c.Status)
		}

		clk.Set(hold.DueAt.Add(time.Hour))
		if k := fireDue(t, svc); len(k) != 0 {
			t.Fatalf("a stopped clock fired: %v", k)
		}
		standingIs(t, svc, "fl-2", domain.OnHold)

		// Rejected: the clock restarts with the 6s that were left.
		now := clk.Now()
		_, err = svc.DecideResponse(ctx, "operator:jonas", r.ID, false, "The certificate is not legible; please upload a clearer copy.")
		must(t, err)
		v, _ := svc.Standing(ctx, "fl-2")
		if got := v.Measures[0].DueAt.Sub(now); got != 6*time.Second {
			t.Fatalf("resumed deadline is %s away, want the 6s left", got)
		}

		clk.Set(now.Add(2 * time.Second))
		r2, err := svc.Respond(ctx, "holder:fl-2", "fl-2", enforce.ResponseInput{MeasureID: hold.ID, Text: "A clearer scan is attached."})
		must(t, err)
		_, err = svc.DecideResponse(ctx, "operator:jonas", r2.ID, true, "Name change confirmed.")
		must(t, err)
		standingIs(t, svc, "fl-2", domain.Good)
		clk.Set(clk.Now().Add(time.Hour))
		if k := fireDue(t, svc); len(k) != 0 {
			t.Fatalf("deadlines of a lifted hold fired: %v", k)
		}
		if _, err := svc.DecideResponse(ctx, "operator:jonas", r2.ID, true, "again"); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("deciding twice: want ECONFLICT, got %v", err)
		}
	})
}

func TestSuspensionEndsByItself(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, clk := newService(t, st)
		putAccount(t, svc, "fl-3")
		res, err := svc.ApplyMeasure(ctx, "operator:amira", "fl-3", enforce.MeasureInput{Type: "suspension", Violation: "harassment",
			Duration: domain.Duration(30 * time.Second), Reason: "Threatening messages to a client"})
		must(t, err)
		clk.Set(*res.Applied[0].EndsAt)
		standingIs(t, svc, "fl-3", domain.Good) // derived at once, before the deadline runs
		if k := fireDue(t, svc); len(k) != 1 || k[0] != domain.MeasureEnds {
			t.Fatalf("want the suspension's end, got %v", k)
		}
		ns, _ := svc.Store.Notices(ctx, "fl-3")
		if last := ns[len(ns)-1]; last.Kind != "measure_ended" {
			t.Fatalf("the holder must be told the suspension ended: %+v", last)
		}
	})
}

// TestDeadlineFiresOnce fires one due deadline from many callers at once: one effect.
func TestDeadlineFiresOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc, clk := newService(t, st)
		putAccount(t, svc, "fl-4")
		res, err := svc.ApplyMeasure(ctx, "operator:amira", "fl-4", enforce.MeasureInput{Type: "hold", Violation: "fraud",
			Reason: "Chargebacks on three contracts"})
		must(t, err)
		clk.Set(*res.Applied[0].DueAt)
		ds, _ := svc.Store.Deadlines(ctx, res.Applied[0].ID)
		var due string
		for _, d := range ds {
			if d.Kind == domain.ResponseDue {
				due = d.ID
			}
		}
		head, _ := st.AuditHead(ctx)
		var wg sync.WaitGroup
		var mu sync.Mutex
		fired := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := svc.FireDeadline(ctx, due)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					fired++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		after, _ := st.AuditHead(ctx)
		if fired != 1 || after.Seq != head.Seq+1 {
			t.Fatalf("fired %d times with %d audit records; want exactly once", fired, after.Seq-head.Seq)
		}
		ms, _ := svc.Store.AllMeasures(ctx, "fl-4")
		cps := 0
		for _, m := range ms {
			if m.Type == domain.ClosurePending {
				cps++
			}
		}
		if cps != 1 {
			t.Fatalf("%d closure notices; want 1", cps)
		}
	})
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
