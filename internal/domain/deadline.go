package domain

import "time"

// DeadlineKind names what a deadline does when it fires.
type DeadlineKind string

const (
	ResponseDue      DeadlineKind = "response_due"
	Reminder         DeadlineKind = "reminder"
	MeasureEnds      DeadlineKind = "measure_ends"
	ClosureEffective DeadlineKind = "closure_effective"
	StrikeExpires    DeadlineKind = "strike_expires"
)

// DeadlineStatus is pending until the deadline fires or is cancelled.
type DeadlineStatus string

const (
	DeadlinePending   DeadlineStatus = "pending"
	DeadlineFired     DeadlineStatus = "fired"
	DeadlineCancelled DeadlineStatus = "cancelled"
)

// Deadline is a durable timer written in the same transaction as the measure it serves.
type Deadline struct {
	ID        string         `json:"id"`
	Kind      DeadlineKind   `json:"kind"`
	AccountID string         `json:"account_id"`
	CaseID    string         `json:"case_id"`
	MeasureID string         `json:"measure_id"`
	DueAt     time.Time      `json:"due_at"`
	Status    DeadlineStatus `json:"status"`
}

// Notice is the statement of reasons a restricting measure produces, written in the same
// transaction as the measure.
type Notice struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	CaseID    string    `json:"case_id"`
	MeasureID string    `json:"measure_id"`
	Kind      string    `json:"kind"` // measure_applied, measure_lifted, deadline_missed, reminder, measure_ended
	Language  string    `json:"language"`
	Statement Statement `json:"statement"`
	CreatedAt time.Time `json:"created_at"`
}

// Statement holds what Art. 17(3) DSA asks a statement of reasons to say.
type Statement struct {
	Measure          MeasureType  `json:"measure"`
	CapabilitiesOff  []Capability `json:"capabilities_off"`
	StartsAt         time.Time    `json:"starts_at"`
	EndsAt           *time.Time   `json:"ends_at,omitempty"`
	DueAt            *time.Time   `json:"due_at,omitempty"`
	Facts            string       `json:"facts"`
	Source           CaseSource   `json:"source"`
	AutomatedDetect  bool         `json:"automated_detection"`
	AutomatedDecide  bool         `json:"automated_decision"`
	TermsClause      string       `json:"terms_clause"`
	TermsURL         string       `json:"terms_url"`
	Explanation      string       `json:"explanation"`
	Remediation      []string     `json:"remediation"`
	IfDeadlineMissed string       `json:"if_deadline_missed,omitempty"`
	Redress          []string     `json:"redress"`
}
