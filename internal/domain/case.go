package domain

import (
	"encoding/json"
	"time"
)

// CaseSource is where a case came from; it maps to the DSA source_type.
type CaseSource string

const (
	SourceDetection    CaseSource = "detection"   // the platform's own detection (rules or staff)
	SourceUserNotice   CaseSource = "user_notice" // a notice from anyone (DSA Art. 16)
	SourceTrustedFlag  CaseSource = "trusted_flagger"
	SourceRightsHolder CaseSource = "rights_holder"
)

// CaseStatus is where a case is in its life.
type CaseStatus string

const (
	CaseOpen           CaseStatus = "open"
	CaseAwaitingHolder CaseStatus = "awaiting_holder"
	CaseUnderReview    CaseStatus = "under_review"
	CaseResolved       CaseStatus = "resolved"
)

// Case is one matter about one account.
type Case struct {
	ID        string     `json:"id"`
	AccountID string     `json:"account_id"`
	Violation string     `json:"violation"`
	Source    CaseSource `json:"source"`
	Status    CaseStatus `json:"status"`
	// Resolution says how a resolved case ended: remediated, dismissed or escalated.
	Resolution string `json:"resolution,omitempty"`
	Summary    string `json:"summary"`
	// Notifier names who sent the notice, for cases from a notice.
	Notifier  string     `json:"notifier,omitempty"`
	Automated bool       `json:"automated_detection"`
	OpenedBy  string     `json:"opened_by"`
	OpenedAt  time.Time  `json:"opened_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Evidence  []Evidence `json:"evidence"`
}

// EvidenceKind says what a piece of evidence is.
type EvidenceKind string

const (
	EvidenceEvent   EvidenceKind = "event"
	EvidenceRuleHit EvidenceKind = "rule_hit"
	EvidenceReport  EvidenceKind = "report"
	EvidenceFile    EvidenceKind = "file"
	EvidenceNote    EvidenceKind = "note"
)

// Evidence is one fact a case relies on.
type Evidence struct {
	ID          string          `json:"id"`
	CaseID      string          `json:"case_id"`
	Kind        EvidenceKind    `json:"kind"`
	Description string          `json:"description"`
	Data        json.RawMessage `json:"data,omitempty"`
	AddedBy     string          `json:"added_by"`
	AddedAt     time.Time       `json:"added_at"`
}

// Limits on case input.
const (
	MaxEvidencePerCall = 100
	MaxDescriptionLen  = 5000
	MaxEvidenceData    = 64 << 10
)

// ValidateEvidence checks one piece of evidence; field names are prefixed with prefix.
func ValidateEvidence(v *Validation, prefix string, e Evidence) {
	switch e.Kind {
	case EvidenceEvent, EvidenceRuleHit, EvidenceReport, EvidenceFile, EvidenceNote:
	default:
		v.Add(prefix+".kind", "must be one of event, rule_hit, report, file, note; got %q", e.Kind)
	}
	if e.Description == "" {
		v.Add(prefix+".description", "is required")
	} else if len(e.Description) > MaxDescriptionLen {
		v.Add(prefix+".description", "at most %d bytes", MaxDescriptionLen)
	}
	if len(e.Data) > MaxEvidenceData {
		v.Add(prefix+".data", "at most %d bytes", MaxEvidenceData)
	}
}

// ParseCaseSource returns the source named s.
func ParseCaseSource(s string) (CaseSource, bool) {
	switch c := CaseSource(s); c {
	case SourceDetection, SourceUserNotice, SourceTrustedFlag, SourceRightsHolder:
		return c, true
	}
	return "", false
}

// Report is a third-party notice about an account: from a user, a trusted flagger or a rights
// holder (for copyright: the work and the infringing item).
type Report struct {
	ID          string     `json:"id"`
	AccountID   string     `json:"account_id"`
	CaseID      string     `json:"case_id"`
	Source      CaseSource `json:"source"`
	Violation   string     `json:"violation"`
	Notifier    Notifier   `json:"notifier"`
	Description string     `json:"description"`
	Work        string     `json:"work,omitempty"`            // the protected work, for copyright
	Item        string     `json:"infringing_item,omitempty"` // the infringing item, e.g. a portfolio URL
	ReceivedAt  time.Time  `json:"received_at"`
}

// Notifier is who sent a notice.
type Notifier struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Organisation string `json:"organisation,omitempty"`
}
