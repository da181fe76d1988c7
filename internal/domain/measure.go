package domain

import "time"

// MeasureType is what is applied to an account.
type MeasureType string

const (
	Warning        MeasureType = "warning"         // a strike, with expiry
	Restriction    MeasureType = "restriction"     // some capabilities off
	Hold           MeasureType = "hold"            // temporary closure with a response deadline
	Suspension     MeasureType = "suspension"      // fixed term, ends by itself
	ClosurePending MeasureType = "closure_pending" // the warning before closure: a notice period runs
	Closure        MeasureType = "closure"         // permanent
)

// MeasureTypes lists every measure type, least severe first.
var MeasureTypes = []MeasureType{Warning, Restriction, Hold, Suspension, ClosurePending, Closure}

// ParseMeasureType returns the measure type named s.
func ParseMeasureType(s string) (MeasureType, bool) {
	for _, t := range MeasureTypes {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// Measure is one measure on one account, belonging to one case.
type Measure struct {
	ID        string      `json:"id"`
	AccountID string      `json:"account_id"`
	CaseID    string      `json:"case_id"`
	Type      MeasureType `json:"type"`
	Violation string      `json:"violation"`
	// Off is the set of capabilities the measure switches off while active.
	Off CapSet `json:"capabilities_off"`
	// Weight is a warning's strike weight.
	Weight   int       `json:"strike_weight,omitempty"`
	StartsAt time.Time `json:"starts_at"`
	// EndsAt is when the measure ends by itself (warning expiry, restriction or suspension end).
	EndsAt *time.Time `json:"ends_at,omitempty"`
	// DueAt is a deadline that does not end the measure: a hold's response deadline or the
	// end of a closure_pending notice period.
	DueAt     *time.Time `json:"due_at,omitempty"`
	Reason    string     `json:"reason"`
	Automated bool       `json:"automated"`
	CreatedBy string     `json:"created_by"`
	// PausedAt is set while a holder's response is reviewed: the deadline's clock stopped.
	PausedAt   *time.Time `json:"paused_at,omitempty"`
	LiftedAt   *time.Time `json:"lifted_at,omitempty"`
	LiftedBy   string     `json:"lifted_by,omitempty"`
	LiftReason string     `json:"lift_reason,omitempty"`
	// Emergency is set on a closure that skipped the notice period.
	Emergency *Emergency `json:"emergency,omitempty"`
}

// Emergency records the two-operator approval of a closure without a notice period.
type Emergency struct {
	Ground      string `json:"ground"`
	RequestedBy string `json:"requested_by"`
	ApprovedBy  string `json:"approved_by"`
}

// Active reports whether m is in force at now.
func (m Measure) Active(now time.Time) bool {
	if m.LiftedAt != nil || now.Before(m.StartsAt) {
		return false
	}
	return m.EndsAt == nil || now.Before(*m.EndsAt)
}

// Restricts reports whether the measure restricts anything (and so needs a statement of reasons).
func (m Measure) Restricts() bool { return m.Off != 0 || m.Type == Closure || m.Type == ClosurePending }
