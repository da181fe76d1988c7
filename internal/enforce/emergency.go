package enforce

import (
	"context"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/standing"
	"github.com/standing-org/standing/internal/store"
)

// EmergencyInput asks for a closure without a notice period; a second operator must approve.
type EmergencyInput struct {
	Violation string `json:"violation"`
	CaseID    string `json:"case_id"`
	Ground    string `json:"ground"`
	Reason    string `json:"reason"`
}

// RequestEmergencyClosure records the first operator's request.
func (s *Service) RequestEmergencyClosure(ctx context.Context, actor, accountID string, in EmergencyInput) (store.EmergencyRequest, error) {
	var v domain.Validation
	if in.Ground == "" {
		v.Add("ground", "is required: the legal ground that justifies closing without notice (e.g. P2B Art. 4(4))")
	} else if len(in.Ground) > domain.MaxTextLen {
		v.Add("ground", "at most %d bytes", domain.MaxTextLen)
	}
	if in.Reason == "" {
		v.Add("reason", "is required")
	} else if len(in.Reason) > standing.MaxReasonLen {
		v.Add("reason", "at most %d bytes", standing.MaxReasonLen)
	}
	if in.CaseID == "" || in.Violation != "" {
		if _, ok := s.Policy.Violations[in.Violation]; !ok {
			v.Add("violation", "unknown violation type %q (the policy has: %v)", in.Violation, s.Policy.Order)
		}
	}
	if err := v.Err(); err != nil {
		return store.EmergencyRequest{}, err
	}
	now := s.now()
	r := store.EmergencyRequest{ID: NewID("emc"), AccountID: accountID, CaseID: in.CaseID, Violation: in.Violation,
		Ground: in.Ground, Reason: in.Reason, RequestedBy: actor, RequestedAt: now, Status: "pending"}
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockAccount(ctx, accountID); err != nil {
			return err
		}
		ms, err := tx.Measures(ctx, accountID, now)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Type == domain.Closure && m.Active(now) {
				return domain.Errorf(domain.ECONFLICT, "account %s is already closed", accountID)
			}
		}
		pending, err := tx.PendingEmergencyRequests(ctx, accountID)
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			return domain.Errorf(domain.ECONFLICT, "an emergency closure of account %s is already waiting for approval (request %s by %s)",
				accountID, pending[0].ID, pending[0].RequestedBy)
		}
		if r.CaseID != "" {
			c, err := tx.Case(ctx, r.CaseID)
			if err != nil || c.AccountID != accountID {
				return domain.Invalid("case_id", "account %s has no case %q", accountID, r.CaseID)
			}
			if r.Violation == "" {
				r.Violation = c.Violation
			}
		} else {
			c, err := insertCase(ctx, tx, actor, CaseInput{AccountID: accountID, Violation: in.Violation,
				Source: domain.SourceDetection, Summary: in.Reason}, now)
			if err != nil {
				return err
			}
			r.CaseID = c.ID
		}
		if err := tx.InsertEmergencyRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "closure.emergency_request", AccountID: accountID,
			CaseID: r.CaseID, Subject: r.ID, After: mustJSON(r), Reason: in.Reason})
		return err
	})
	return r, err
}

// ApproveEmergencyClosure is the second operator's approval; it closes the account.
func (s *Service) ApproveEmergencyClosure(ctx context.Context, actor, requestID string) (Result, error) {
	r, err := s.Store.EmergencyRequest(ctx, requestID)
	if err != nil {
		return Result{}, err
	}
	if r.Status != "pending" {
		return Result{}, domain.Errorf(domain.ECONFLICT, "emergency closure request %s was already %s by %s", r.ID, r.Status, r.ApprovedBy)
	}
	now := s.now()
	cmd := &standing.Close{Base: standing.Base{Actor: actor, Reason: r.Reason}, Violation: r.Violation, CaseID: r.CaseID,
		Emergency: &domain.Emergency{Ground: r.Ground, RequestedBy: r.RequestedBy, ApprovedBy: actor}}
	return s.runWith(ctx, r.AccountID, runOpts{caseID: r.CaseID, also: func(tx store.Tx, _ *standing.Effects) error {
		// Re-read inside the transaction: two approvals racing must not both close.
		cur, err := tx.EmergencyRequest(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Status != "pending" {
			return domain.Errorf(domain.ECONFLICT, "emergency closure request %s was already %s", r.ID, cur.Status)
		}
		r.Status, r.ApprovedBy, r.ApprovedAt = "approved", actor, &now
		return tx.UpdateEmergencyRequest(ctx, r)
	}}, cmd)
}
