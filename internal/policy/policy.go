// Package policy reads the policy file: the violation types a marketplace enforces, their
// terms-of-service clauses, DSA categories, remediation steps, ladders, strikes and notice
// periods.
package policy

import (
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// Policy is a parsed, checked policy file.
type Policy struct {
	// TermsVersion is the terms-of-service version the policy's clauses quote.
	TermsVersion string
	Defaults     Defaults
	// Violations by name, e.g. "fraud".
	Violations map[string]*Violation
	// Order lists the violation names in file order.
	Order []string
}

// Defaults apply where a violation does not say otherwise.
type Defaults struct {
	ResponseWindow time.Duration // a hold's time to respond
	NoticePeriod   NoticePeriod  // closure_pending's notice period
	Reminders      []time.Duration
	// Off is, per measure type, the capabilities a measure switches off when the command
	// does not name them.
	Off map[domain.MeasureType]domain.CapSet
	// P2BException is the legal ground (EU P2B Art. 4(4)) for a business notice period under
	// 30 days; empty when there is none.
	P2BException string
}

// NoticePeriod differs by account type: EU P2B asks 30 days for business users.
type NoticePeriod struct {
	Business time.Duration
	Private  time.Duration
}

// For returns the notice period for an account type.
func (n NoticePeriod) For(t domain.AccountType) time.Duration {
	if t == domain.Business {
		return n.Business
	}
	return n.Private
}

// Severity ranks violation types.
type Severity string

const (
	Low      Severity = "low"
	Medium   Severity = "medium"
	High     Severity = "high"
	Critical Severity = "critical"
)

// Violation is one violation type.
type Violation struct {
	Name     string
	Title    string
	Severity Severity
	Terms    Terms
	// DSACategory is a STATEMENT_CATEGORY_* value; DSAKeywords are KEYWORD_* values.
	DSACategory string
	DSAKeywords []string
	// Explanation says in plain words why the clause matters; it goes into notices.
	Explanation string
	Remediation []string
	// Automation says whether a detection rule may apply a measure without review.
	Automation     bool
	Strike         Strike
	ResponseWindow time.Duration
	NoticePeriod   NoticePeriod
	// P2BException is the ground for a business notice period under 30 days, the
	// violation's own or the defaults'.
	P2BException string
	Ladder       []Step
	// Translations hold the violation's texts in other languages, by ISO 639-1 code.
	Translations map[string]Text
	// RepeatNotices makes a repeat infringer: Count third-party notices about one account
	// within Within (zero Count: the violation does not count notices).
	RepeatNotices struct {
		Count  int
		Within time.Duration
	}
}

// Terms is the terms-of-service clause a violation breaks.
type Terms struct {
	Clause string
	Text   string
	URL    string
}

// Strike is the weight and lifetime of the warning each violation records.
type Strike struct {
	Weight  int
	Expires time.Duration
}

// Step is one rung of a violation's ladder: once an account's active strikes reach Strikes,
// the next violation applies Measure.
type Step struct {
	Strikes  int
	Measure  domain.MeasureType
	Off      domain.CapSet // capabilities off; the measure type's default when the file names none
	Duration time.Duration // restriction or suspension length; zero means open-ended (restriction only)
}

// Violation returns the named violation type or a not-found error listing what exists.
func (p *Policy) Violation(name string) (*Violation, error) {
	if v, ok := p.Violations[name]; ok {
		return v, nil
	}
	return nil, domain.Errorf(domain.EINVALID, "violation: unknown violation type %q (the policy has: %v)", name, p.Order)
}

// Off returns the capabilities a measure of type t switches off under default settings.
func (p *Policy) Off(t domain.MeasureType) domain.CapSet { return p.Defaults.Off[t] }

// Text is what a notice quotes from a violation, in one language.
type Text struct {
	Title       string
	TermsText   string
	Explanation string
	Remediation []string
}

// In returns the violation with its texts in lang where the policy has them; each text the
// translation lacks stays in the policy's own language.
func (v *Violation) In(lang string) *Violation {
	if v == nil {
		return nil
	}
	t, ok := v.Translations[lang]
	if !ok {
		return v
	}
	c := *v
	if t.Title != "" {
		c.Title = t.Title
	}
	if t.TermsText != "" {
		c.Terms.Text = t.TermsText
	}
	if t.Explanation != "" {
		c.Explanation = t.Explanation
	}
	if len(t.Remediation) > 0 {
		c.Remediation = t.Remediation
	}
	return &c
}
