// Package detect turns the marketplace's activity into cases and measures: each committed
// event updates the account's features, every rule is evaluated on it, every hit is recorded,
// and active hits open cases for review or apply the measures the policy lets rules apply.
package detect

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/rules"
)

// Cooldown is how long one rule leaves one account alone after acting on it: a rule that
// matches every message of a spammer opens one case, not a thousand.
const Cooldown = time.Hour

// Detector runs the rules on committed events.
type Detector struct {
	svc      *enforce.Service
	log      *slog.Logger
	Rules    *rules.Engine
	Features *rules.Store
	in       chan []*domain.ActivityEvent
	done     chan struct{}

	// Evaluated, Hits and Acted count events run through the rules, rule hits and hits acted
	// on, for metrics.
	Evaluated, Hits, Acted atomic.Int64

	mu       sync.Mutex
	acted    map[[2]string]time.Time // account, rule → last action
	accounts map[string]cached
}

type cached struct {
	acct     *domain.Account
	standing domain.Standing
	at       time.Time
}

// accountTTL bounds how stale the account and standing the rules see may be.
const accountTTL = 30 * time.Second

// New returns a detector with the given rules engine; Start runs it.
func New(svc *enforce.Service, eng *rules.Engine, log *slog.Logger) *Detector {
	d := &Detector{svc: svc, log: log, Rules: eng, in: make(chan []*domain.ActivityEvent, 256), done: make(chan struct{}),
		acted: map[[2]string]time.Time{}, accounts: map[string]cached{}}
	d.Features = rules.NewStore(rules.StoreConfig{Standing: d.standing})
	return d
}

// Sink hands committed events to the detector; it blocks when the detector is behind, which
// slows intake rather than dropping events.
func (d *Detector) Sink(evs []*domain.ActivityEvent) { d.in <- evs }

// progressEvery is how often the detector records how far it got; after a crash, at most
// this much is run through the rules again (Replay skips what was recorded).
const progressEvery = time.Second

// Run works until Close.
func (d *Detector) Run() {
	defer close(d.done)
	ctx := context.Background()
	var until, saved time.Time
	var savedAt time.Time
	for evs := range d.in {
		d.Process(ctx, evs)
		for _, e := range evs {
			if e.ReceivedAt.After(until) {
				until = e.ReceivedAt
			}
		}
		if until.After(saved) && (time.Since(savedAt) >= progressEvery || len(d.in) == 0) {
			if err := d.svc.RecordDetectedUntil(ctx, until); err != nil {
				d.log.Error("record detection progress", "err", err)
			}
			saved, savedAt = until, time.Now()
		}
	}
}

// Warm replays the stored events since `since` (the longest feature window) into the
// features, so that a restart does not forget what accounts did in the last days; the events
// committed after detection last recorded its progress go through the rules as well. It
// returns how many events it read and how many went through the rules.
func (d *Detector) Warm(ctx context.Context, since time.Time) (n, replayed int, err error) {
	until, err := d.svc.Store.DetectedUntil(ctx)
	if err != nil {
		return 0, 0, err
	}
	var batch []*domain.ActivityEvent
	var last time.Time
	err = d.svc.Store.Activity(ctx, since, func(e *domain.ActivityEvent) error {
		n++
		if !e.ReceivedAt.After(until) {
			// Features must see events in time order: what waits for the rules goes first.
			d.Replay(ctx, batch)
			batch = batch[:0]
			d.Features.Observe(e)
			return nil
		}
		replayed++
		if e.ReceivedAt.After(last) {
			last = e.ReceivedAt
		}
		if batch = append(batch, e); len(batch) == 1000 {
			d.Replay(ctx, batch)
			batch = batch[:0]
		}
		return nil
	})
	d.Replay(ctx, batch)
	if err == nil && replayed > 0 {
		err = d.svc.RecordDetectedUntil(ctx, last)
	}
	return n, replayed, err
}

// Replay runs the rules on events that were committed but may not have been through them
// (the detector stopped before recording its progress): hits already on record are skipped,
// so nothing is acted on twice.
func (d *Detector) Replay(ctx context.Context, evs []*domain.ActivityEvent) {
	d.process(ctx, evs, true)
}

// Close stops after the events handed over so far.
func (d *Detector) Close() {
	close(d.in)
	<-d.done
}

// Process runs the rules on events in order and acts on the hits.
func (d *Detector) Process(ctx context.Context, evs []*domain.ActivityEvent) {
	d.process(ctx, evs, false)
}

func (d *Detector) process(ctx context.Context, evs []*domain.ActivityEvent, replay bool) {
	var hits []domain.RuleHit
	for _, ev := range evs {
		f := d.Features.ObserveSnapshot(ev)
		acct := d.account(ctx, ev.Subject)
		hs, err := d.Rules.Evaluate(ctx, ev, acct, &f)
		if err != nil {
			d.log.Warn("a rule could not finish", "event", ev.ID, "err", err)
		}
		for _, h := range hs {
			if replay {
				if seen, err := d.svc.Store.HitRecorded(ctx, h.Rule, ev.Source, ev.ID); err != nil || seen {
					continue
				}
			}
			hits = append(hits, toDomain(h, ev, d.Rules))
		}
	}
	d.Evaluated.Add(int64(len(evs)))
	d.Hits.Add(int64(len(hits)))
	for i := range hits {
		h := &hits[i]
		if h.Shadow || !h.Outcome.Acts() || !d.due(h.AccountID, h.Rule, h.At) {
			continue
		}
		caseID, measureID, err := d.svc.ActOnHit(ctx, *h)
		h.CaseID, h.MeasureID = caseID, measureID
		switch code := domain.ErrorCode(err); {
		case err == nil:
			d.Acted.Add(1)
			d.log.Info("rule acted", "rule", h.Rule, "account", h.AccountID, "case", caseID, "measure", measureID)
		case code == domain.ENOTFOUND:
			d.log.Debug("rule hit on an account Standing does not know", "rule", h.Rule, "account", h.AccountID)
		case code == domain.ECONFLICT || code == domain.EFORBIDDEN || code == domain.EINVALID:
			d.log.Info("rule hit recorded; the measure was refused", "rule", h.Rule, "account", h.AccountID, "reason", err)
		default:
			d.log.Error("act on rule hit", "rule", h.Rule, "account", h.AccountID, "err", err)
		}
	}
	if err := d.svc.RecordHits(ctx, hits); err != nil && !errors.Is(err, context.Canceled) {
		d.log.Error("record rule hits", "hits", len(hits), "err", err)
	}
}

// due reports whether the rule may act on the account again, and if so marks it.
func (d *Detector) due(account, rule string, at time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := [2]string{account, rule}
	if last, ok := d.acted[k]; ok && at.Sub(last) < Cooldown {
		return false
	}
	if len(d.acted) > 1<<20 {
		clear(d.acted) // bounded memory; a cleared entry costs one extra piece of evidence
	}
	d.acted[k] = at
	return true
}

func (d *Detector) lookup(ctx context.Context, id string) cached {
	d.mu.Lock()
	c, ok := d.accounts[id]
	d.mu.Unlock()
	if ok && time.Since(c.at) < accountTTL {
		return c
	}
	c = cached{at: time.Now(), standing: domain.Good}
	if a, err := d.svc.Account(ctx, id); err == nil {
		c.acct = &a
		if v, err := d.svc.Standing(ctx, id); err == nil {
			c.standing = v.Standing
		}
	}
	d.mu.Lock()
	if len(d.accounts) > 200_000 {
		clear(d.accounts)
	}
	d.accounts[id] = c
	d.mu.Unlock()
	return c
}

func (d *Detector) account(ctx context.Context, id string) *domain.Account {
	c := d.lookup(ctx, id)
	if c.acct != nil {
		d.Features.SetCreated(id, c.acct.CreatedAt)
	}
	return c.acct
}

func (d *Detector) standing(id string) domain.Standing {
	return d.lookup(context.Background(), id).standing
}

func toDomain(h rules.Hit, ev *domain.ActivityEvent, eng *rules.Engine) domain.RuleHit {
	out := domain.RuleHit{ID: enforce.NewID("hit"), Rule: h.Rule, Version: h.Version, RuleSet: h.RuleSet, Shadow: h.Shadow,
		AccountID: ev.Subject, EventSource: ev.Source, EventID: ev.ID, EventType: ev.Type, At: ev.Time,
		Outcome: domain.HitOutcome(h.Outcome), Features: h.Features, LinkedClosed: h.LinkedClosed}
	for _, c := range eng.Rules().Rules {
		if c.Rule.Name == h.Rule {
			out.Description = c.Rule.Description
		}
	}
	return out
}
