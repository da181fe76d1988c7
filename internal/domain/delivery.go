package domain

import (
	"encoding/json"
	"time"
)

// Response is a holder's answer to a measure: an explanation, and the items they fixed.
type Response struct {
	ID         string     `json:"id"`
	AccountID  string     `json:"account_id"`
	MeasureID  string     `json:"measure_id"`
	CaseID     string     `json:"case_id"`
	Text       string     `json:"text"`
	Fixed      []string   `json:"fixed"`
	Status     string     `json:"status"` // under_review, accepted, rejected
	ReceivedAt time.Time  `json:"received_at"`
	DecidedBy  string     `json:"decided_by,omitempty"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	Decision   string     `json:"decision,omitempty"` // the reviewer's reason
}

// Event is something the marketplace hears about through its webhooks.
type Event struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"` // standing.changed, notice.created, response.received, deadline.fired
	AccountID string          `json:"account_id"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// Endpoint is a webhook receiver the marketplace registered.
type Endpoint struct {
	ID          string     `json:"id"`
	URL         string     `json:"url"`
	Secret      string     `json:"-"`
	Events      []string   `json:"events"` // event types, or ["*"]
	Description string     `json:"description,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DisabledAt  *time.Time `json:"disabled_at,omitempty"`
}

// Wants reports whether the endpoint subscribed to events of type t.
func (e Endpoint) Wants(t string) bool {
	for _, w := range e.Events {
		if w == "*" || w == t {
			return true
		}
	}
	return false
}

// Delivery channels.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Delivery states.
const (
	DeliveryPending = "pending" // waiting for its next attempt
	DeliverySent    = "sent"
	DeliveryFailed  = "failed" // gave up after its last attempt, or cannot be sent at all
)

// Delivery is one message to send, with its attempts on the record.
type Delivery struct {
	ID            string     `json:"id"`
	Channel       string     `json:"channel"`
	NoticeID      string     `json:"notice_id,omitempty"`
	EventID       string     `json:"event_id,omitempty"`
	EndpointID    string     `json:"endpoint_id,omitempty"`
	AccountID     string     `json:"account_id"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	LastStatus    int        `json:"last_status,omitempty"` // a webhook's last HTTP status
	SentAt        *time.Time `json:"sent_at,omitempty"`
	MessageID     string     `json:"message_id,omitempty"` // an e-mail's Message-ID
	CreatedAt     time.Time  `json:"created_at"`
}

// Template is an operator's edit of one part of a notice template.
type Template struct {
	Language  string    `json:"language"`
	Kind      string    `json:"kind"`
	Part      string    `json:"part"` // subject, text, html
	Source    string    `json:"source"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}
