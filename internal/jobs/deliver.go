package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/notify"
)

// Deliverer sends the queued e-mails and webhook calls, retrying with exponential backoff.
type Deliverer struct {
	Svc       *enforce.Service
	Log       *slog.Logger
	Mailer    *notify.Mailer // nil when no SMTP server is configured
	Webhooks  *notify.WebhookSender
	Templates interface {
		Render(notify.NoticeData) (notify.Message, error)
	}
	// Marketplace and PortalURL go into the notices' text.
	Marketplace, PortalURL string
	// Sent, Retried and Failed count attempts by outcome, for metrics.
	Sent, Retried, Failed atomic.Int64
}

// Backoff is the wait before each retry; after the last, a delivery has failed for good.
var Backoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute,
	30 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}

// lease is how long one sender owns a delivery; past it, another may retry.
const lease = 2 * time.Minute

// Tick attempts up to batch due deliveries.
func (d *Deliverer) Tick(ctx context.Context, batch int) int {
	now := d.Svc.Now().UTC()
	due, err := d.Svc.Store.DueDeliveries(ctx, now, batch)
	if err != nil {
		if ctx.Err() == nil {
			d.Log.Error("read due deliveries", "err", err)
		}
		return 0
	}
	done := 0
	for _, dl := range due {
		won, err := d.Svc.Store.ClaimDelivery(ctx, dl.ID, now, now.Add(lease))
		if err != nil || !won {
			continue
		}
		if err := d.attempt(ctx, dl); err != nil && ctx.Err() == nil {
			d.Log.Error("record delivery", "delivery", dl.ID, "err", err)
			continue
		}
		done++
	}
	return done
}

var errNoSMTP = errors.New("no SMTP server is configured (set STANDING_SMTP_URL); the notice is in the holder's in-app inbox")

// permanent marks an error no retry can cure.
type permanent struct{ error }

// attempt sends one delivery and records the outcome.
func (d *Deliverer) attempt(ctx context.Context, dl domain.Delivery) error {
	var status int
	var msgID string
	var err error
	switch dl.Channel {
	case domain.ChannelEmail:
		msgID, err = d.email(ctx, dl)
	case domain.ChannelWebhook:
		status, err = d.webhook(ctx, dl)
	default:
		err = permanent{fmt.Errorf("unknown channel %q", dl.Channel)}
	}
	now := d.Svc.Now().UTC()
	dl.Attempts++
	dl.LastStatus = status
	switch {
	case err == nil:
		d.Sent.Add(1)
		dl.Status, dl.SentAt, dl.MessageID, dl.LastError = domain.DeliverySent, &now, msgID, ""
	case errors.As(err, new(permanent)) || dl.Attempts > len(Backoff):
		d.Failed.Add(1)
		dl.Status, dl.LastError = domain.DeliveryFailed, err.Error()
		level := slog.LevelWarn
		if errors.Is(err, errNoSMTP) {
			level = slog.LevelDebug // a setting, not an incident: said once at start
		}
		d.Log.Log(ctx, level, "delivery failed", "delivery", dl.ID, "channel", dl.Channel, "attempts", dl.Attempts, "err", err)
	default:
		d.Retried.Add(1)
		dl.LastError, dl.NextAttemptAt = err.Error(), now.Add(Backoff[dl.Attempts-1])
		d.Log.Info("delivery will be retried", "delivery", dl.ID, "channel", dl.Channel, "attempts", dl.Attempts,
			"next", dl.NextAttemptAt, "err", err)
	}
	return d.Svc.RecordDelivery(context.WithoutCancel(ctx), dl)
}

func (d *Deliverer) email(ctx context.Context, dl domain.Delivery) (string, error) {
	if d.Mailer == nil {
		return "", permanent{errNoSMTP}
	}
	n, acct, vt, err := d.Svc.NoticeContext(ctx, dl.NoticeID)
	if err != nil {
		return "", permanent{err}
	}
	msg, err := d.Templates.Render(notify.NoticeData{Notice: n, Account: acct, Violation: vt, Marketplace: d.Marketplace, PortalURL: d.PortalURL})
	if err != nil {
		return "", permanent{fmt.Errorf("render notice %s: %w", n.ID, err)}
	}
	if msg.To == "" {
		return "", permanent{errors.New("the account has no e-mail address on file")}
	}
	id, err := d.Mailer.Send(ctx, msg)
	var me *notify.MailError
	if errors.As(err, &me) && !me.Temporary {
		return "", permanent{err} // e.g. the server refused the recipient for good
	}
	return id, err
}

// webhookBody is the Standard Webhooks payload shape.
type webhookBody struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

func (d *Deliverer) webhook(ctx context.Context, dl domain.Delivery) (int, error) {
	ep, err := d.Svc.Store.Endpoint(ctx, dl.EndpointID)
	if err != nil {
		return 0, permanent{err}
	}
	if ep.DisabledAt != nil {
		return 0, permanent{fmt.Errorf("the endpoint %s was disabled", ep.ID)}
	}
	ev, err := d.Svc.Store.Event(ctx, dl.EventID)
	if err != nil {
		return 0, permanent{err}
	}
	body, _ := json.Marshal(webhookBody{Type: ev.Type, Timestamp: ev.CreatedAt, Data: ev.Data})
	// The event id is the webhook-id: a receiver that saw it before can ignore a retry.
	return d.Webhooks.Send(ctx, ep.URL, ep.Secret, ev.ID, d.Svc.Now(), body)
}
