// Package app wires Standing together: config → store → service → HTTP.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/standing-org/standing/internal/config"
	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/jobs"
	"github.com/standing-org/standing/internal/notify"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/rules"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/web/api"
)

// App is a running Standing.
type App struct {
	Config  config.Config
	Store   *sqlstore.DB
	Service *enforce.Service
	Log     *slog.Logger
	// Started, if set, runs once intake and detection are up, with a way to feed events as
	// the API would; it ends with Serve's context. The demo's traffic uses it.
	Started func(ctx context.Context, write func(context.Context, []*domain.ActivityEvent) error)
}

// Open opens the store (migrating it) and loads the policy.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pol := policy.Default()
	if cfg.PolicyFile != "" {
		p, err := policy.Load(cfg.PolicyFile)
		if err != nil {
			return nil, fmt.Errorf("policy %s:\n%w", cfg.PolicyFile, err)
		}
		pol = p
	}
	st, err := sqlstore.Open(ctx, cfg.DataDir, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	return &App{Config: cfg, Store: st, Service: enforce.New(st, pol), Log: log}, nil
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }

// Listen binds the configured address, so a caller can print it before serving.
func (a *App) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	return ln, nil
}

// Templates returns the notice templates with the operators' edits applied.
func (a *App) Templates(ctx context.Context) (*notify.Templates, error) {
	t := notify.DefaultTemplates()
	edits, err := a.Store.Templates(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range edits {
		if err := t.Set(e.Language, e.Kind, e.Part, e.Source); err != nil {
			// A template that checked when saved and fails now (e.g. after an upgrade) must
			// not stop notices: the built-in one stays.
			a.Log.Error("an operator's template no longer checks; the built-in one is used",
				"language", e.Language, "kind", e.Kind, "part", e.Part, "err", err)
		}
	}
	return t, nil
}

// Rules returns the detection rules to run: the --rules file, else the last set saved through
// the API, else the shipped pack; says which; and gives the saved set's version (0 otherwise).
func (a *App) Rules(ctx context.Context) ([]rules.Rule, string, int64, error) {
	if a.Config.RulesFile != "" {
		rs, err := rules.LoadFileFor(a.Config.RulesFile, a.Service.Policy, rules.Limits{})
		return rs, a.Config.RulesFile, 0, err
	}
	saved, err := a.Store.LatestRuleSet(ctx)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return rules.DefaultRules(), "the shipped rule pack", 0, nil
	} else if err != nil {
		return nil, "", 0, err
	}
	var rs []rules.Rule
	if err := json.Unmarshal(saved.Rules, &rs); err != nil {
		return nil, "", 0, fmt.Errorf("saved rule set %d: %w", saved.Version, err)
	}
	return rs, fmt.Sprintf("saved rule set %d", saved.Version), saved.Version, nil
}

// warm brings the detector up to date with the stored events.
func (a *App) warm(ctx context.Context, det *detect.Detector) error {
	n, replayed, err := det.Warm(ctx, a.Service.Now().Add(-rules.LongestWindow))
	if n > 0 {
		a.Log.Info("features warmed from stored events", "events", n, "run_through_rules_again", replayed)
	}
	return err
}

// Serve serves HTTP on ln, takes events and runs the background work until ctx ends, then
// drains requests in flight.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	tpl, err := a.Templates(ctx)
	if err != nil {
		return err
	}
	var mailer *notify.Mailer
	if a.Config.SMTPURL != "" {
		if mailer, err = notify.NewMailer(a.Config.SMTPURL, a.Config.SMTPFrom); err != nil {
			return err
		}
	}
	eng := rules.NewEngine(a.Service.Policy, rules.Limits{})
	rs, from, version, err := a.Rules(ctx)
	if err != nil {
		return err
	}
	if _, err := eng.SetVersion(version, rs); err != nil {
		return fmt.Errorf("detection rules (%s):\n%w", from, err)
	}
	det := detect.New(a.Service, eng, a.Log)
	if err := a.warm(ctx, det); err != nil {
		return err
	}
	go det.Run()
	defer det.Close()
	a.Log.Info("detection", "rules", len(rs), "from", from)

	events := ingest.NewWriter(a.Store, a.Service.Now, det.Sink)
	defer events.Close()
	handler := api.New(a.Service, a.Log)
	handler.Events, handler.Templates, handler.Rules = events, tpl, eng
	handler.Marketplace, handler.PortalURL = a.Config.Marketplace, a.Config.PortalURL

	runner := &jobs.Runner{Svc: a.Service, Log: a.Log, Interval: a.Config.Tick, Batch: 200,
		Deliver: &jobs.Deliverer{Svc: a.Service, Log: a.Log, Mailer: mailer, Webhooks: &notify.WebhookSender{},
			Templates: tpl, Marketplace: a.Config.Marketplace, PortalURL: a.Config.PortalURL}}
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	handler.Registry().MustRegister(
		counter("standing_events_stored_total", "Activity events stored.", &events.Stored),
		counter("standing_events_duplicate_total", "Activity events refused as duplicates by their id.", &events.Duplicates),
		counter("standing_event_commits_total", "Group commits of activity events.", &events.Commits),
		counter("standing_events_evaluated_total", "Events run through the rules.", &det.Evaluated),
		counter("standing_rule_hits_total", "Rule hits, shadow ones included.", &det.Hits),
		counter("standing_rule_actions_total", "Rule hits that opened or fed a case or applied a measure.", &det.Acted),
		counter("standing_deadlines_fired_total", "Deadlines fired by this node.", &runner.Fired),
		counter("standing_deliveries_sent_total", "Notices e-mailed and webhooks delivered.", &runner.Deliver.Sent),
		counter("standing_deliveries_retried_total", "Delivery attempts that failed and will be retried.", &runner.Deliver.Retried),
		counter("standing_deliveries_failed_total", "Deliveries given up on.", &runner.Deliver.Failed),
	)
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workDone := make(chan struct{})
	go func() { runner.Run(work); close(workDone) }()
	defer func() { stopWork(); <-workDone }()

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if a.Started != nil {
		feed, stopFeed := context.WithCancel(ctx)
		fed := make(chan struct{})
		go func() {
			defer close(fed)
			a.Started(feed, func(ctx context.Context, evs []*domain.ActivityEvent) error {
				_, err := events.Write(ctx, evs)
				return err
			})
		}()
		defer func() { stopFeed(); <-fed }()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "database", a.Store.Dialect(), "smtp", mailer != nil)
	if mailer == nil {
		a.Log.Warn("no SMTP server is configured (STANDING_SMTP_URL): notices go to the holders' in-app inboxes only")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
