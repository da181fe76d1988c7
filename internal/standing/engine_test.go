package standing

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

type wantDeadline struct {
	kind  domain.DeadlineKind
	after time.Duration // since now
}

func TestApplyEachMeasureType(t *testing.T) {
	pol := testPolicy()
	now := t0.Add(5 * time.Second)
	customOff := caps(domain.CapPayouts, domain.CapJobPosting)
	tests := []struct {
		name      string
		acct      domain.AccountType
		cmd       Apply
		wantOff   domain.CapSet
		wantWt    int
		wantEnds  time.Duration // 0: no EndsAt
		wantDue   time.Duration // 0: no DueAt
		deadlines []wantDeadline
		ifMissed  bool // the statement says what happens when the deadline is missed
	}{
		{
			name: "warning takes the violation's weight and expiry", acct: domain.Private,
			cmd:     Apply{Type: domain.Warning, Violation: "spam"},
			wantOff: 0, wantWt: 1, wantEnds: 60 * time.Second,
			deadlines: []wantDeadline{{domain.StrikeExpires, 60 * time.Second}},
		},
		{
			name: "warning with its own weight and expiry", acct: domain.Private,
			cmd:     Apply{Type: domain.Warning, Violation: "spam", Weight: 3, Duration: 5 * time.Second},
			wantOff: 0, wantWt: 3, wantEnds: 5 * time.Second,
			deadlines: []wantDeadline{{domain.StrikeExpires, 5 * time.Second}},
		},
		{
			name: "open-ended restriction has no deadline", acct: domain.Private,
			cmd:     Apply{Type: domain.Restriction, Violation: "spam"},
			wantOff: caps(domain.CapProposals),
		},
		{
			name: "restriction with a duration ends by itself", acct: domain.Private,
			cmd:     Apply{Type: domain.Restriction, Violation: "spam", Duration: 12 * time.Second, Off: &customOff},
			wantOff: customOff, wantEnds: 12 * time.Second,
			deadlines: []wantDeadline{{domain.MeasureEnds, 12 * time.Second}},
		},
		{
			name: "hold takes the violation's response window with two reminders", acct: domain.Business,
			cmd:     Apply{Type: domain.Hold, Violation: "fraud"},
			wantOff: pol.Off(domain.Hold), wantDue: 15 * time.Second, ifMissed: true,
			deadlines: []wantDeadline{
				{domain.Reminder, 12 * time.Second}, {domain.Reminder, 14 * time.Second}, {domain.ResponseDue, 15 * time.Second},
			},
		},
		{
			name: "hold with a window shorter than a reminder skips that reminder", acct: domain.Business,
			cmd:     Apply{Type: domain.Hold, Violation: "spam", Window: 2 * time.Second},
			wantOff: pol.Off(domain.Hold), wantDue: 2 * time.Second, ifMissed: true,
			deadlines: []wantDeadline{{domain.Reminder, 1 * time.Second}, {domain.ResponseDue, 2 * time.Second}},
		},
		{
			name: "suspension ends by itself", acct: domain.Private,
			cmd:     Apply{Type: domain.Suspension, Violation: "harassment", Duration: 15 * time.Second},
			wantOff: pol.Off(domain.Suspension), wantEnds: 15 * time.Second,
			deadlines: []wantDeadline{{domain.MeasureEnds, 15 * time.Second}},
		},
		{
			name: "closure_pending for a business account runs the business notice period", acct: domain.Business,
			cmd:     Apply{Type: domain.ClosurePending, Violation: "spam"},
			wantOff: pol.Off(domain.ClosurePending), wantDue: businessNotice, ifMissed: true,
			deadlines: []wantDeadline{
				{domain.Reminder, 27 * time.Second}, {domain.Reminder, 29 * time.Second}, {domain.ClosureEffective, 30 * time.Second},
			},
		},
		{
			name: "closure_pending for a private account runs the private notice period", acct: domain.Private,
			cmd:     Apply{Type: domain.ClosurePending, Violation: "spam"},
			wantOff: pol.Off(domain.ClosurePending), wantDue: privateNotice, ifMissed: true,
			deadlines: []wantDeadline{
				{domain.Reminder, 17 * time.Second}, {domain.Reminder, 19 * time.Second}, {domain.ClosureEffective, 20 * time.Second},
			},
		},
		{
			name: "closure_pending may run longer than the policy's notice period", acct: domain.Business,
			cmd:     Apply{Type: domain.ClosurePending, Violation: "spam", Window: 45 * time.Second},
			wantOff: pol.Off(domain.ClosurePending), wantDue: 45 * time.Second, ifMissed: true,
			deadlines: []wantDeadline{
				{domain.Reminder, 42 * time.Second}, {domain.Reminder, 44 * time.Second}, {domain.ClosureEffective, 45 * time.Second},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := State{Account: testAccount(tc.acct)}
			cmd := tc.cmd
			cmd.Base = op
			eff := mustDecide(t, pol, st, &cmd, now, counterIDs())

			if eff.Action != "measure.apply" {
				t.Errorf("action = %q, want measure.apply", eff.Action)
			}
			if len(eff.Applied) != 1 || len(eff.Lifted) != 0 {
				t.Fatalf("want one measure applied and none lifted, got %+v", eff)
			}
			m := eff.Applied[0]
			if m.Type != cmd.Type || m.AccountID != "acct-1" || m.Violation != cmd.Violation || !m.StartsAt.Equal(now) {
				t.Errorf("measure = %+v", m)
			}
			if m.Off != tc.wantOff {
				t.Errorf("off = %v, want %v", m.Off.List(), tc.wantOff.List())
			}
			if m.Weight != tc.wantWt {
				t.Errorf("weight = %d, want %d", m.Weight, tc.wantWt)
			}
			checkTime(t, "ends_at", m.EndsAt, now, tc.wantEnds)
			checkTime(t, "due_at", m.DueAt, now, tc.wantDue)

			var got []wantDeadline
			for _, d := range eff.Deadlines {
				if d.MeasureID != m.ID || d.Status != domain.DeadlinePending {
					t.Errorf("deadline %+v is not a pending deadline of %s", d, m.ID)
				}
				got = append(got, wantDeadline{d.Kind, d.DueAt.Sub(now)})
			}
			if !slices.Equal(got, tc.deadlines) {
				t.Errorf("deadlines = %v, want %v", got, tc.deadlines)
			}

			if len(eff.Notices) != 1 {
				t.Fatalf("want one notice, got %d", len(eff.Notices))
			}
			n := eff.Notices[0]
			s := n.Statement
			if n.Kind != "measure_applied" || n.MeasureID != m.ID || n.Language != "de" || !n.CreatedAt.Equal(now) {
				t.Errorf("notice = %+v", n)
			}
			vt := pol.Violations[cmd.Violation]
			if s.Measure != m.Type || s.Facts != op.Reason || s.TermsURL != vt.Terms.URL || len(s.Redress) == 0 ||
				!slices.Equal(s.Remediation, vt.Remediation) || s.Explanation != vt.Explanation ||
				!slices.Equal(s.CapabilitiesOff, tc.wantOff.List()) {
				t.Errorf("statement = %+v", s)
			}
			if (s.IfDeadlineMissed != "") != tc.ifMissed {
				t.Errorf("if_deadline_missed = %q, want it set: %v", s.IfDeadlineMissed, tc.ifMissed)
			}
		})
	}
}

func checkTime(t *testing.T, name string, got *time.Time, now time.Time, want time.Duration) {
	t.Helper()
	switch {
	case want == 0 && got != nil:
		t.Errorf("%s = %s, want none", name, got.Sub(now))
	case want != 0 && got == nil:
		t.Errorf("%s = none, want now+%s", name, want)
	case want != 0 && !got.Equal(now.Add(want)):
		t.Errorf("%s = now+%s, want now+%s", name, got.Sub(now), want)
	}
}

func TestApplyRefused(t *testing.T) {
	pol := testPolicy()
	var none domain.CapSet
	running := State{Account: testAccount(domain.Business)}
	running = store(running, mustDecide(t, pol, running, &Apply{Base: op, Type: domain.ClosurePending, Violation: "spam"}, t0, counterIDs()))
	tests := []struct {
		name  string
		acct  domain.AccountType
		st    *State
		cmd   Apply
		code  string
		field string
	}{
		{"closure is not applied directly", domain.Private, nil, Apply{Type: domain.Closure, Violation: "spam"}, domain.EINVALID, "type"},
		{"unknown measure type", domain.Private, nil, Apply{Type: "ban", Violation: "spam"}, domain.EINVALID, "type"},
		{"empty measure type", domain.Private, nil, Apply{Violation: "spam"}, domain.EINVALID, "type"},
		{"unknown violation", domain.Private, nil, Apply{Type: domain.Warning, Violation: "jaywalking"}, domain.EINVALID, ""},
		{"no violation and no case", domain.Private, nil, Apply{Type: domain.Warning}, domain.EINVALID, "violation"},
		{"restriction switching nothing off", domain.Private, nil, Apply{Type: domain.Restriction, Violation: "spam", Off: &none}, domain.EINVALID, "capabilities_off"},
		{"suspension without a duration", domain.Private, nil, Apply{Type: domain.Suspension, Violation: "spam"}, domain.EINVALID, "duration"},
		{"strike weight over 100", domain.Private, nil, Apply{Type: domain.Warning, Violation: "spam", Weight: 101}, domain.EINVALID, "strike_weight"},
		{"negative strike weight", domain.Private, nil, Apply{Type: domain.Warning, Violation: "spam", Weight: -1}, domain.EINVALID, "strike_weight"},
		{"negative warning duration", domain.Private, nil, Apply{Type: domain.Warning, Violation: "spam", Duration: -time.Second}, domain.EINVALID, "duration"},
		{"negative restriction duration", domain.Private, nil, Apply{Type: domain.Restriction, Violation: "spam", Duration: -time.Second}, domain.EINVALID, "duration"},
		{"negative hold window", domain.Private, nil, Apply{Type: domain.Hold, Violation: "spam", Window: -time.Second}, domain.EINVALID, "duration"},
		{"business notice period shorter than the policy's", domain.Business, nil,
			Apply{Type: domain.ClosurePending, Violation: "spam", Window: businessNotice - time.Microsecond}, domain.EINVALID, "window"},
		{"private notice period shorter than the policy's", domain.Private, nil,
			Apply{Type: domain.ClosurePending, Violation: "spam", Window: privateNotice - time.Second}, domain.EINVALID, "window"},
		{"negative notice period", domain.Private, nil,
			Apply{Type: domain.ClosurePending, Violation: "spam", Window: -businessNotice}, domain.EINVALID, "window"},
		{"a second closure notice while one runs", domain.Business, &running,
			Apply{Type: domain.ClosurePending, Violation: "spam", Window: time.Hour}, domain.ECONFLICT, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := State{Account: testAccount(tc.acct)}
			if tc.st != nil {
				st = *tc.st
			}
			cmd := tc.cmd
			cmd.Base = op
			eff, err := Decide(pol, st, &cmd, t0.Add(time.Second), counterIDs())
			wantRefused(t, eff, err, tc.code, tc.field)
		})
	}
}

func TestApplyTakesTheCaseViolation(t *testing.T) {
	pol := testPolicy()
	st := State{Account: testAccount(domain.Private), Case: &domain.Case{ID: "case-1", Violation: "fraud", Source: domain.SourceUserNotice}}
	eff := mustDecide(t, pol, st, &Apply{Base: op, Type: domain.Hold, CaseID: "case-1"}, t0, counterIDs())
	m := eff.Applied[0]
	if m.Violation != "fraud" || m.CaseID != "case-1" || !m.DueAt.Equal(t0.Add(15*time.Second)) {
		t.Errorf("measure = %+v, want a fraud hold of case-1 due in 15s", m)
	}
	if s := eff.Notices[0].Statement; s.Source != domain.SourceUserNotice {
		t.Errorf("statement source = %q, want the case's %q", s.Source, domain.SourceUserNotice)
	}
}

func TestBaseIsRequired(t *testing.T) {
	pol := testPolicy()
	long := strings.Repeat("x", MaxReasonLen+1)
	commands := map[string]func(b Base) Command{
		"apply":     func(b Base) Command { return &Apply{Base: b, Type: domain.Warning, Violation: "spam"} },
		"escalate":  func(b Base) Command { return &Escalate{Base: b, Violation: "spam"} },
		"close":     func(b Base) Command { return &Close{Base: b, Violation: "spam"} },
		"lift":      func(b Base) Command { return &Lift{Base: b, MeasureID: "msr_1"} },
		"reinstate": func(b Base) Command { return &Reinstate{Base: b} },
		"pause":     func(b Base) Command { return &Pause{Base: b, MeasureID: "msr_1"} },
		"resume":    func(b Base) Command { return &Resume{Base: b, MeasureID: "msr_1"} },
		"miss":      func(b Base) Command { return &MissDeadline{Base: b, MeasureID: "msr_1"} },
	}
	bases := []struct {
		name   string
		base   Base
		fields []string
	}{
		{"no reason", Base{Actor: "operator:alice"}, []string{"reason"}},
		{"no actor", Base{Reason: "because"}, []string{"actor"}},
		{"neither", Base{}, []string{"actor", "reason"}},
		{"reason too long", Base{Actor: "operator:alice", Reason: long}, []string{"reason"}},
	}
	for name, mk := range commands {
		for _, b := range bases {
			t.Run(name+"/"+b.name, func(t *testing.T) {
				eff, err := Decide(pol, State{Account: testAccount(domain.Private)}, mk(b.base), t0, counterIDs())
				wantRefused(t, eff, err, domain.EINVALID, "")
				if got := errFields(err); !slices.Equal(got, b.fields) {
					t.Errorf("fields = %v, want %v", got, b.fields)
				}
			})
		}
	}
	// a reason of exactly MaxReasonLen bytes is fine
	b := Base{Actor: "operator:alice", Reason: long[:MaxReasonLen]}
	mustDecide(t, pol, State{Account: testAccount(domain.Private)}, &Apply{Base: b, Type: domain.Warning, Violation: "spam"}, t0, counterIDs())
}

// pendingClosure returns a state whose closure_pending was applied at t0, and its due time.
func pendingClosure(t *testing.T, typ domain.AccountType) (State, time.Time) {
	t.Helper()
	st := State{Account: testAccount(typ)}
	eff := mustDecide(t, testPolicy(), st, &Apply{Base: op, Type: domain.ClosurePending, Violation: "spam"}, t0, counterIDs())
	return store(st, eff), *eff.Applied[0].DueAt
}

func TestCloseFollowsTheNoticePeriod(t *testing.T) {
	pol := testPolicy()
	t.Run("refused without closure_pending", func(t *testing.T) {
		st := State{Account: testAccount(domain.Business)}
		st = store(st, mustDecide(t, pol, st, &Apply{Base: op, Type: domain.Hold, Violation: "spam"}, t0, counterIDs()))
		eff, err := Decide(pol, st, &Close{Base: op, Violation: "spam"}, t0.Add(time.Hour), counterIDs())
		wantRefused(t, eff, err, domain.ECONFLICT, "")
	})
	t.Run("refused after the closure notice was lifted", func(t *testing.T) {
		st, due := pendingClosure(t, domain.Business)
		st = store(st, mustDecide(t, pol, st, &Lift{Base: op, MeasureID: st.Measures[0].ID}, t0.Add(time.Second), counterIDs()))
		eff, err := Decide(pol, st, &Close{Base: op, Violation: "spam"}, due, counterIDs())
		wantRefused(t, eff, err, domain.ECONFLICT, "")
	})
	t.Run("without a violation it takes the closure notice's", func(t *testing.T) {
		st, due := pendingClosure(t, domain.Private)
		eff := mustDecide(t, pol, st, &Close{Base: op}, due, counterIDs())
		if v := eff.Applied[0].Violation; v != st.Measures[0].Violation {
			t.Errorf("closure for violation %q, want the notice's %q", v, st.Measures[0].Violation)
		}
		eff, err := Decide(pol, State{Account: st.Account}, &Close{Base: op, Emergency: &domain.Emergency{
			Ground: "court order", RequestedBy: "operator:alice", ApprovedBy: "operator:bob"}}, due, counterIDs())
		wantRefused(t, eff, err, domain.EINVALID, "violation")
	})
	for _, typ := range []domain.AccountType{domain.Business, domain.Private} {
		t.Run(string(typ), func(t *testing.T) {
			st, due := pendingClosure(t, typ)
			if want := map[domain.AccountType]time.Duration{domain.Business: businessNotice, domain.Private: privateNotice}[typ]; due.Sub(t0) != want {
				t.Fatalf("notice period = %s, want %s", due.Sub(t0), want)
			}
			eff, err := Decide(pol, st, &Close{Base: op, Violation: "spam"}, due.Add(-time.Microsecond), counterIDs())
			wantRefused(t, eff, err, domain.ECONFLICT, "")

			for _, at := range []time.Time{due, due.Add(time.Hour)} {
				eff = mustDecide(t, pol, st, &Close{Base: op, Violation: "spam"}, at, counterIDs())
				if eff.Action != "account.close" || len(eff.Applied) != 1 || len(eff.Lifted) != 1 {
					t.Fatalf("effects = %+v", eff)
				}
				c, cp := eff.Applied[0], eff.Lifted[0]
				if c.Type != domain.Closure || c.Off != domain.AllCaps || c.EndsAt != nil || c.Emergency != nil || !c.StartsAt.Equal(at) {
					t.Errorf("closure = %+v", c)
				}
				if cp.ID != st.Measures[0].ID || cp.LiftedAt == nil || !cp.LiftedAt.Equal(at) || !slices.Contains(eff.CancelDeadlines, cp.ID) {
					t.Errorf("closure_pending was not lifted with its deadlines cancelled: %+v, cancel %v", cp, eff.CancelDeadlines)
				}
				if len(eff.Deadlines) != 0 {
					t.Errorf("a closure has no deadline, got %+v", eff.Deadlines)
				}
				if !hasNotice(eff, "measure_applied", c.ID) || !hasNotice(eff, "measure_lifted", cp.ID) {
					t.Errorf("notices = %+v", eff.Notices)
				}
				v := domain.Derive("acct-1", 0, store(st, eff).Measures, at)
				if v.Standing != domain.Closed || slices.Contains(mapValues(v.Capabilities), true) {
					t.Errorf("standing = %s, capabilities %v; want closed with none", v.Standing, v.Capabilities)
				}
			}
		})
	}
}

func hasNotice(eff Effects, kind, measureID string) bool {
	for _, n := range eff.Notices {
		if n.Kind == kind && n.MeasureID == measureID {
			return true
		}
	}
	return false
}

func mapValues[K comparable, V any](m map[K]V) []V {
	var out []V
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestEmergencyClosure(t *testing.T) {
	pol := testPolicy()
	cpState, due := pendingClosure(t, domain.Business)
	fresh := State{Account: testAccount(domain.Business)}
	tests := []struct {
		name  string
		st    State
		em    domain.Emergency
		code  string // "" for allowed
		field string
	}{
		{"ground and two operators", fresh, domain.Emergency{Ground: "court order 12/26", RequestedBy: "operator:alice", ApprovedBy: "operator:bob"}, "", ""},
		{"during a closure notice", cpState, domain.Emergency{Ground: "court order 12/26", RequestedBy: "operator:alice", ApprovedBy: "operator:bob"}, "", ""},
		{"no ground", fresh, domain.Emergency{RequestedBy: "operator:alice", ApprovedBy: "operator:bob"}, domain.EINVALID, "ground"},
		{"approved by the requester", fresh, domain.Emergency{Ground: "court order", RequestedBy: "operator:alice", ApprovedBy: "operator:alice"}, domain.ECONFLICT, ""},
		{"no approver", fresh, domain.Emergency{Ground: "court order", RequestedBy: "operator:alice"}, domain.ECONFLICT, ""},
		{"no requester", fresh, domain.Emergency{Ground: "court order", ApprovedBy: "operator:bob"}, domain.ECONFLICT, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			em := tc.em
			now := due.Add(-10 * time.Second) // the notice period, where there is one, still runs
			eff, err := Decide(pol, tc.st, &Close{Base: op, Violation: "fraud", Emergency: &em}, now, counterIDs())
			if tc.code != "" {
				wantRefused(t, eff, err, tc.code, tc.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := eff.Applied[0]
			if len(eff.Applied) != 1 || c.Type != domain.Closure || c.Emergency == nil || *c.Emergency != tc.em || c.Off != domain.AllCaps {
				t.Fatalf("applied = %+v", eff.Applied)
			}
			if wantLifted := len(tc.st.Measures); len(eff.Lifted) != wantLifted {
				t.Errorf("lifted %d measures, want the running closure notice only (%d)", len(eff.Lifted), wantLifted)
			}
		})
	}
}

// closedState returns an account closed at t0+30s after its notice period, with a strike and
// a restriction from before.
func closedState(t *testing.T) (State, time.Time) {
	t.Helper()
	pol := testPolicy()
	ids := counterIDs()
	st := State{Account: testAccount(domain.Business)}
	for _, cmd := range []Command{
		&Apply{Base: op, Type: domain.Warning, Violation: "spam", Weight: 2},
		&Apply{Base: op, Type: domain.Restriction, Violation: "spam"},
		&Apply{Base: op, Type: domain.ClosurePending, Violation: "spam"},
	} {
		st = store(st, mustDecide(t, pol, st, cmd, t0, ids))
	}
	at := t0.Add(businessNotice)
	return store(st, mustDecide(t, pol, st, &Close{Base: op, Violation: "spam"}, at, ids)), at
}

func TestClosedAccountRefusesAllButReinstate(t *testing.T) {
	pol := testPolicy()
	st, at := closedState(t)
	now := at.Add(time.Second)
	var closureID string
	for _, m := range st.Measures {
		if m.Type == domain.Closure {
			closureID = m.ID
		}
	}
	emergency := &domain.Emergency{Ground: "court order", RequestedBy: "operator:alice", ApprovedBy: "operator:bob"}
	for name, cmd := range map[string]Command{
		"apply warning":         &Apply{Base: op, Type: domain.Warning, Violation: "spam"},
		"apply closure_pending": &Apply{Base: op, Type: domain.ClosurePending, Violation: "spam"},
		"escalate":              &Escalate{Base: op, Violation: "fraud"},
		"close again":           &Close{Base: op, Violation: "spam"},
		"emergency close again": &Close{Base: op, Violation: "spam", Emergency: emergency},
		"lift the closure":      &Lift{Base: op, MeasureID: closureID},
		"lift an unknown id":    &Lift{Base: op, MeasureID: "msr_999"},
		"pause":                 &Pause{Base: op, MeasureID: closureID},
		"resume":                &Resume{Base: op, MeasureID: closureID},
		"miss a deadline":       &MissDeadline{Base: op, MeasureID: closureID},
	} {
		t.Run(name, func(t *testing.T) {
			eff, err := Decide(pol, st, cmd, now, counterIDs())
			wantRefused(t, eff, err, domain.ECONFLICT, "")
		})
	}
	t.Run("reinstate", func(t *testing.T) {
		eff := mustDecide(t, pol, st, &Reinstate{Base: by("operator:bob")}, now, counterIDs())
		if eff.Action != "account.reinstate" || len(eff.Applied) != 0 {
			t.Fatalf("effects = %+v", eff)
		}
		v := domain.Derive("acct-1", 0, store(st, eff).Measures, now)
		if v.Standing != domain.Warned || v.Strikes != 2 {
			t.Errorf("after reinstatement standing = %s with %d strikes, want warned with 2", v.Standing, v.Strikes)
		}
	})
}

func TestReinstate(t *testing.T) {
	pol := testPolicy()
	ids := counterIDs()
	st := State{Account: testAccount(domain.Private)}
	for _, cmd := range []Command{
		&Apply{Base: op, Type: domain.Warning, Violation: "spam", Weight: 2},
		&Apply{Base: op, Type: domain.Warning, Violation: "fraud", Duration: 5 * time.Second}, // expired by now
		&Apply{Base: op, Type: domain.Restriction, Violation: "spam"},
		&Apply{Base: op, Type: domain.Restriction, Violation: "spam", Duration: 5 * time.Second}, // ended by now
		&Apply{Base: op, Type: domain.Hold, Violation: "spam", Window: time.Second},              // overdue, still in force
		&Apply{Base: op, Type: domain.Suspension, Violation: "harassment", Duration: time.Minute},
	} {
		st = store(st, mustDecide(t, pol, st, cmd, t0, ids))
	}
	now := t0.Add(10 * time.Second)
	eff := mustDecide(t, pol, st, &Reinstate{Base: op}, now, ids)

	var lifted []domain.MeasureType
	for _, m := range eff.Lifted {
		lifted = append(lifted, m.Type)
		if m.LiftedAt == nil || !m.LiftedAt.Equal(now) || m.LiftedBy != op.Actor || m.LiftReason != op.Reason {
			t.Errorf("lifted measure = %+v", m)
		}
		if !slices.Contains(eff.CancelDeadlines, m.ID) || !hasNotice(eff, "measure_lifted", m.ID) {
			t.Errorf("measure %s lifted without cancelling its deadlines or a notice", m.ID)
		}
	}
	if want := []domain.MeasureType{domain.Restriction, domain.Hold, domain.Suspension}; !slices.Equal(lifted, want) {
		t.Errorf("lifted %v, want %v (active, not warnings)", lifted, want)
	}
	v := domain.Derive("acct-1", 0, store(st, eff).Measures, now)
	if v.Standing != domain.Warned || v.Strikes != 2 || slices.Contains(mapValues(v.Capabilities), false) {
		t.Errorf("after reinstatement: %s with %d strikes and %v; want warned, 2 strikes, every capability", v.Standing, v.Strikes, v.Capabilities)
	}

	t.Run("nothing to lift", func(t *testing.T) {
		eff, err := Decide(pol, store(st, eff), &Reinstate{Base: op}, now, ids)
		wantRefused(t, eff, err, domain.ECONFLICT, "")
	})
}

func TestLift(t *testing.T) {
	pol := testPolicy()
	ids := counterIDs()
	st := State{Account: testAccount(domain.Private)}
	st = store(st, mustDecide(t, pol, st, &Apply{Base: op, Type: domain.Restriction, Violation: "spam", Duration: 10 * time.Second}, t0, ids))
	st = store(st, mustDecide(t, pol, st, &Apply{Base: op, Type: domain.Warning, Violation: "spam"}, t0, ids))
	restriction, warning := st.Measures[0], st.Measures[1]
	lifter := by("operator:bob")

	t.Run("active restriction", func(t *testing.T) {
		now := *restriction.EndsAt
		now = now.Add(-time.Microsecond)
		eff := mustDecide(t, pol, st, &Lift{Base: lifter, MeasureID: restriction.ID}, now, ids)
		if eff.Action != "measure.lift" || len(eff.Lifted) != 1 || eff.Lifted[0].ID != restriction.ID || len(eff.Applied) != 0 {
			t.Fatalf("effects = %+v", eff)
		}
		m := eff.Lifted[0]
		if !m.LiftedAt.Equal(now) || m.LiftedBy != lifter.Actor || m.LiftReason != lifter.Reason {
			t.Errorf("lifted = %+v", m)
		}
		if !slices.Equal(eff.CancelDeadlines, []string{restriction.ID}) || !hasNotice(eff, "measure_lifted", restriction.ID) {
			t.Errorf("cancel = %v, notices = %+v", eff.CancelDeadlines, eff.Notices)
		}
		if v := domain.Derive("acct-1", 0, store(st, eff).Measures, now); v.Standing != domain.Warned {
			t.Errorf("standing after lift = %s, want warned", v.Standing)
		}
	})
	t.Run("a warning is lifted without a notice: it restricts nothing", func(t *testing.T) {
		eff := mustDecide(t, pol, st, &Lift{Base: lifter, MeasureID: warning.ID}, t0.Add(time.Second), ids)
		if len(eff.Lifted) != 1 || len(eff.Notices) != 0 || !slices.Equal(eff.CancelDeadlines, []string{warning.ID}) {
			t.Errorf("effects = %+v", eff)
		}
	})
	t.Run("ended restriction conflicts", func(t *testing.T) {
		for _, now := range []time.Time{*restriction.EndsAt, restriction.EndsAt.Add(time.Hour)} {
			eff, err := Decide(pol, st, &Lift{Base: lifter, MeasureID: restriction.ID}, now, ids)
			wantRefused(t, eff, err, domain.ECONFLICT, "")
		}
	})
	t.Run("an already lifted measure conflicts", func(t *testing.T) {
		lifted := st
		lifted.Measures = cloneMeasures(st.Measures)
		lifted.Measures[0].LiftedAt = ptr(t0.Add(time.Second))
		eff, err := Decide(pol, lifted, &Lift{Base: lifter, MeasureID: restriction.ID}, t0.Add(2*time.Second), ids)
		wantRefused(t, eff, err, domain.ECONFLICT, "")
	})
	t.Run("unknown measure is not found", func(t *testing.T) {
		for _, id := range []string{"msr_999", ""} {
			eff, err := Decide(pol, st, &Lift{Base: lifter, MeasureID: id}, t0, ids)
			wantRefused(t, eff, err, domain.ENOTFOUND, "")
		}
	})
}

func TestEscalateWalksTheLadder(t *testing.T) {
	pol := testPolicy()
	tests := []struct {
		name      string
		violation string
		gap       time.Duration // time between escalations
		want      [][]domain.MeasureType
	}{
		{
			// weight 1: warning(0) → restriction(2) → hold(4) → closure_pending(6)
			name: "spam", violation: "spam", gap: time.Second,
			want: [][]domain.MeasureType{
				{domain.Warning},
				{domain.Warning, domain.Restriction},
				{domain.Warning, domain.Restriction},
				{domain.Warning, domain.Hold},
				{domain.Warning, domain.Hold},
				{domain.Warning, domain.ClosurePending},
				{domain.Warning}, // a closure notice already runs
			},
		},
		{
			// weight 2: hold(0) → closure_pending(4)
			name: "fraud", violation: "fraud", gap: time.Second,
			want: [][]domain.MeasureType{
				{domain.Warning, domain.Hold},
				{domain.Warning, domain.ClosurePending},
				{domain.Warning},
			},
		},
		{
			// strikes expire after 60s: each escalation finds none left
			name: "spam with expired strikes", violation: "spam", gap: 60 * time.Second,
			want: [][]domain.MeasureType{{domain.Warning}, {domain.Warning}, {domain.Warning}},
		},
		{
			// weight 1: restriction(0, 10s) → suspension(2, 15s) → closure_pending(3)
			name: "harassment", violation: "harassment", gap: time.Second,
			want: [][]domain.MeasureType{
				{domain.Warning, domain.Restriction},
				{domain.Warning, domain.Suspension},
				{domain.Warning, domain.ClosurePending},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids := counterIDs()
			st := State{Account: testAccount(domain.Private)}
			vt := pol.Violations[tc.violation]
			for i, want := range tc.want {
				now := t0.Add(time.Duration(i) * tc.gap)
				eff := mustDecide(t, pol, st, &Escalate{Base: by("rule:bulk-messages"), Violation: tc.violation, Automated: true}, now, ids)
				var got []domain.MeasureType
				for _, m := range eff.Applied {
					got = append(got, m.Type)
				}
				if eff.Action != "measure.escalate" || !slices.Equal(got, want) {
					t.Fatalf("escalation %d applied %v, want %v", i+1, got, want)
				}
				strike := eff.Applied[0]
				if strike.Weight != vt.Strike.Weight || !strike.EndsAt.Equal(now.Add(vt.Strike.Expires)) || !strike.Automated {
					t.Errorf("strike = %+v", strike)
				}
				if len(eff.Applied) == 2 {
					m := eff.Applied[1]
					step := stepFor(t, vt.Ladder, m.Type)
					if m.Off != step.Off {
						t.Errorf("%s switches off %v, want the step's %v", m.Type, m.Off.List(), step.Off.List())
					}
					if step.Duration > 0 && (m.EndsAt == nil || !m.EndsAt.Equal(now.Add(step.Duration))) {
						t.Errorf("%s ends at %v, want now+%s", m.Type, m.EndsAt, step.Duration)
					}
					if !hasNotice(eff, "measure_applied", m.ID) {
						t.Errorf("no notice for %s", m.Type)
					}
				}
				st = store(st, eff)
			}
		})
	}
}

func stepFor(t *testing.T, ladder []policy.Step, typ domain.MeasureType) policy.Step {
	t.Helper()
	for _, s := range ladder {
		if s.Measure == typ {
			return s
		}
	}
	t.Fatalf("no ladder step applies %s", typ)
	return policy.Step{}
}

func TestDecideDoesNotChangeItsInput(t *testing.T) {
	pol := testPolicy()
	st, at := closedState(t)
	before := cloneMeasures(st.Measures)
	mustDecide(t, pol, st, &Reinstate{Base: op}, at.Add(time.Second), counterIDs())
	for i := range before {
		if !reflect.DeepEqual(before[i], st.Measures[i]) {
			t.Errorf("Decide changed the state's measure %d: %+v → %+v", i, before[i], st.Measures[i])
		}
	}
}

func TestAutomatedMeasureNeedsPolicyConsent(t *testing.T) {
	pol := testPolicy()
	pol.Violations["fraud"].Automation = false
	st := State{Account: domain.Account{ID: "fl-1", Type: domain.Private, Language: "en"}}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, cmd := range []Command{
		&Apply{Base: Base{Actor: "rule:payout_velocity", Reason: "r"}, Type: domain.Hold, Violation: "fraud", Automated: true},
		&Escalate{Base: Base{Actor: "rule:payout_velocity", Reason: "r"}, Violation: "fraud", Automated: true},
	} {
		if _, err := Decide(pol, st, cmd, now, func(p string) string { return p + "_1" }); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("%T by a rule on a review-only violation: want EFORBIDDEN, got %v", cmd, err)
		}
	}
	if _, err := Decide(pol, st, &Apply{Base: Base{Actor: "operator:amira", Reason: "r"}, Type: domain.Hold, Violation: "fraud"}, now,
		func(p string) string { return p + "_1" }); err != nil {
		t.Fatalf("a person may apply it: %v", err)
	}
}

// ---- the clock: Pause, Resume, MissDeadline ----

// newIDs makes ids that cannot clash with those of a state built with counterIDs.
func newIDs() IDs {
	n := 0
	return func(prefix string) string {
		n++
		return fmt.Sprintf("%s_new%d", prefix, n)
	}
}

// clockState returns a business account with, applied at t0, a spam strike (expires at
// t0+60s), a spam hold (due at t0+10s) and a closure notice (due at t0+30s).
func clockState(t *testing.T) (st State, strike, hold, cp domain.Measure) {
	t.Helper()
	pol, ids := testPolicy(), counterIDs()
	st = State{Account: testAccount(domain.Business)}
	for _, cmd := range []Command{
		&Apply{Base: op, Type: domain.Warning, Violation: "spam"},
		&Apply{Base: op, Type: domain.Hold, Violation: "spam"},
		&Apply{Base: op, Type: domain.ClosurePending, Violation: "spam"},
	} {
		st = store(st, mustDecide(t, pol, st, cmd, t0, ids))
	}
	return st, st.Measures[0], st.Measures[1], st.Measures[2]
}

// after runs cmd on st at t0+at and returns the state with its effects stored.
func after(t *testing.T, st State, cmd Command, at time.Duration) State {
	t.Helper()
	return store(st, mustDecide(t, testPolicy(), st, cmd, t0.Add(at), newIDs()))
}

func measureByID(st State, id string) domain.Measure {
	for _, m := range st.Measures {
		if m.ID == id {
			return m
		}
	}
	return domain.Measure{}
}

// deadlinesOf lists eff's deadlines as "kind@offset from base".
func deadlinesOf(t *testing.T, eff Effects, measureID string, base time.Time) []string {
	t.Helper()
	var out []string
	for _, d := range eff.Deadlines {
		if d.MeasureID != measureID || d.Status != domain.DeadlinePending || d.AccountID != "acct-1" {
			t.Errorf("deadline %+v is not a pending deadline of %s", d, measureID)
		}
		out = append(out, fmt.Sprintf("%s@%s", d.Kind, d.DueAt.Sub(base)))
	}
	return out
}

func TestClockRefused(t *testing.T) {
	st, strike, hold, cp := clockState(t)
	holdPaused := after(t, st, &Pause{Base: op, MeasureID: hold.ID}, 4*time.Second)
	cpPaused := after(t, st, &Pause{Base: op, MeasureID: cp.ID}, 4*time.Second)
	holdLifted := after(t, st, &Lift{Base: op, MeasureID: hold.ID}, time.Second)
	holdResumed := after(t, holdPaused, &Resume{Base: op, MeasureID: hold.ID}, 20*time.Second) // due at 26s
	tests := []struct {
		name string
		st   State
		cmd  Command
		at   time.Duration // since t0
		code string
	}{
		{"pause: unknown measure", st, &Pause{MeasureID: "msr_999"}, time.Second, domain.ENOTFOUND},
		{"pause: no measure named", st, &Pause{}, time.Second, domain.ENOTFOUND},
		{"pause: a lifted hold", holdLifted, &Pause{MeasureID: hold.ID}, 2 * time.Second, domain.ENOTFOUND},
		{"pause: an expired strike", st, &Pause{MeasureID: strike.ID}, 61 * time.Second, domain.ENOTFOUND},
		{"pause: a strike has no clock", st, &Pause{MeasureID: strike.ID}, time.Second, domain.ECONFLICT},
		{"pause: a hold paused already", holdPaused, &Pause{MeasureID: hold.ID}, 5 * time.Second, domain.ECONFLICT},
		{"pause: a closure notice paused already", cpPaused, &Pause{MeasureID: cp.ID}, 5 * time.Second, domain.ECONFLICT},
		{"pause: a hold at its deadline", st, &Pause{MeasureID: hold.ID}, 10 * time.Second, domain.ECONFLICT},
		{"pause: a closure notice after its deadline", st, &Pause{MeasureID: cp.ID}, 31 * time.Second, domain.ECONFLICT},

		{"resume: unknown measure", holdPaused, &Resume{MeasureID: "msr_999"}, 5 * time.Second, domain.ENOTFOUND},
		{"resume: a lifted hold", holdLifted, &Resume{MeasureID: hold.ID}, 2 * time.Second, domain.ENOTFOUND},
		{"resume: a running hold", st, &Resume{MeasureID: hold.ID}, time.Second, domain.ECONFLICT},
		{"resume: a running closure notice", holdPaused, &Resume{MeasureID: cp.ID}, 5 * time.Second, domain.ECONFLICT},
		{"resume: a strike has no clock", st, &Resume{MeasureID: strike.ID}, time.Second, domain.ECONFLICT},

		{"miss: unknown measure", st, &MissDeadline{MeasureID: "msr_999"}, 11 * time.Second, domain.ENOTFOUND},
		{"miss: a lifted hold", holdLifted, &MissDeadline{MeasureID: hold.ID}, 11 * time.Second, domain.ENOTFOUND},
		{"miss: a closure notice is not a hold", st, &MissDeadline{MeasureID: cp.ID}, 31 * time.Second, domain.ECONFLICT},
		{"miss: a strike is not a hold", st, &MissDeadline{MeasureID: strike.ID}, 11 * time.Second, domain.ECONFLICT},
		{"miss: just before the deadline", st, &MissDeadline{MeasureID: hold.ID}, 10*time.Second - time.Microsecond, domain.ECONFLICT},
		{"miss: a paused hold long after its old deadline", holdPaused, &MissDeadline{MeasureID: hold.ID}, time.Hour, domain.ECONFLICT},
		{"miss: a resumed hold before its new deadline", holdResumed, &MissDeadline{MeasureID: hold.ID}, 25 * time.Second, domain.ECONFLICT},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cmd.Common().Actor, tc.cmd.Common().Reason = op.Actor, op.Reason
			eff, err := Decide(testPolicy(), tc.st, tc.cmd, t0.Add(tc.at), newIDs())
			wantRefused(t, eff, err, tc.code, "")
		})
	}
	t.Run("miss: a resumed hold at its new deadline", func(t *testing.T) {
		mustDecide(t, testPolicy(), holdResumed, &MissDeadline{Base: op, MeasureID: hold.ID}, t0.Add(26*time.Second), newIDs())
	})
}

func TestPause(t *testing.T) {
	pol := testPolicy()
	st, _, hold, cp := clockState(t)
	for _, m := range []domain.Measure{hold, cp} {
		t.Run(string(m.Type), func(t *testing.T) {
			now := t0.Add(4 * time.Second)
			eff := mustDecide(t, pol, st, &Pause{Base: op, MeasureID: m.ID}, now, newIDs())
			want := cloneMeasure(m)
			want.PausedAt = &now
			if eff.Action != "measure.pause" || len(eff.Updated) != 1 || !reflect.DeepEqual(eff.Updated[0], want) {
				t.Fatalf("effects = %+v, want %s updated with its clock stopped now", eff, m.ID)
			}
			if !slices.Equal(eff.CancelDeadlines, []string{m.ID}) {
				t.Errorf("cancel = %v, want the deadlines of %s", eff.CancelDeadlines, m.ID)
			}
			if len(eff.Applied)+len(eff.Lifted)+len(eff.Deadlines)+len(eff.Notices) != 0 {
				t.Errorf("a pause applies, lifts, schedules and tells nothing: %+v", eff)
			}
			// the measure stays in force while its clock stands still
			if b, a := domain.Derive("acct-1", 0, st.Measures, now), domain.Derive("acct-1", 0, store(st, eff).Measures, now); a.Standing != b.Standing ||
				!reflect.DeepEqual(a.Capabilities, b.Capabilities) {
				t.Errorf("pausing changed the standing: %s %v → %s %v", b.Standing, b.Capabilities, a.Standing, a.Capabilities)
			}
		})
	}
}

func TestResume(t *testing.T) {
	pol := testPolicy()
	st, _, hold, cp := clockState(t) // hold due at 10s, closure notice at 30s; reminders 3s and 1s before
	tests := []struct {
		name      string
		m         domain.Measure
		pausedAt  time.Duration // since t0
		resumedAt time.Duration
		wantDue   time.Duration // since t0
		deadlines []string      // kind@since t0
	}{
		{"hold: the 6s left run from the resumption", hold, 4 * time.Second, 100 * time.Second, 106 * time.Second,
			[]string{"reminder@1m43s", "reminder@1m45s", "response_due@1m46s"}},
		{"hold resumed when paused keeps its deadline", hold, 4 * time.Second, 4 * time.Second, 10 * time.Second,
			[]string{"reminder@7s", "reminder@9s", "response_due@10s"}},
		{"closure notice: 1.5s left, the first reminder is past", cp, 28500 * time.Millisecond, 50 * time.Second, 51500 * time.Millisecond,
			[]string{"reminder@50.5s", "closure_effective@51.5s"}},
		{"closure notice: 0.5s left, both reminders are past", cp, 29500 * time.Millisecond, time.Minute, 60500 * time.Millisecond,
			[]string{"closure_effective@1m0.5s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			paused := after(t, st, &Pause{Base: op, MeasureID: tc.m.ID}, tc.pausedAt)
			now := t0.Add(tc.resumedAt)
			eff := mustDecide(t, pol, paused, &Resume{Base: op, MeasureID: tc.m.ID}, now, newIDs())
			want := cloneMeasure(tc.m)
			want.DueAt = ptr(t0.Add(tc.wantDue))
			if eff.Action != "measure.resume" || len(eff.Updated) != 1 || !reflect.DeepEqual(eff.Updated[0], want) {
				t.Fatalf("effects = %+v, want %s running again, due at %s", eff, tc.m.ID, tc.wantDue)
			}
			if got := deadlinesOf(t, eff, tc.m.ID, t0); !slices.Equal(got, tc.deadlines) {
				t.Errorf("deadlines = %v, want %v", got, tc.deadlines)
			}
			if len(eff.Applied)+len(eff.Lifted)+len(eff.Notices) != 0 {
				t.Errorf("a resumption applies, lifts and tells nothing: %+v", eff)
			}
		})
	}
	t.Run("paused twice: the time left adds up", func(t *testing.T) {
		st := after(t, st, &Pause{Base: op, MeasureID: hold.ID}, 2*time.Second)   // 8s left
		st = after(t, st, &Resume{Base: op, MeasureID: hold.ID}, 50*time.Second)  // due at 58s
		st = after(t, st, &Pause{Base: op, MeasureID: hold.ID}, 55*time.Second)   // 3s left
		st = after(t, st, &Resume{Base: op, MeasureID: hold.ID}, 100*time.Second) // due at 103s
		if m := measureByID(st, hold.ID); m.PausedAt != nil || !m.DueAt.Equal(t0.Add(103*time.Second)) {
			t.Errorf("hold = %+v, want it running, due at 1m43s", m)
		}
	})
}

func TestMissDeadline(t *testing.T) {
	pol := testPolicy()
	loginMsg := caps(domain.CapLogin, domain.CapMessaging)
	var none domain.CapSet
	cpOff := pol.Off(domain.ClosurePending)
	tests := []struct {
		name       string
		acct       domain.AccountType
		hold       Apply
		running    bool          // a closure notice runs already
		late       time.Duration // after the hold's deadline
		wantNotice time.Duration // the closure notice's period; 0: none applied
		wantOff    domain.CapSet
	}{
		{"business account: the business notice period", domain.Business, Apply{Violation: "spam"}, false, 0, businessNotice, cpOff},
		{"private account: the private notice period", domain.Private, Apply{Violation: "spam"}, false, 0, privateNotice, cpOff},
		{"long after the deadline the notice period still runs from now", domain.Private, Apply{Violation: "fraud"}, false, time.Hour, privateNotice, cpOff},
		{"the violation's own notice period", domain.Business, Apply{Violation: "impersonation"}, false, 0, impersonationBusinessNotice, cpOff},
		{"capabilities at least the hold's", domain.Business, Apply{Violation: "spam", Off: &loginMsg}, false, 0, businessNotice, cpOff | loginMsg},
		{"a hold that switched nothing off is still told", domain.Private, Apply{Violation: "spam", Off: &none}, false, 0, privateNotice, cpOff},
		{"a closure notice runs already: the hold is lifted only", domain.Business, Apply{Violation: "spam"}, true, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids := counterIDs()
			st := State{Account: testAccount(tc.acct)}
			h := tc.hold
			h.Base, h.Type = op, domain.Hold
			st = store(st, mustDecide(t, pol, st, &h, t0, ids))
			hold := st.Measures[0]
			if tc.running {
				st = store(st, mustDecide(t, pol, st, &Apply{Base: op, Type: domain.ClosurePending, Violation: "spam", Window: time.Hour}, t0, ids))
			}
			now := hold.DueAt.Add(tc.late)
			eff := mustDecide(t, pol, st, &MissDeadline{Base: by("deadline"), MeasureID: hold.ID}, now, ids)

			if eff.Action != "deadline.missed" || len(eff.Updated) != 0 {
				t.Errorf("effects = %+v", eff)
			}
			if len(eff.Lifted) != 1 || eff.Lifted[0].ID != hold.ID || !eff.Lifted[0].LiftedAt.Equal(now) || !slices.Contains(eff.CancelDeadlines, hold.ID) {
				t.Fatalf("lifted = %+v, cancel %v; want the hold lifted now with its deadlines cancelled", eff.Lifted, eff.CancelDeadlines)
			}
			if !hasNotice(eff, "deadline_missed", hold.ID) || hasNotice(eff, "measure_lifted", hold.ID) {
				t.Errorf("notices = %+v, want a deadline_missed notice for the hold", eff.Notices)
			}
			if tc.wantNotice == 0 {
				if len(eff.Applied) != 0 || len(eff.Deadlines) != 0 {
					t.Errorf("applied %+v, deadlines %+v; want none", eff.Applied, eff.Deadlines)
				}
				return
			}
			// never straight to closure: a closure notice with its notice period
			if len(eff.Applied) != 1 {
				t.Fatalf("applied = %+v, want one closure notice", eff.Applied)
			}
			cp := eff.Applied[0]
			if cp.Type != domain.ClosurePending || cp.Violation != hold.Violation || cp.CaseID != hold.CaseID || !cp.StartsAt.Equal(now) {
				t.Errorf("closure notice = %+v", cp)
			}
			checkTime(t, "due_at", cp.DueAt, now, tc.wantNotice)
			if cp.Off != tc.wantOff {
				t.Errorf("off = %v, want %v", cp.Off.List(), tc.wantOff.List())
			}
			n := tc.wantNotice
			want := []string{fmt.Sprintf("reminder@%s", n-3*time.Second), fmt.Sprintf("reminder@%s", n-time.Second), fmt.Sprintf("closure_effective@%s", n)}
			if got := deadlinesOf(t, eff, cp.ID, now); !slices.Equal(got, want) {
				t.Errorf("deadlines = %v, want %v", got, want)
			}
			if !hasNotice(eff, "measure_applied", cp.ID) {
				t.Errorf("no statement of reasons for the closure notice: %+v", eff.Notices)
			}
			if v := domain.Derive("acct-1", 0, store(st, eff).Measures, now); v.Standing != domain.StandingOf(domain.ClosurePending) {
				t.Errorf("standing after a missed deadline = %s, want %s", v.Standing, domain.StandingOf(domain.ClosurePending))
			}
		})
	}
}

func TestCloseWaitsForAPausedNotice(t *testing.T) {
	pol := testPolicy()
	st, due := pendingClosure(t, domain.Business) // due at t0+30s
	cp := st.Measures[0]
	paused := after(t, st, &Pause{Base: op, MeasureID: cp.ID}, 10*time.Second) // 20s left
	for _, at := range []time.Time{due, due.Add(time.Hour)} {
		eff, err := Decide(pol, paused, &Close{Base: op, Violation: "spam"}, at, newIDs())
		wantRefused(t, eff, err, domain.ECONFLICT, "")
	}
	t.Run("an emergency closure does not wait", func(t *testing.T) {
		em := &domain.Emergency{Ground: "court order 12/26", RequestedBy: "operator:alice", ApprovedBy: "operator:bob"}
		eff := mustDecide(t, pol, paused, &Close{Base: op, Violation: "spam", Emergency: em}, due.Add(time.Hour), newIDs())
		if len(eff.Applied) != 1 || eff.Applied[0].Type != domain.Closure || len(eff.Lifted) != 1 || eff.Lifted[0].ID != cp.ID {
			t.Errorf("effects = %+v", eff)
		}
	})
	t.Run("resumed, the notice runs out 20s later", func(t *testing.T) {
		resumed := after(t, paused, &Resume{Base: op, MeasureID: cp.ID}, 100*time.Second) // due at 120s
		eff, err := Decide(pol, resumed, &Close{Base: op, Violation: "spam"}, t0.Add(120*time.Second-time.Microsecond), newIDs())
		wantRefused(t, eff, err, domain.ECONFLICT, "")
		eff = mustDecide(t, pol, resumed, &Close{Base: op, Violation: "spam"}, t0.Add(120*time.Second), newIDs())
		if len(eff.Applied) != 1 || eff.Applied[0].Type != domain.Closure {
			t.Errorf("effects = %+v", eff)
		}
	})
}

func TestReviewOnlyViolation(t *testing.T) {
	pol := testPolicy() // impersonation: automation false
	rule := by("rule:lookalike-name")
	inCase := &domain.Case{ID: "case-1", Violation: "impersonation", Source: domain.SourceDetection, Automated: true}
	tests := []struct {
		name string
		cs   *domain.Case
		cmd  Command
		code string // "" for allowed
	}{
		{"automated apply", nil, &Apply{Base: rule, Type: domain.Hold, Violation: "impersonation", Automated: true}, domain.EFORBIDDEN},
		{"automated escalate", nil, &Escalate{Base: rule, Violation: "impersonation", Automated: true}, domain.EFORBIDDEN},
		{"automated apply taking the case's violation", inCase, &Apply{Base: rule, Type: domain.Warning, CaseID: "case-1", Automated: true}, domain.EFORBIDDEN},
		{"automated escalate taking the case's violation", inCase, &Escalate{Base: rule, CaseID: "case-1", Automated: true}, domain.EFORBIDDEN},
		{"a person applies", nil, &Apply{Base: op, Type: domain.Hold, Violation: "impersonation"}, ""},
		{"a person escalates", nil, &Escalate{Base: op, Violation: "impersonation"}, ""},
		{"automated apply of a violation rules may act on", inCase, &Apply{Base: rule, Type: domain.Hold, Violation: "spam", Automated: true}, ""},
		{"automated escalate of a violation rules may act on", nil, &Escalate{Base: rule, Violation: "fraud", Automated: true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := State{Account: testAccount(domain.Private), Case: tc.cs}
			eff, err := Decide(pol, st, tc.cmd, t0, counterIDs())
			if tc.code != "" {
				wantRefused(t, eff, err, tc.code, "")
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
	}
}
