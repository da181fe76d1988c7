package domain

import (
	"encoding/json"
	"time"
)

// RuleHit is one detection rule matching one event: what the rule would do or did, and the
// feature values it saw.
type RuleHit struct {
	ID          string         `json:"id"`
	Rule        string         `json:"rule"`
	Version     int            `json:"version"`
	RuleSet     int64          `json:"rule_set"`
	Description string         `json:"description,omitempty"`
	Shadow      bool           `json:"shadow"`
	AccountID   string         `json:"account_id"`
	EventSource string         `json:"event_source"`
	EventID     string         `json:"event_id"`
	EventType   string         `json:"event_type"`
	At          time.Time      `json:"at"`
	Outcome     HitOutcome     `json:"outcome"`
	Features    map[string]any `json:"features,omitempty"`
	// LinkedClosed names the closed accounts behind a linked-accounts feature.
	LinkedClosed []string `json:"linked_closed,omitempty"`
	// CaseID and MeasureID say what came of an active hit.
	CaseID    string `json:"case_id,omitempty"`
	MeasureID string `json:"measure_id,omitempty"`
}

// HitOutcome is what a rule asks for when it matches.
type HitOutcome struct {
	Score     int    `json:"score,omitempty"`
	Tag       string `json:"tag,omitempty"`
	Review    bool   `json:"review,omitempty"`
	Measure   string `json:"measure,omitempty"`
	Violation string `json:"violation,omitempty"`
}

// Acts reports whether the outcome asks for more than a record: a case or a measure.
func (o HitOutcome) Acts() bool { return o.Review || o.Measure != "" }

// RuleSetVersion is one saved version of the detection rules.
type RuleSetVersion struct {
	Version int64           `json:"version"`
	Rules   json.RawMessage `json:"rules"`
	SavedBy string          `json:"saved_by"`
	SavedAt time.Time       `json:"saved_at"`
}
