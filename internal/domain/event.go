package domain

import (
	"encoding/json"
	"time"
)

// ActivityEvent is one thing an account did on the marketplace, in the CloudEvents shape.
// Subject is the account's id; id makes a retry harmless.
//
// Types Standing knows: signup, login, message, proposal, contract, payment, chargeback,
// payout_method_change, profile_edit, review. Data fields the default rules read: ip,
// country (ISO 3166-1 alpha-2), device_id, counterpart (another account's id; for a review,
// the account reviewed), text, amount, currency, status (a payment's: failed, chargeback),
// payout_instrument (a fingerprint, never the number), rating.
type ActivityEvent struct {
	ID          string          `json:"id"`
	Source      string          `json:"source"`
	Type        string          `json:"type"`
	Time        time.Time       `json:"time"`
	Subject     string          `json:"subject"`
	SpecVersion string          `json:"specversion,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
	// Fields is Data decoded, for rules and features; it is not stored twice.
	Fields map[string]any `json:"-"`
	// ReceivedAt is when the event was committed, set by intake.
	ReceivedAt time.Time `json:"-"`
}

// Str returns a string field of the event's data, or "".
func (e *ActivityEvent) Str(name string) string {
	s, _ := e.Fields[name].(string)
	return s
}
