package notify

import (
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/standing"
)

// t0 is when every test's measure starts: Tuesday 12 May 2026, 09:30 UTC.
var t0 = time.Date(2026, time.May, 12, 9, 30, 0, 0, time.UTC)

const facts = "Four payments you made for delivered and approved work were disputed with your card issuer as not received within ten days."

func account(lang string) domain.Account {
	a := domain.Account{ID: "fl-1001", Type: domain.Business, Country: "GB", Language: lang, Identity: domain.IdentityVerified,
		Email: "jane@example.com", DisplayName: "Jane Doe"}
	if lang == "de" {
		a.Country, a.Email, a.DisplayName = "DE", "joerg@example.de", "Jörg Müller"
	}
	return a
}

func counter() standing.IDs {
	n := 0
	return func(prefix string) string {
		n++
		return prefix + "_" + string(rune('a'+n))
	}
}

// applied runs the real engine under the default policy to apply one measure of type mt for
// fraud, and returns its statement of reasons with what a template gets alongside it.
func applied(t testing.TB, acct domain.Account, mt domain.MeasureType, reason string) NoticeData {
	t.Helper()
	pol := policy.Default()
	var cmd standing.Command
	base := standing.Base{Actor: "operator:ana", Reason: reason}
	switch mt {
	case domain.Closure:
		cmd = &standing.Close{Base: base, Violation: "fraud", CaseID: "case_1",
			Emergency: &domain.Emergency{Ground: "Court order 12 O 345/26", RequestedBy: "operator:ana", ApprovedBy: "operator:ben"}}
	default:
		a := &standing.Apply{Base: base, Type: mt, Violation: "fraud", CaseID: "case_1"}
		if mt == domain.Suspension || mt == domain.Restriction {
			a.Duration = 14 * 24 * time.Hour
		}
		if mt == domain.Restriction {
			off := domain.CapSet(0)
			for _, c := range []domain.Capability{domain.CapProposals, domain.CapPayouts} {
				s, _ := domain.NewCapSet(string(c))
				off |= s
			}
			a.Off = &off
		}
		cmd = a
	}
	eff, err := standing.Decide(pol, standing.State{Account: acct}, cmd, t0, counter())
	if err != nil {
		t.Fatalf("engine refused %s: %v", mt, err)
	}
	n := eff.Notices[len(eff.Notices)-1]
	vt, err := pol.Violation("fraud")
	if err != nil {
		t.Fatal(err)
	}
	return NoticeData{Notice: n, Account: acct, Violation: vt, Marketplace: "Acme Market", PortalURL: "https://acme.example/standing"}
}

// followUp is a later notice about the same measure, as the deadline jobs write it: the
// applied statement again, under another kind.
func followUp(d NoticeData, kind string, at time.Time) NoticeData {
	d.Notice.ID, d.Notice.Kind, d.Notice.CreatedAt = "ntc_"+kind, kind, at
	if kind == KindMeasureLifted || kind == KindMeasureEnded {
		d.Violation = nil
	}
	return d
}

// lifted runs the engine to lift the measure behind d.
func lifted(t testing.TB, d NoticeData) NoticeData {
	t.Helper()
	st := d.Notice.Statement
	m := domain.Measure{ID: d.Notice.MeasureID, AccountID: d.Account.ID, CaseID: d.Notice.CaseID, Type: st.Measure,
		Violation: "fraud", StartsAt: st.StartsAt, EndsAt: st.EndsAt, DueAt: st.DueAt, Reason: st.Facts, CreatedBy: "operator:ana"}
	for _, c := range st.CapabilitiesOff {
		s, _ := domain.NewCapSet(string(c))
		m.Off |= s
	}
	base := standing.Base{Actor: "operator:ben", Reason: "The disputed payments were shown to be authorised."}
	var cmd standing.Command = &standing.Lift{Base: base, MeasureID: m.ID}
	if st.Measure == domain.Closure {
		cmd = &standing.Reinstate{Base: base}
	}
	eff, err := standing.Decide(policy.Default(), standing.State{Account: d.Account, Measures: []domain.Measure{m}}, cmd,
		t0.Add(48*time.Hour), counter())
	if err != nil {
		t.Fatalf("engine refused to lift %s: %v", st.Measure, err)
	}
	if len(eff.Notices) == 0 { // a warning restricts nothing, and its lift tells nobody; a template may still be asked
		end := t0.Add(48 * time.Hour)
		d.Notice.Kind, d.Notice.Statement = KindMeasureLifted, domain.Statement{Measure: st.Measure, StartsAt: st.StartsAt, EndsAt: &end,
			Facts: base.Reason, CapabilitiesOff: []domain.Capability{}, Remediation: []string{}, Redress: []string{}}
		d.Violation = nil
		return d
	}
	return NoticeData{Notice: eff.Notices[0], Account: d.Account, Marketplace: d.Marketplace, PortalURL: d.PortalURL}
}

// noticeOf returns a notice of kind about a measure of type mt, as the service would write it.
func noticeOf(t testing.TB, acct domain.Account, kind string, mt domain.MeasureType) NoticeData {
	t.Helper()
	d := applied(t, acct, mt, facts)
	switch kind {
	case KindMeasureApplied:
		return d
	case KindMeasureLifted:
		return lifted(t, d)
	default:
		return followUp(d, kind, t0.Add(4*24*time.Hour))
	}
}
