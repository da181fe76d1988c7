package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/jobs"
	"github.com/standing-org/standing/internal/notify"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type sink struct{ n atomic.Int32 }

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return s, nil }
func (s *sink) Reset()                                      {}
func (s *sink) Logout() error                               { return nil }
func (s *sink) Mail(string, *smtp.MailOptions) error        { return nil }
func (s *sink) Rcpt(string, *smtp.RcptOptions) error        { return nil }
func (s *sink) Data(r io.Reader) error                      { io.Copy(io.Discard, r); s.n.Add(1); return nil }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDeliveriesRetryAndRedeliver: an unreachable SMTP server and an endpoint answering 500
// cost retries with backoff, not notices; the state machine goes on; a failed delivery can be
// sent again.
func TestDeliveriesRetryAndRedeliver(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
		svc := enforce.New(st, policy.Default())
		svc.Now = clk.Now
		log := slog.New(slog.NewTextHandler(io.Discard, nil))

		var calls atomic.Int32
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) <= 2 {
				http.Error(w, "database is down", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		defer hook.Close()
		secret, _ := notify.NewSecret()
		_, err := svc.AddEndpoint(ctx, "operator:amira", enforce.EndpointInput{URL: hook.URL, Events: []string{enforce.EventStandingChanged}}, secret)
		must(t, err)

		closed, _ := net.Listen("tcp", "127.0.0.1:0")
		deadAddr := closed.Addr().String()
		closed.Close()
		dead, err := notify.NewMailer("smtp://"+deadAddr+"?starttls=none", "trust@marketplace.example")
		must(t, err)
		d := &jobs.Deliverer{Svc: svc, Log: log, Mailer: dead, Webhooks: &notify.WebhookSender{}, Templates: notify.DefaultTemplates(),
			Marketplace: "the marketplace"}

		_, _, err = svc.PutAccount(ctx, "apikey:marketplace", domain.Account{ID: "fl-1", Type: domain.Private, Country: "FR",
			Language: "fr", Email: "fl-1@example.org"})
		must(t, err)
		res, err := svc.ApplyMeasure(ctx, "operator:amira", "fl-1", enforce.MeasureInput{Type: "hold", Violation: "fraud",
			Reason: "Three chargebacks in a week"})
		must(t, err)
		noticeID := res.Notices[0].ID

		delivery := func(channel string) domain.Delivery {
			t.Helper()
			var ds []domain.Delivery
			if channel == domain.ChannelEmail {
				ds, _ = st.Deliveries(ctx, noticeID, "", "", 10)
			} else {
				eps, _ := st.Endpoints(ctx)
				ds, _ = st.Deliveries(ctx, "", "", eps[0].ID, 10)
			}
			if len(ds) != 1 {
				t.Fatalf("%d %s deliveries, want 1", len(ds), channel)
			}
			return ds[0]
		}

		d.Tick(ctx, 10)
		mail, hookD := delivery(domain.ChannelEmail), delivery(domain.ChannelWebhook)
		if mail.Status != domain.DeliveryPending || mail.Attempts != 1 || !strings.Contains(mail.LastError, deadAddr) {
			t.Fatalf("an unreachable SMTP server should mean a retry that names it: %+v", mail)
		}
		if hookD.Status != domain.DeliveryPending || hookD.LastStatus != 500 || !strings.Contains(hookD.LastError, "500") {
			t.Fatalf("an endpoint answering 500 should mean a retry: %+v", hookD)
		}
		if got := hookD.NextAttemptAt.Sub(clk.Now()); got != jobs.Backoff[0] {
			t.Fatalf("first retry in %s, want %s", got, jobs.Backoff[0])
		}

		clk.Add(jobs.Backoff[0] - time.Second)
		if n := d.Tick(ctx, 10); n != 0 {
			t.Fatalf("%d deliveries retried before their time", n)
		}
		clk.Add(time.Second)
		d.Tick(ctx, 10) // second 500
		clk.Add(jobs.Backoff[1])
		d.Tick(ctx, 10) // 204
		if hookD = delivery(domain.ChannelWebhook); hookD.Status != domain.DeliverySent || hookD.Attempts != 3 {
			t.Fatalf("the webhook should be sent on its third attempt: %+v", hookD)
		}

		for _, b := range jobs.Backoff[2:] {
			clk.Add(b)
			d.Tick(ctx, 10)
		}
		if mail = delivery(domain.ChannelEmail); mail.Status != domain.DeliveryFailed || mail.Attempts != len(jobs.Backoff)+1 {
			t.Fatalf("after every retry the e-mail should have failed for good: %+v", mail)
		}
		if v, _ := svc.Standing(ctx, "fl-1"); v.Standing != domain.OnHold {
			t.Fatalf("delivery trouble changed the standing: %s", v.Standing)
		}

		// The mail server is back; an operator sends the notice again.
		box := &sink{}
		srv := smtp.NewServer(box)
		srv.Domain = "localhost"
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		go srv.Serve(ln)
		defer srv.Close()
		d.Mailer, err = notify.NewMailer("smtp://"+ln.Addr().String()+"?starttls=none", "trust@marketplace.example")
		must(t, err)
		_, err = svc.Redeliver(ctx, "operator:jonas", mail.ID)
		must(t, err)
		d.Tick(ctx, 10)
		if mail = delivery(domain.ChannelEmail); mail.Status != domain.DeliverySent || mail.MessageID == "" || box.n.Load() != 1 {
			t.Fatalf("redelivered e-mail: %+v (received %d)", mail, box.n.Load())
		}
		if _, err := enforce.VerifyAudit(ctx, st, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestNoAddressNoSMTP: a notice that cannot be e-mailed says so.
func TestNoAddressNoSMTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		svc := enforce.New(st, policy.Default())
		d := &jobs.Deliverer{Svc: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Webhooks: &notify.WebhookSender{},
			Templates: notify.DefaultTemplates()}
		for _, a := range []domain.Account{
			{ID: "fl-noaddr", Type: domain.Private, Country: "DE", Language: "de"},
			{ID: "fl-nosmtp", Type: domain.Private, Country: "DE", Language: "de", Email: "x@example.org"},
		} {
			_, _, err := svc.PutAccount(ctx, "apikey:marketplace", a)
			must(t, err)
			_, err = svc.ApplyMeasure(ctx, "operator:amira", a.ID, enforce.MeasureInput{Type: "restriction", Violation: "spam",
				CapabilitiesOff: ptr(domain.CapSet(2)), Reason: "Bulk messages to 300 clients"})
			must(t, err)
		}
		d.Tick(ctx, 10)
		for id, want := range map[string]string{"fl-noaddr": "no e-mail address", "fl-nosmtp": "no SMTP server"} {
			ns, _ := st.Notices(ctx, id)
			ds, _ := st.Deliveries(ctx, ns[0].ID, "", "", 10)
			if len(ds) != 1 || ds[0].Status != domain.DeliveryFailed || !strings.Contains(ds[0].LastError, want) {
				t.Fatalf("%s: the notice's delivery should fail saying %q: %+v", id, want, ds)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
