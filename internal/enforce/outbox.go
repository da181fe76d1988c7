package enforce

import (
	"context"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// Event types the marketplace can subscribe to.
const (
	EventStandingChanged  = "standing.changed"
	EventNoticeCreated    = "notice.created"
	EventResponseReceived = "response.received"
	EventResponseDecided  = "response.decided"
	EventDeadlineFired    = "deadline.fired"
)

// EventTypes lists every event type, for endpoint registration.
var EventTypes = []string{EventStandingChanged, EventNoticeCreated, EventResponseReceived, EventResponseDecided, EventDeadlineFired}

// announce queues, in the use case's transaction, the e-mail of every notice and the events
// for the marketplace: what was acknowledged is never lost, and nothing is sent for a change
// that did not commit.
func (s *Service) announce(ctx context.Context, tx store.Tx, acct domain.Account, before, after domain.StandingView, notices []domain.Notice, now time.Time) error {
	if len(notices) == 0 && !changed(before, after) {
		return nil
	}
	eps, err := tx.Endpoints(ctx)
	if err != nil {
		return err
	}
	for _, n := range notices {
		if err := queueEmail(ctx, tx, acct, n, now); err != nil {
			return err
		}
		if err := publishTo(ctx, tx, eps, EventNoticeCreated, acct.ID, map[string]any{
			"notice_id": n.ID, "account_id": acct.ID, "case_id": n.CaseID, "measure_id": n.MeasureID, "kind": n.Kind,
		}, now); err != nil {
			return err
		}
	}
	if changed(before, after) {
		return publishTo(ctx, tx, eps, EventStandingChanged, acct.ID, map[string]any{
			"account_id": acct.ID, "from": before.Standing, "to": after.Standing,
			"capabilities": after.Capabilities, "version": after.Version,
		}, now)
	}
	return nil
}

func changed(a, b domain.StandingView) bool {
	if a.Standing != b.Standing {
		return true
	}
	for c, ok := range a.Capabilities {
		if b.Capabilities[c] != ok {
			return true
		}
	}
	return false
}

// queueEmail queues a notice's e-mail; an account without an address gets a failed delivery
// that says so, so the notice shows it was not e-mailed.
func queueEmail(ctx context.Context, tx store.Tx, acct domain.Account, n domain.Notice, now time.Time) error {
	d := domain.Delivery{ID: NewID("dlv"), Channel: domain.ChannelEmail, NoticeID: n.ID, AccountID: acct.ID,
		Status: domain.DeliveryPending, NextAttemptAt: now, CreatedAt: now}
	if acct.Email == "" {
		d.Status, d.LastError = domain.DeliveryFailed, "the account has no e-mail address on file; the notice is in the holder's in-app inbox only"
	}
	return tx.InsertDelivery(ctx, d)
}

// publish records an event and queues one delivery to each active endpoint that wants it.
func publish(ctx context.Context, tx store.Tx, typ, accountID string, data any, now time.Time) error {
	eps, err := tx.Endpoints(ctx)
	if err != nil {
		return err
	}
	return publishTo(ctx, tx, eps, typ, accountID, data, now)
}

// publishTo is publish with the endpoints read already.
func publishTo(ctx context.Context, tx store.Tx, eps []domain.Endpoint, typ, accountID string, data any, now time.Time) error {
	e := domain.Event{ID: NewID("evt"), Type: typ, AccountID: accountID, Data: mustJSON(data), CreatedAt: now}
	if err := tx.InsertEvent(ctx, e); err != nil {
		return err
	}
	for _, ep := range eps {
		if ep.DisabledAt != nil || !ep.Wants(typ) {
			continue
		}
		if err := tx.InsertDelivery(ctx, domain.Delivery{ID: NewID("dlv"), Channel: domain.ChannelWebhook, EventID: e.ID,
			EndpointID: ep.ID, AccountID: accountID, Status: domain.DeliveryPending, NextAttemptAt: now, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}
