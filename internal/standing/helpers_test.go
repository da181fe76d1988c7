package standing

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// t0 is when every test starts; it is a Monday in the policy's time zone (UTC).
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const (
	responseWindow = 10 * time.Second
	businessNotice = 30 * time.Second
	privateNotice  = 20 * time.Second

	// the review-only violation's own notice periods
	impersonationBusinessNotice = 40 * time.Second
	impersonationPrivateNotice  = 25 * time.Second
)

// caps builds a capability set from names; it panics on an unknown name.
func caps(names ...domain.Capability) domain.CapSet {
	var s domain.CapSet
	for _, n := range names {
		c, err := domain.NewCapSet(string(n))
		if err != nil {
			panic(err)
		}
		s |= c
	}
	return s
}

// testPolicy is a small policy with durations in seconds, written as a struct literal so the
// engine's tests do not depend on the policy file parser. It is what the parser would build:
// every step's Off filled in, violation windows copied from the defaults.
func testPolicy() *policy.Policy {
	off := map[domain.MeasureType]domain.CapSet{
		domain.Warning:        0,
		domain.Restriction:    caps(domain.CapProposals),
		domain.Hold:           domain.AllCaps &^ caps(domain.CapLogin, domain.CapActiveContracts),
		domain.Suspension:     domain.AllCaps &^ caps(domain.CapLogin),
		domain.ClosurePending: domain.AllCaps &^ caps(domain.CapLogin, domain.CapActiveContracts),
		domain.Closure:        domain.AllCaps,
	}
	notice := policy.NoticePeriod{Business: businessNotice, Private: privateNotice}
	terms := func(clause, text string) policy.Terms {
		return policy.Terms{Clause: clause, Text: text, URL: "https://market.example/terms#" + strings.ReplaceAll(clause, " ", "-")}
	}
	spam := &policy.Violation{
		Name: "spam", Title: "Spam", Severity: policy.Low, Automation: true,
		Terms:       terms("§4.1", "Do not send unsolicited messages."),
		DSACategory: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
		Explanation: "Unsolicited messages drown out real offers.",
		Remediation: []string{"Stop sending bulk messages."},
		Strike:      policy.Strike{Weight: 1, Expires: 60 * time.Second},
		// warning(0) → restriction(2) → hold(4) → closure_pending(6)
		ResponseWindow: responseWindow, NoticePeriod: notice,
		Ladder: []policy.Step{
			{Strikes: 0, Measure: domain.Warning, Off: off[domain.Warning]},
			{Strikes: 2, Measure: domain.Restriction, Off: caps(domain.CapProposals, domain.CapSearchVisibility)},
			{Strikes: 4, Measure: domain.Hold, Off: off[domain.Hold]},
			{Strikes: 6, Measure: domain.ClosurePending, Off: off[domain.ClosurePending]},
		},
	}
	fraud := &policy.Violation{
		Name: "fraud", Title: "Fraud", Severity: policy.Critical, Automation: true,
		Terms:       terms("§2.3", "Do not deceive other users."),
		DSACategory: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
		Explanation: "Fraud harms buyers and sellers.",
		Remediation: []string{"Refund the affected buyers.", "Verify your identity."},
		Strike:      policy.Strike{Weight: 2, Expires: 90 * time.Second},
		// hold(0) → closure_pending(4)
		ResponseWindow: 15 * time.Second, NoticePeriod: notice,
		Ladder: []policy.Step{
			{Strikes: 0, Measure: domain.Hold, Off: off[domain.Hold]},
			{Strikes: 4, Measure: domain.ClosurePending, Off: off[domain.ClosurePending]},
		},
	}
	harassment := &policy.Violation{
		Name: "harassment", Title: "Harassment", Severity: policy.High, Automation: true,
		Terms:       terms("§5.2", "Treat other users with respect."),
		DSACategory: "STATEMENT_CATEGORY_CYBER_VIOLENCE",
		Explanation: "Harassment drives people off the marketplace.",
		Remediation: []string{"Stop contacting the user."},
		Strike:      policy.Strike{Weight: 1, Expires: 45 * time.Second},
		// restriction(0, 10s) → suspension(2, 15s) → closure_pending(3)
		ResponseWindow: responseWindow, NoticePeriod: notice,
		Ladder: []policy.Step{
			{Strikes: 0, Measure: domain.Restriction, Off: caps(domain.CapMessaging), Duration: 10 * time.Second},
			{Strikes: 2, Measure: domain.Suspension, Off: off[domain.Suspension], Duration: 15 * time.Second},
			{Strikes: 3, Measure: domain.ClosurePending, Off: off[domain.ClosurePending]},
		},
	}
	// a review-only violation: a rule may not apply its measures (Automation false), and its
	// notice periods differ from the defaults
	impersonation := &policy.Violation{
		Name: "impersonation", Title: "Impersonation", Severity: policy.High, Automation: false,
		Terms:       terms("§3.1", "Do not pretend to be someone else."),
		DSACategory: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
		Explanation: "Buyers must know whom they deal with.",
		Remediation: []string{"Verify your identity."},
		Strike:      policy.Strike{Weight: 1, Expires: 60 * time.Second},
		// hold(0) → closure_pending(2)
		ResponseWindow: 12 * time.Second, NoticePeriod: policy.NoticePeriod{Business: impersonationBusinessNotice, Private: impersonationPrivateNotice},
		Ladder: []policy.Step{
			{Strikes: 0, Measure: domain.Hold, Off: off[domain.Hold]},
			{Strikes: 2, Measure: domain.ClosurePending, Off: off[domain.ClosurePending]},
		},
	}
	return &policy.Policy{
		TermsVersion: "test-1",
		Defaults: policy.Defaults{
			ResponseWindow: responseWindow,
			NoticePeriod:   notice,
			Reminders:      []time.Duration{3 * time.Second, 1 * time.Second},
			Off:            off,
		},
		Violations: map[string]*policy.Violation{"spam": spam, "fraud": fraud, "harassment": harassment, "impersonation": impersonation},
		Order:      []string{"spam", "fraud", "harassment", "impersonation"},
	}
}

func testAccount(typ domain.AccountType) domain.Account {
	return domain.Account{ID: "acct-1", Type: typ, Country: "DE", Language: "de", Identity: domain.IdentityVerified, CreatedAt: t0}
}

// counterIDs makes ids prefix_1, prefix_2, … from one counter.
func counterIDs() IDs {
	n := 0
	return func(prefix string) string {
		n++
		return fmt.Sprintf("%s_%d", prefix, n)
	}
}

func by(actor string) Base { return Base{Actor: actor, Reason: "bulk messages to 40 buyers"} }

var op = by("operator:alice")

// store does what the caller of Decide does with its Effects: lifted measures leave the
// state (it holds unlifted measures only), updated (paused or resumed) ones replace what they
// were, and applied measures join it.
func store(st State, eff Effects) State {
	lifted := map[string]bool{}
	for _, m := range eff.Lifted {
		lifted[m.ID] = true
	}
	updated := map[string]domain.Measure{}
	for _, m := range eff.Updated {
		updated[m.ID] = m
	}
	ms := []domain.Measure{}
	for _, m := range st.Measures {
		if u, ok := updated[m.ID]; ok {
			m = u
		}
		if !lifted[m.ID] {
			ms = append(ms, m)
		}
	}
	st.Measures = append(ms, eff.Applied...)
	return st
}

// errFields returns the field names of a domain error.
func errFields(err error) []string {
	var e *domain.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func hasField(err error, field string) bool {
	for _, f := range errFields(err) {
		if f == field {
			return true
		}
	}
	return false
}

func isZero(eff Effects) bool {
	return eff.Action == "" && eff.Applied == nil && eff.Lifted == nil && eff.Updated == nil && eff.Deadlines == nil &&
		eff.CancelDeadlines == nil && eff.Notices == nil
}

func cloneMeasure(m domain.Measure) domain.Measure {
	c := m
	dup := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := *t
		return &v
	}
	c.EndsAt, c.DueAt, c.PausedAt, c.LiftedAt = dup(m.EndsAt), dup(m.DueAt), dup(m.PausedAt), dup(m.LiftedAt)
	if m.Emergency != nil {
		e := *m.Emergency
		c.Emergency = &e
	}
	return c
}

func cloneMeasures(ms []domain.Measure) []domain.Measure {
	if ms == nil {
		return nil
	}
	out := make([]domain.Measure, len(ms))
	for i, m := range ms {
		out[i] = cloneMeasure(m)
	}
	return out
}

// mustDecide runs Decide and fails the test on an error.
func mustDecide(t *testing.T, pol *policy.Policy, st State, cmd Command, now time.Time, ids IDs) Effects {
	t.Helper()
	eff, err := Decide(pol, st, cmd, now, ids)
	if err != nil {
		t.Fatalf("Decide(%T) at %s: %v", cmd, now.Sub(t0), err)
	}
	return eff
}

// wantRefused checks that err has the code (and names the field, when one is given) and that
// the refused command changed nothing.
func wantRefused(t *testing.T, eff Effects, err error, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got none; effects %+v", code, eff)
	}
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("want code %s, got %s: %v", code, got, err)
	}
	if field != "" && !hasField(err, field) {
		t.Fatalf("want the error to name field %q, it names %v: %v", field, errFields(err), err)
	}
	if !isZero(eff) {
		t.Fatalf("a refused command returned effects: %+v", eff)
	}
}

func ptr[T any](v T) *T { return &v }
