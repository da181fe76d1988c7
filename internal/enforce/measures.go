package enforce

import (
	"context"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/standing"
	"github.com/standing-org/standing/internal/store"
)

// MeasureInput applies a measure, or with type "escalate" the next step of the violation's
// ladder. Without a case id, a case is opened for it in the same transaction.
type MeasureInput struct {
	Type            string            `json:"type"`
	Violation       string            `json:"violation"`
	CaseID          string            `json:"case_id"`
	CapabilitiesOff *domain.CapSet    `json:"capabilities_off"`
	Duration        domain.Duration   `json:"duration"`
	Window          domain.Duration   `json:"window"`
	StrikeWeight    int               `json:"strike_weight"`
	Reason          string            `json:"reason"`
	Automated       bool              `json:"automated"`
	Source          domain.CaseSource `json:"source"`
	Evidence        []domain.Evidence `json:"evidence"`
}

// Result is what a measure use case changed, and the standing after it.
type Result struct {
	Applied  []domain.Measure    `json:"applied"`
	Lifted   []domain.Measure    `json:"lifted"`
	Notices  []domain.Notice     `json:"notices"`
	CaseID   string              `json:"case_id,omitempty"`
	Standing domain.StandingView `json:"standing"`
	AuditSeq int64               `json:"audit_seq"`
}

// ApplyMeasure applies a measure to an account.
func (s *Service) ApplyMeasure(ctx context.Context, actor, accountID string, in MeasureInput) (Result, error) {
	var cmd standing.Command
	switch in.Type {
	case "escalate":
		cmd = &standing.Escalate{Violation: in.Violation, CaseID: in.CaseID, Automated: in.Automated}
	case "closure":
		return Result{}, domain.Invalid("type", "a closure is not applied directly: use closure_pending (a notice period runs first), then close the account once it has run out, or request an emergency closure")
	default:
		t, ok := domain.ParseMeasureType(in.Type)
		if !ok {
			return Result{}, domain.Invalid("type", "must be one of warning, restriction, hold, suspension, closure_pending, escalate; got %q", in.Type)
		}
		cmd = &standing.Apply{Type: t, Violation: in.Violation, CaseID: in.CaseID, Off: in.CapabilitiesOff,
			Duration: time.Duration(in.Duration), Window: time.Duration(in.Window), Weight: in.StrikeWeight, Automated: in.Automated}
	}
	var v domain.Validation
	if in.Reason == "" {
		v.Add("reason", "is required: the holder and the audit record must say why")
	}
	if in.Duration < 0 {
		v.Add("duration", "must not be negative")
	}
	if in.Window < 0 {
		v.Add("window", "must not be negative")
	}
	if in.StrikeWeight < 0 {
		v.Add("strike_weight", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return Result{}, err
	}
	var open *CaseInput
	if in.CaseID == "" {
		open = &CaseInput{AccountID: accountID, Violation: in.Violation, Source: in.Source, Summary: in.Reason,
			Automated: in.Automated, Evidence: in.Evidence}
		if err := s.validateCase(open); err != nil {
			return Result{}, err
		}
	} else if len(in.Evidence) > 0 {
		return Result{}, domain.Invalid("evidence", "add evidence to an existing case through the case; here it is only taken when a new case is opened")
	}
	b := cmd.Common()
	b.Actor, b.Reason = actor, in.Reason
	return s.run(ctx, accountID, in.CaseID, open, cmd)
}

// Lift ends one measure early.
func (s *Service) Lift(ctx context.Context, actor, accountID, measureID, reason string) (Result, error) {
	m, err := s.Store.Measure(ctx, measureID)
	if err != nil {
		return Result{}, err
	}
	if m.AccountID != accountID {
		return Result{}, domain.Errorf(domain.ENOTFOUND, "account %s has no measure %s", accountID, measureID)
	}
	if m.Type == domain.Closure {
		return Result{}, domain.Errorf(domain.ECONFLICT, "a closure is not lifted: reinstate the account with a recorded reason")
	}
	if now := s.now(); m.LiftedAt != nil || (m.EndsAt != nil && !now.Before(*m.EndsAt)) {
		return Result{}, domain.Errorf(domain.ECONFLICT, "measure %s has already ended", m.ID)
	}
	return s.run(ctx, accountID, m.CaseID, nil, &standing.Lift{Base: standing.Base{Actor: actor, Reason: reason}, MeasureID: measureID})
}

// Reinstate lifts every restricting measure of an account, closure included.
func (s *Service) Reinstate(ctx context.Context, actor, accountID, reason string) (Result, error) {
	return s.run(ctx, accountID, "", nil, &standing.Reinstate{Base: standing.Base{Actor: actor, Reason: reason}})
}

// Close closes an account whose closure notice has run out.
func (s *Service) Close(ctx context.Context, actor, accountID, reason string) (Result, error) {
	ms, err := s.Store.Measures(ctx, accountID, s.now())
	if err != nil {
		return Result{}, err
	}
	caseID := ""
	for _, m := range ms {
		if m.Type == domain.ClosurePending {
			caseID = m.CaseID
		}
	}
	return s.run(ctx, accountID, caseID, nil, &standing.Close{Base: standing.Base{Actor: actor, Reason: reason}, CaseID: caseID})
}

// run is the one transaction every measure use case shares: lock the account, read its
// measures and case, let the engine decide, write what it decided, the case's new status, the
// notices' deliveries and events, and one audit record.
func (s *Service) run(ctx context.Context, accountID, caseID string, open *CaseInput, cmd standing.Command) (Result, error) {
	return s.runWith(ctx, accountID, runOpts{caseID: caseID, open: open}, cmd)
}

// runOpts adjust run for the use cases that need more.
type runOpts struct {
	caseID string
	open   *CaseInput
	// also writes more in the same transaction, after the engine agreed; it may return
	// errSkip to leave everything unwritten without an error.
	also func(store.Tx, *standing.Effects) error
	// action replaces the engine's name for the change in the audit record.
	action string
}

func (s *Service) runWith(ctx context.Context, accountID string, o runOpts, cmd standing.Command) (Result, error) {
	now := s.now()
	b := cmd.Common()
	caseID := o.caseID
	var res Result
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		acct, err := tx.LockAccount(ctx, accountID)
		if err != nil {
			return err
		}
		ms, err := tx.Measures(ctx, accountID, now)
		if err != nil {
			return err
		}
		st := standing.State{Account: acct, Measures: ms}
		if caseID != "" {
			c, err := tx.Case(ctx, caseID)
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return domain.Invalid("case_id", "no case %q", caseID)
			} else if err != nil {
				return err
			}
			if c.AccountID != accountID {
				return domain.Invalid("case_id", "case %s is about account %s, not %s", caseID, c.AccountID, accountID)
			}
			st.Case = &c
		} else if o.open != nil {
			c, err := insertCase(ctx, tx, b.Actor, *o.open, now)
			if err != nil {
				return err
			}
			st.Case, caseID = &c, c.ID
			setCase(cmd, caseID)
		}
		eff, err := standing.Decide(s.Policy, st, cmd, now, NewID)
		if err != nil {
			return err
		}
		if o.also != nil {
			if err := o.also(tx, &eff); err != nil {
				return err
			}
		}
		before := domain.Derive(acct.ID, acct.Version, ms, now)
		if err := write(ctx, tx, eff); err != nil {
			return err
		}
		if st.Case != nil {
			if err := moveCase(ctx, tx, st.Case, eff, now); err != nil {
				return err
			}
		}
		acct.Version++
		if err := tx.PutAccount(ctx, acct); err != nil {
			return err
		}
		after := domain.Derive(acct.ID, acct.Version, applyEffects(ms, eff), now)
		if err := s.announce(ctx, tx, acct, before, after, eff.Notices, now); err != nil {
			return err
		}
		sumAfter := summarize(after)
		sumAfter.Applied = eff.Applied
		for _, m := range eff.Lifted {
			sumAfter.Lifted = append(sumAfter.Lifted, m.ID)
		}
		subject := accountID
		switch {
		case len(eff.Applied) > 0:
			subject = eff.Applied[len(eff.Applied)-1].ID
		case len(eff.Lifted) == 1:
			subject = eff.Lifted[0].ID
		case len(eff.Updated) == 1:
			subject = eff.Updated[0].ID
		}
		action := eff.Action
		if o.action != "" {
			action = o.action
		}
		rec, err := tx.Append(ctx, audit.Entry{At: now, Actor: b.Actor, Action: action, AccountID: accountID, CaseID: caseID,
			Subject: subject, Before: mustJSON(summarize(before)), After: mustJSON(sumAfter), Reason: b.Reason})
		res = Result{Applied: eff.Applied, Lifted: eff.Lifted, Notices: eff.Notices, CaseID: caseID, Standing: after, AuditSeq: rec.Seq}
		return err
	})
	if res.Applied == nil {
		res.Applied = []domain.Measure{}
	}
	if res.Lifted == nil {
		res.Lifted = []domain.Measure{}
	}
	if res.Notices == nil {
		res.Notices = []domain.Notice{}
	}
	return res, err
}

// moveCase moves a case along its life as its measures change.
func moveCase(ctx context.Context, tx store.Tx, c *domain.Case, eff standing.Effects, now time.Time) error {
	status, resolution := c.Status, c.Resolution
	switch eff.Action {
	case "measure.apply", "measure.escalate", "deadline.missed":
		if awaitsHolder(eff) {
			status = domain.CaseAwaitingHolder
		}
	case "measure.pause":
		status = domain.CaseUnderReview
	case "measure.resume":
		status = domain.CaseAwaitingHolder
	case "account.close":
		status, resolution = domain.CaseResolved, "escalated"
	case "account.reinstate":
		status, resolution = domain.CaseResolved, "remediated"
	}
	if status == c.Status && resolution == c.Resolution {
		return nil
	}
	c.Status, c.Resolution, c.UpdatedAt = status, resolution, now
	return tx.UpdateCase(ctx, *c)
}

func setCase(cmd standing.Command, id string) {
	switch c := cmd.(type) {
	case *standing.Apply:
		c.CaseID = id
	case *standing.Escalate:
		c.CaseID = id
	case *standing.Close:
		c.CaseID = id
	}
}

func awaitsHolder(eff standing.Effects) bool {
	for _, m := range eff.Applied {
		if m.Type == domain.Hold || m.Type == domain.ClosurePending {
			return true
		}
	}
	return false
}

// write stores what the engine decided.
func write(ctx context.Context, tx store.Tx, eff standing.Effects) error {
	for _, m := range eff.Lifted {
		if err := tx.LiftMeasure(ctx, m); err != nil {
			return err
		}
	}
	for _, m := range eff.Updated {
		if err := tx.UpdateMeasureClock(ctx, m); err != nil {
			return err
		}
	}
	if err := tx.CancelDeadlines(ctx, eff.CancelDeadlines); err != nil {
		return err
	}
	for _, m := range eff.Applied {
		if err := tx.InsertMeasure(ctx, m); err != nil {
			return err
		}
	}
	for _, d := range eff.Deadlines {
		if err := tx.InsertDeadline(ctx, d); err != nil {
			return err
		}
	}
	for _, n := range eff.Notices {
		if err := tx.InsertNotice(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// applyEffects returns the measures as they are after eff.
func applyEffects(ms []domain.Measure, eff standing.Effects) []domain.Measure {
	lifted := map[string]bool{}
	for _, m := range eff.Lifted {
		lifted[m.ID] = true
	}
	updated := map[string]domain.Measure{}
	for _, m := range eff.Updated {
		updated[m.ID] = m
	}
	out := make([]domain.Measure, 0, len(ms)+len(eff.Applied))
	for _, m := range ms {
		if u, ok := updated[m.ID]; ok {
			m = u
		}
		if !lifted[m.ID] {
			out = append(out, m)
		}
	}
	return append(out, eff.Applied...)
}
