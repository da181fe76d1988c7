package enforce

import (
	"context"
	"fmt"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// RecordHits stores rule hits, shadow and active alike, in one transaction. Hits are records
// of detection, not changes to anyone's standing: what an active hit leads to (a case, a
// measure) goes through ActOnHit and its own audit record.
func (s *Service) RecordHits(ctx context.Context, hs []domain.RuleHit) error {
	if len(hs) == 0 {
		return nil
	}
	return s.Store.Tx(ctx, func(tx store.Tx) error { return tx.InsertRuleHits(ctx, hs) })
}

// ActOnHit does what an active rule hit asks: it puts the hit as evidence into the account's
// open case for the violation (opening one for review if there is none), and applies the
// rule's measure where the policy allows automation. It returns the case and measure ids.
func (s *Service) ActOnHit(ctx context.Context, h domain.RuleHit) (caseID, measureID string, err error) {
	o := h.Outcome
	if !o.Acts() || h.Shadow {
		return "", "", nil
	}
	actor := "rule:" + h.Rule
	now := s.now()
	reason := h.Description
	if reason == "" {
		reason = fmt.Sprintf("Detection rule %s matched %s event %s.", h.Rule, h.EventType, h.EventID)
	}
	ev := domain.Evidence{Kind: domain.EvidenceRuleHit,
		Description: fmt.Sprintf("Rule %s v%d matched a %s event at %s: %s", h.Rule, h.Version, h.EventType, h.At.Format("2006-01-02 15:04:05Z07:00"), reason),
		Data:        mustJSON(h)}
	err = s.Store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockAccount(ctx, h.AccountID); err != nil {
			return err
		}
		c, found, err := unresolvedCase(ctx, tx, h.AccountID, o.Violation)
		if err != nil {
			return err
		}
		if !found {
			c, err = insertCase(ctx, tx, actor, CaseInput{AccountID: h.AccountID, Violation: o.Violation, Source: domain.SourceDetection,
				Summary: reason, Automated: true}, now)
			if err != nil {
				return err
			}
		}
		if _, err := insertEvidence(ctx, tx, actor, c.ID, []domain.Evidence{ev}, now); err != nil {
			return err
		}
		caseID = c.ID
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "case.rule_hit", AccountID: h.AccountID, CaseID: c.ID,
			Subject: c.ID, After: mustJSON(h), Reason: reason})
		return err
	})
	if err != nil || o.Measure == "" {
		return caseID, "", err
	}
	res, err := s.ApplyMeasure(ctx, actor, h.AccountID, MeasureInput{Type: o.Measure, Violation: o.Violation, CaseID: caseID,
		Reason: reason, Automated: true})
	if err != nil {
		return caseID, "", err
	}
	if len(res.Applied) > 0 {
		measureID = res.Applied[len(res.Applied)-1].ID
	}
	return caseID, measureID, nil
}

// unresolvedCase returns the account's newest unresolved case for a violation.
func unresolvedCase(ctx context.Context, tx store.Tx, accountID, violation string) (domain.Case, bool, error) {
	cs, err := tx.Cases(ctx, accountID)
	if err != nil {
		return domain.Case{}, false, err
	}
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].Violation == violation && cs[i].Status != domain.CaseResolved {
			return cs[i], true, nil
		}
	}
	return domain.Case{}, false, nil
}

// SaveRuleSet stores a new version of the detection rules, already checked by the caller.
func (s *Service) SaveRuleSet(ctx context.Context, actor string, rules any) (domain.RuleSetVersion, error) {
	now := s.now()
	rs := domain.RuleSetVersion{Rules: mustJSON(rules), SavedBy: actor, SavedAt: now}
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		prev, err := tx.LatestRuleSet(ctx)
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return err
		}
		rs.Version = prev.Version + 1
		if err := tx.InsertRuleSet(ctx, rs); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "rules.save", Subject: fmt.Sprintf("rule_set:%d", rs.Version),
			After: rs.Rules})
		return err
	})
	return rs, err
}

// RecordDetectedUntil records that every event committed up to t has been through the rules.
func (s *Service) RecordDetectedUntil(ctx context.Context, t time.Time) error {
	return s.Store.Tx(ctx, func(tx store.Tx) error { return tx.SetDetectedUntil(ctx, t) })
}
