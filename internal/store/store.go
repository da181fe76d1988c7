// Package store defines what Standing keeps and how use cases reach it: one transaction per
// use case, on SQLite or PostgreSQL (see sqlstore).
package store

import (
	"context"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
)

// Store is Standing's database.
type Store interface {
	Reader
	// Tx runs fn in one transaction: everything fn wrote commits together when it returns
	// nil, and nothing survives when it returns an error.
	Tx(ctx context.Context, fn func(Tx) error) error
	// AuditRecords calls fn with every audit record from seq `from` on, in order.
	AuditRecords(ctx context.Context, from int64, fn func(audit.Record) error) error
	// ClaimDelivery leases a due, pending delivery to one sender until `until` and reports
	// whether this caller got it; a sender that dies lets the lease run out and another retry.
	ClaimDelivery(ctx context.Context, id string, now, until time.Time) (bool, error)
	// NoticesSince calls fn with every notice created at or after since, oldest first.
	NoticesSince(ctx context.Context, since time.Time, fn func(domain.Notice) error) error
	// CountActivity counts the stored events from `since` on.
	CountActivity(ctx context.Context, since time.Time) (int64, error)
	// HumanDecisions returns, per violation, the accounts a person (not a rule or a deadline)
	// applied a measure to: the outcomes a backtest can score rules against.
	HumanDecisions(ctx context.Context) (map[string][]string, error)
	// Activity calls fn with the stored events from `since` on, in time order.
	Activity(ctx context.Context, since time.Time, fn func(*domain.ActivityEvent) error) error
	// ClaimKey records that actor's request with an Idempotency-Key started, unless the key
	// was used before: then it returns the earlier request's record and false.
	ClaimKey(ctx context.Context, k IdempotentRequest) (IdempotentRequest, bool, error)
	// FinishKey stores the answer to a claimed key; ReleaseKey forgets a claim whose request
	// failed without changing anything, so that a retry runs again.
	FinishKey(ctx context.Context, actor, key string, status int, body []byte) error
	ReleaseKey(ctx context.Context, actor, key string) error
	// Dialect names the engine: "sqlite" or "postgres".
	Dialect() string
	Close() error
}

// Reader holds the queries a use case may run inside or outside a transaction.
type Reader interface {
	Account(ctx context.Context, id string) (domain.Account, error)
	// Measures returns the account's measures that were not lifted and have not ended by
	// `since`, oldest first.
	Measures(ctx context.Context, accountID string, since time.Time) ([]domain.Measure, error)
	// Standing returns an account's version and its measures that were not lifted and have
	// not ended by `since`, in one read: the marketplace's hot path.
	Standing(ctx context.Context, accountID string, since time.Time) (version int64, ms []domain.Measure, err error)
	// AllMeasures returns every measure of the account, oldest first.
	AllMeasures(ctx context.Context, accountID string) ([]domain.Measure, error)
	Measure(ctx context.Context, id string) (domain.Measure, error)
	Case(ctx context.Context, id string) (domain.Case, error)
	Cases(ctx context.Context, accountID string) ([]domain.Case, error)
	// Queue lists cases across accounts, oldest first, after the case id `after`: those in
	// status (all unresolved ones when status is ""), of one violation when it is not "".
	Queue(ctx context.Context, status, violation, after string, limit int) ([]domain.Case, error)
	Notices(ctx context.Context, accountID string) ([]domain.Notice, error)
	Deadlines(ctx context.Context, measureID string) ([]domain.Deadline, error)
	EmergencyRequest(ctx context.Context, id string) (EmergencyRequest, error)
	// PendingEmergencyRequests lists the account's emergency closure requests that wait for
	// approval.
	PendingEmergencyRequests(ctx context.Context, accountID string) ([]EmergencyRequest, error)
	// Timeline returns audit records about an account or a case (exactly one of the two set),
	// with seq greater than after, oldest first, at most limit.
	Timeline(ctx context.Context, accountID, caseID string, after int64, limit int) ([]audit.Record, error)
	AuditHead(ctx context.Context) (audit.Checkpoint, error)
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	// DueDeadlines returns pending deadlines due at or before now, earliest first.
	DueDeadlines(ctx context.Context, now time.Time, limit int) ([]domain.Deadline, error)
	Deadline(ctx context.Context, id string) (domain.Deadline, error)
	Response(ctx context.Context, id string) (domain.Response, error)
	Responses(ctx context.Context, accountID string) ([]domain.Response, error)
	Notice(ctx context.Context, id string) (domain.Notice, error)
	Event(ctx context.Context, id string) (domain.Event, error)
	Endpoints(ctx context.Context) ([]domain.Endpoint, error)
	Endpoint(ctx context.Context, id string) (domain.Endpoint, error)
	Delivery(ctx context.Context, id string) (domain.Delivery, error)
	// Deliveries lists the deliveries of a notice, an event or an endpoint (one of them set).
	Deliveries(ctx context.Context, noticeID, eventID, endpointID string, limit int) ([]domain.Delivery, error)
	// DueDeliveries returns pending deliveries whose next attempt is due, earliest first.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]domain.Delivery, error)
	Templates(ctx context.Context) ([]domain.Template, error)
	// CountReports counts the reports about an account for a violation since a time.
	CountReports(ctx context.Context, accountID, violation string, since time.Time) (int, error)
	Reports(ctx context.Context, accountID string) ([]domain.Report, error)
	// RuleHits lists hits, newest first, of one rule or about one account (either may be "").
	RuleHits(ctx context.Context, rule, accountID string, limit int) ([]domain.RuleHit, error)
	// HitRecorded reports whether a rule's hit on an event is on record already.
	HitRecorded(ctx context.Context, rule, eventSource, eventID string) (bool, error)
	// DetectedUntil returns how far detection got: the commit time of the last events it
	// finished (zero when it never ran).
	DetectedUntil(ctx context.Context) (time.Time, error)
	// LatestRuleSet returns the newest saved rule set; ENOTFOUND when none was saved.
	LatestRuleSet(ctx context.Context) (domain.RuleSetVersion, error)
	CountAccounts(ctx context.Context) (int64, error)
}

// Tx is one transaction.
type Tx interface {
	Reader
	// LockAccount reads an account and holds it against concurrent changes until the end of
	// the transaction.
	LockAccount(ctx context.Context, id string) (domain.Account, error)
	// PutAccount inserts a new account or replaces an existing one.
	PutAccount(ctx context.Context, a domain.Account) error
	InsertCase(ctx context.Context, c domain.Case) error
	UpdateCase(ctx context.Context, c domain.Case) error
	InsertEvidence(ctx context.Context, e domain.Evidence) error
	InsertMeasure(ctx context.Context, m domain.Measure) error
	// LiftMeasure records that a measure was lifted.
	LiftMeasure(ctx context.Context, m domain.Measure) error
	InsertDeadline(ctx context.Context, d domain.Deadline) error
	// CancelDeadlines cancels the pending deadlines of the given measures.
	CancelDeadlines(ctx context.Context, measureIDs []string) error
	InsertNotice(ctx context.Context, n domain.Notice) error
	InsertEmergencyRequest(ctx context.Context, r EmergencyRequest) error
	UpdateEmergencyRequest(ctx context.Context, r EmergencyRequest) error
	InsertAPIKey(ctx context.Context, k APIKey) error
	// ClaimDeadline marks a due, pending deadline fired and reports whether this transaction
	// won it: the deadline's effect, written in the same transaction, happens exactly once.
	ClaimDeadline(ctx context.Context, id string, now time.Time) (bool, error)
	// UpdateMeasureClock records a measure's paused_at and due_at.
	UpdateMeasureClock(ctx context.Context, m domain.Measure) error
	InsertResponse(ctx context.Context, r domain.Response) error
	UpdateResponse(ctx context.Context, r domain.Response) error
	InsertEvent(ctx context.Context, e domain.Event) error
	InsertDelivery(ctx context.Context, d domain.Delivery) error
	// UpdateDelivery records an attempt's outcome (status, attempts, times, errors).
	UpdateDelivery(ctx context.Context, d domain.Delivery) error
	InsertEndpoint(ctx context.Context, e domain.Endpoint) error
	DisableEndpoint(ctx context.Context, id string, at time.Time) error
	PutTemplate(ctx context.Context, t domain.Template) error
	InsertReport(ctx context.Context, r domain.Report) error
	InsertRuleHits(ctx context.Context, hs []domain.RuleHit) error
	InsertRuleSet(ctx context.Context, rs domain.RuleSetVersion) error
	SetDetectedUntil(ctx context.Context, t time.Time) error
	// InsertActivity stores events whose (source, id) is new and reports, per event, whether
	// it was new: a retried event is not stored twice.
	InsertActivity(ctx context.Context, evs []*domain.ActivityEvent, receivedAt time.Time) ([]bool, error)
	// Append chains e to the audit record and returns the record written. A use case calls it
	// last, once per change.
	Append(ctx context.Context, e audit.Entry) (audit.Record, error)
}

// APIKey is a credential of the marketplace's back end or an operator's tool. Only the
// SHA-256 of the key is kept.
type APIKey struct {
	ID        string
	Name      string
	Hash      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// IdempotentRequest is a request sent with an Idempotency-Key, and its answer once known.
type IdempotentRequest struct {
	Actor, Key, Method, Path, RequestHash string
	Status                                int // 0 while the first request runs or when its outcome is unknown
	Body                                  []byte
	CreatedAt                             time.Time
}

// EmergencyRequest is an operator's request to close an account without a notice period,
// waiting for a second operator's approval.
type EmergencyRequest struct {
	ID          string     `json:"id"`
	AccountID   string     `json:"account_id"`
	CaseID      string     `json:"case_id"`
	Violation   string     `json:"violation"`
	Ground      string     `json:"ground"`
	Reason      string     `json:"reason"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Status      string     `json:"status"` // pending, approved
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
}
