package enforce

import (
	"context"
	"fmt"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/standing"
	"github.com/standing-org/standing/internal/store"
)

// ResponseInput is a holder's answer to a measure.
type ResponseInput struct {
	MeasureID string   `json:"measure_id"`
	Text      string   `json:"text"`
	Fixed     []string `json:"fixed"` // the remediation steps the holder says they completed
}

// Response states.
const (
	ResponseUnderReview = "under_review"
	ResponseAccepted    = "accepted"
	ResponseRejected    = "rejected"
)

// Respond records a holder's answer. An answer to a hold or a closure notice before its
// deadline stops the clock while it is reviewed.
func (s *Service) Respond(ctx context.Context, actor, accountID string, in ResponseInput) (domain.Response, error) {
	var v domain.Validation
	if in.MeasureID == "" {
		v.Add("measure_id", "is required: the measure the response answers")
	}
	if in.Text == "" {
		v.Add("text", "is required")
	} else if len(in.Text) > domain.MaxDescriptionLen {
		v.Add("text", "at most %d bytes", domain.MaxDescriptionLen)
	}
	if len(in.Fixed) > 50 {
		v.Add("fixed", "at most 50 items")
	}
	for i, f := range in.Fixed {
		if f == "" || len(f) > domain.MaxTextLen {
			v.Add(fmt.Sprintf("fixed[%d]", i), "must be 1 to %d bytes", domain.MaxTextLen)
		}
	}
	if err := v.Err(); err != nil {
		return domain.Response{}, err
	}
	m, err := s.Store.Measure(ctx, in.MeasureID)
	if err != nil || m.AccountID != accountID {
		return domain.Response{}, domain.Errorf(domain.ENOTFOUND, "account %s has no measure %s", accountID, in.MeasureID)
	}
	now := s.now()
	if !m.Active(now) {
		return domain.Response{}, domain.Errorf(domain.ECONFLICT, "measure %s is no longer in force; to contest a past decision, appeal it", m.ID)
	}
	r := domain.Response{ID: NewID("rsp"), AccountID: accountID, MeasureID: m.ID, CaseID: m.CaseID, Text: in.Text,
		Fixed: in.Fixed, Status: ResponseUnderReview, ReceivedAt: now}
	if r.Fixed == nil {
		r.Fixed = []string{}
	}
	also := func(tx store.Tx, _ *standing.Effects) error {
		if err := tx.InsertResponse(ctx, r); err != nil {
			return err
		}
		return publish(ctx, tx, EventResponseReceived, accountID, map[string]any{
			"response_id": r.ID, "account_id": accountID, "measure_id": m.ID, "case_id": m.CaseID, "clock_stopped": m.DueAt != nil}, now)
	}
	var cmd standing.Command = &standing.Pause{MeasureID: m.ID}
	if m.Type != domain.Hold && m.Type != domain.ClosurePending {
		// Nothing to stop: the answer goes on the record for the reviewer.
		return r, s.recordOnly(ctx, actor, accountID, m.CaseID, "response.receive", r.ID, r, also)
	}
	b := cmd.Common()
	b.Actor, b.Reason = actor, "The holder responded; the deadline is stopped while the response is reviewed."
	_, err = s.runWith(ctx, accountID, runOpts{caseID: m.CaseID, action: "response.receive", also: also}, cmd)
	return r, err
}

// DecideResponse is the reviewer's decision on a response: accepted lifts the measure;
// rejected restarts its clock with the time that was left.
func (s *Service) DecideResponse(ctx context.Context, actor, responseID string, accept bool, reason string) (Result, error) {
	if reason == "" {
		return Result{}, domain.Invalid("reason", "is required: the decision goes on the record with its reason")
	}
	r, err := s.Store.Response(ctx, responseID)
	if err != nil {
		return Result{}, err
	}
	if r.Status != ResponseUnderReview {
		return Result{}, domain.Errorf(domain.ECONFLICT, "response %s was %s already", r.ID, r.Status)
	}
	m, err := s.Store.Measure(ctx, r.MeasureID)
	if err != nil {
		return Result{}, err
	}
	now := s.now()
	r.DecidedBy, r.DecidedAt, r.Decision = actor, &now, reason
	var cmd standing.Command
	action := "response.accept"
	if accept {
		r.Status = ResponseAccepted
		cmd = &standing.Lift{MeasureID: m.ID}
	} else {
		r.Status = ResponseRejected
		action = "response.reject"
		cmd = &standing.Resume{MeasureID: m.ID}
	}
	b := cmd.Common()
	b.Actor, b.Reason = actor, reason
	also := func(tx store.Tx, _ *standing.Effects) error {
		cur, err := tx.Response(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Status != ResponseUnderReview {
			return domain.Errorf(domain.ECONFLICT, "response %s was %s already", r.ID, cur.Status)
		}
		if err := tx.UpdateResponse(ctx, r); err != nil {
			return err
		}
		return publish(ctx, tx, EventResponseDecided, r.AccountID, map[string]any{
			"response_id": r.ID, "account_id": r.AccountID, "measure_id": m.ID, "status": r.Status}, now)
	}
	if !accept && m.PausedAt == nil {
		// A response to a measure without a clock: only the decision is recorded.
		if err := s.recordOnly(ctx, actor, r.AccountID, r.CaseID, action, r.ID, r, also); err != nil {
			return Result{}, err
		}
		v, err := s.Standing(ctx, r.AccountID)
		return Result{Applied: []domain.Measure{}, Lifted: []domain.Measure{}, Notices: []domain.Notice{}, CaseID: r.CaseID, Standing: v}, err
	}
	return s.runWith(ctx, r.AccountID, runOpts{caseID: r.CaseID, action: action, also: also}, cmd)
}
