package enforce

import (
	"context"
	"slices"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store"
)

// NoticeContext returns a notice with what its text needs: the account and the violation.
func (s *Service) NoticeContext(ctx context.Context, noticeID string) (domain.Notice, domain.Account, *policy.Violation, error) {
	n, err := s.Store.Notice(ctx, noticeID)
	if err != nil {
		return n, domain.Account{}, nil, err
	}
	a, err := s.Store.Account(ctx, n.AccountID)
	if err != nil {
		return n, a, nil, err
	}
	var vt *policy.Violation
	if m, err := s.Store.Measure(ctx, n.MeasureID); err == nil {
		vt = s.Policy.Violations[m.Violation].In(a.Language)
	}
	return n, a, vt, nil
}

// RecordDelivery records a delivery attempt's outcome. Attempts are operational, not changes
// to anyone's standing: the delivery log is their record, not the audit chain.
func (s *Service) RecordDelivery(ctx context.Context, d domain.Delivery) error {
	return s.Store.Tx(ctx, func(tx store.Tx) error { return tx.UpdateDelivery(ctx, d) })
}

// Redeliver queues a delivery again, now, whatever became of it.
func (s *Service) Redeliver(ctx context.Context, actor, id string) (domain.Delivery, error) {
	now := s.now()
	var d domain.Delivery
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		var err error
		if d, err = tx.Delivery(ctx, id); err != nil {
			return err
		}
		if d.Channel == domain.ChannelWebhook {
			ep, err := tx.Endpoint(ctx, d.EndpointID)
			if err != nil {
				return err
			}
			if ep.DisabledAt != nil {
				return domain.Errorf(domain.ECONFLICT, "webhook endpoint %s is disabled; register it again to send to it", ep.ID)
			}
		}
		// A fresh start: the redelivery gets every retry again.
		d.Status, d.NextAttemptAt, d.LastError, d.Attempts = domain.DeliveryPending, now, "", 0
		if err := tx.UpdateDelivery(ctx, d); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "delivery.redeliver", AccountID: d.AccountID,
			Subject: d.ID, After: mustJSON(d)})
		return err
	})
	return d, err
}

// EndpointInput registers a webhook endpoint.
type EndpointInput struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// AddEndpoint registers a webhook endpoint with its signing secret (made by the caller).
func (s *Service) AddEndpoint(ctx context.Context, actor string, in EndpointInput, secret string) (domain.Endpoint, error) {
	var v domain.Validation
	if err := checkURL(in.URL); err != nil {
		v.Add("url", "%v", err)
	}
	if len(in.Events) == 0 {
		in.Events = []string{"*"}
	}
	for _, e := range in.Events {
		if e != "*" && !slices.Contains(EventTypes, e) {
			v.Add("events", "unknown event type %q (known: %v, or \"*\")", e, EventTypes)
		}
	}
	if len(in.Description) > domain.MaxTextLen {
		v.Add("description", "at most %d bytes", domain.MaxTextLen)
	}
	if err := v.Err(); err != nil {
		return domain.Endpoint{}, err
	}
	now := s.now()
	ep := domain.Endpoint{ID: NewID("whe"), URL: in.URL, Secret: secret, Events: in.Events, Description: in.Description, CreatedAt: now}
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		if err := tx.InsertEndpoint(ctx, ep); err != nil {
			return err
		}
		_, err := tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "webhook.add", Subject: ep.ID, After: mustJSON(ep)})
		return err
	})
	return ep, err
}

// DisableEndpoint stops deliveries to an endpoint.
func (s *Service) DisableEndpoint(ctx context.Context, actor, id string) error {
	now := s.now()
	return s.Store.Tx(ctx, func(tx store.Tx) error {
		ep, err := tx.Endpoint(ctx, id)
		if err != nil {
			return err
		}
		if ep.DisabledAt != nil {
			return domain.Errorf(domain.ECONFLICT, "webhook endpoint %s is disabled already", id)
		}
		if err := tx.DisableEndpoint(ctx, id, now); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "webhook.disable", Subject: id})
		return err
	})
}

// PutTemplate stores an operator's edit of a notice template once check accepts it.
func (s *Service) PutTemplate(ctx context.Context, actor string, t domain.Template, check func(domain.Template) error) (domain.Template, error) {
	if err := check(t); err != nil {
		return t, err
	}
	now := s.now()
	t.UpdatedBy, t.UpdatedAt = actor, now
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		if err := tx.PutTemplate(ctx, t); err != nil {
			return err
		}
		_, err := tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "template.put",
			Subject: t.Language + "/" + t.Kind + "/" + t.Part, After: mustJSON(t)})
		return err
	})
	return t, err
}
