package enforce

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// CaseInput opens a case.
type CaseInput struct {
	AccountID string            `json:"account_id"`
	Violation string            `json:"violation"`
	Source    domain.CaseSource `json:"source"`
	Summary   string            `json:"summary"`
	Notifier  string            `json:"notifier"`
	Automated bool              `json:"automated_detection"`
	Evidence  []domain.Evidence `json:"evidence"`
}

func (s *Service) validateCase(in *CaseInput) error {
	var v domain.Validation
	if in.AccountID == "" {
		v.Add("account_id", "is required")
	}
	if _, ok := s.Policy.Violations[in.Violation]; !ok {
		v.Add("violation", "unknown violation type %q (the policy has: %v)", in.Violation, s.Policy.Order)
	}
	if in.Source == "" {
		in.Source = domain.SourceDetection
	}
	if _, ok := domain.ParseCaseSource(string(in.Source)); !ok {
		v.Add("source", "must be one of detection, user_notice, trusted_flagger, rights_holder; got %q", in.Source)
	}
	if in.Summary == "" {
		v.Add("summary", "is required: say what the case is about")
	} else if len(in.Summary) > domain.MaxDescriptionLen {
		v.Add("summary", "at most %d bytes", domain.MaxDescriptionLen)
	}
	if len(in.Notifier) > domain.MaxTextLen {
		v.Add("notifier", "at most %d bytes", domain.MaxTextLen)
	}
	validateEvidence(&v, in.Evidence)
	return v.Err()
}

func validateEvidence(v *domain.Validation, ev []domain.Evidence) {
	if len(ev) > domain.MaxEvidencePerCall {
		v.Add("evidence", "at most %d items per call, got %d", domain.MaxEvidencePerCall, len(ev))
		return
	}
	for i, e := range ev {
		domain.ValidateEvidence(v, fmt.Sprintf("evidence[%d]", i), e)
	}
}

// OpenCase opens a case about an account, with its evidence.
func (s *Service) OpenCase(ctx context.Context, actor string, in CaseInput) (domain.Case, error) {
	if err := s.validateCase(&in); err != nil {
		return domain.Case{}, err
	}
	now := s.now()
	var c domain.Case
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockAccount(ctx, in.AccountID); err != nil {
			return err
		}
		var err error
		c, err = insertCase(ctx, tx, actor, in, now)
		if err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "case.open", AccountID: c.AccountID, CaseID: c.ID,
			Subject: c.ID, After: mustJSON(c)})
		return err
	})
	return c, err
}

func insertCase(ctx context.Context, tx store.Tx, actor string, in CaseInput, now time.Time) (domain.Case, error) {
	c := domain.Case{
		ID: NewID("case"), AccountID: in.AccountID, Violation: in.Violation, Source: in.Source, Status: domain.CaseOpen,
		Summary: in.Summary, Notifier: in.Notifier, Automated: in.Automated, OpenedBy: actor, OpenedAt: now, UpdatedAt: now,
	}
	if err := tx.InsertCase(ctx, c); err != nil {
		return c, err
	}
	ev, err := insertEvidence(ctx, tx, actor, c.ID, in.Evidence, now)
	c.Evidence = ev
	return c, err
}

func insertEvidence(ctx context.Context, tx store.Tx, actor, caseID string, ev []domain.Evidence, now time.Time) ([]domain.Evidence, error) {
	out := make([]domain.Evidence, 0, len(ev))
	for _, e := range ev {
		e.ID, e.CaseID, e.AddedBy, e.AddedAt = NewID("evd"), caseID, actor, now
		if err := tx.InsertEvidence(ctx, e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// AddEvidence adds evidence to an open case.
func (s *Service) AddEvidence(ctx context.Context, actor, caseID string, ev []domain.Evidence) (domain.Case, error) {
	var v domain.Validation
	if len(ev) == 0 {
		v.Add("evidence", "at least one item is required")
	}
	validateEvidence(&v, ev)
	if err := v.Err(); err != nil {
		return domain.Case{}, err
	}
	now := s.now()
	var c domain.Case
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		var err error
		if c, err = lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		added, err := insertEvidence(ctx, tx, actor, caseID, ev, now)
		if err != nil {
			return err
		}
		c.Evidence = append(c.Evidence, added...)
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "case.evidence", AccountID: c.AccountID, CaseID: c.ID,
			Subject: c.ID, After: mustJSON(added)})
		return err
	})
	return c, err
}

// Case returns a case with its evidence.
func (s *Service) Case(ctx context.Context, id string) (domain.Case, error) {
	return s.Store.Case(ctx, id)
}

// Resolutions a reviewer may give a case.
var resolutions = []string{"dismissed", "remediated", "escalated"}

// ResolveCase closes a case with its outcome: dismissed (nothing wrong was found), remediated
// (the holder put it right) or escalated (it ended in a measure). A case whose measures still
// restrict the account is not dismissed: lift them first, on the record.
func (s *Service) ResolveCase(ctx context.Context, actor, caseID, resolution, reason string) (domain.Case, error) {
	var v domain.Validation
	if !slices.Contains(resolutions, resolution) {
		v.Add("resolution", "must be one of %v, got %q", resolutions, resolution)
	}
	if reason == "" {
		v.Add("reason", "is required: the record says why the case ended")
	}
	if err := v.Err(); err != nil {
		return domain.Case{}, err
	}
	now := s.now()
	var c domain.Case
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		var err error
		if c, err = lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		if c.Status == domain.CaseResolved {
			return domain.Errorf(domain.ECONFLICT, "case %s was resolved already (%s)", c.ID, c.Resolution)
		}
		if resolution == "dismissed" {
			ms, err := tx.Measures(ctx, c.AccountID, now)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.CaseID == c.ID && m.Restricts() && m.Active(now) {
					return domain.Errorf(domain.ECONFLICT, "case %s still restricts the account by measure %s (%s); lift it first", c.ID, m.ID, m.Type)
				}
			}
		}
		before := c
		c.Status, c.Resolution, c.UpdatedAt = domain.CaseResolved, resolution, now
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "case.resolve", AccountID: c.AccountID, CaseID: c.ID,
			Subject: c.ID, Before: mustJSON(map[string]string{"status": string(before.Status)}),
			After: mustJSON(map[string]string{"status": string(c.Status), "resolution": resolution}), Reason: reason})
		return err
	})
	return c, err
}

// lockCase reads a case with its account locked: every change to a case locks its account
// first, so the case read after the lock is the one the transaction may change.
func lockCase(ctx context.Context, tx store.Tx, caseID string) (domain.Case, error) {
	c, err := tx.Case(ctx, caseID)
	if err != nil {
		return c, err
	}
	if _, err := tx.LockAccount(ctx, c.AccountID); err != nil {
		return c, err
	}
	return tx.Case(ctx, caseID)
}
