package enforce

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/standing"
	"github.com/standing-org/standing/internal/store"
)

// DeadlineActor is the actor of every effect a deadline has.
const DeadlineActor = "deadline"

// errSkip rolls a use case back without an error: the deadline was not this caller's to fire.
var errSkip = errors.New("skip")

// FireDeadline applies a due deadline's effect. The deadline is claimed in the same
// transaction as its effect, so a deadline fired twice (two nodes, a retry after a crash) has
// its effect once; a deadline not yet due, fired or cancelled has none. It reports whether
// this call fired it.
func (s *Service) FireDeadline(ctx context.Context, id string) (bool, error) {
	d, err := s.Store.Deadline(ctx, id)
	if err != nil {
		return false, err
	}
	claim := func(tx store.Tx) error {
		won, err := tx.ClaimDeadline(ctx, d.ID, s.now())
		if err != nil {
			return err
		}
		if !won {
			return errSkip
		}
		return nil
	}
	switch d.Kind {
	case domain.ResponseDue:
		err = s.fireEngine(ctx, d, claim, &standing.MissDeadline{MeasureID: d.MeasureID,
			Base: standing.Base{Actor: DeadlineActor, Reason: "The response deadline passed without a response."}})
	case domain.ClosureEffective:
		err = s.fireEngine(ctx, d, claim, &standing.Close{CaseID: d.CaseID,
			Base: standing.Base{Actor: DeadlineActor, Reason: "The notice period before closure ended without the issue being addressed."}})
	default:
		err = s.fireRecord(ctx, d, claim)
	}
	if errors.Is(err, errSkip) {
		return false, nil
	}
	return err == nil, err
}

// fireEngine lets the engine apply a deadline's escalation. If the engine refuses (the state
// moved on in a way that did not cancel the deadline), the deadline is still used up, and the
// record says why it had no effect.
func (s *Service) fireEngine(ctx context.Context, d domain.Deadline, claim func(store.Tx) error, cmd standing.Command) error {
	_, err := s.runWith(ctx, d.AccountID, runOpts{caseID: d.CaseID, action: "deadline." + string(d.Kind),
		also: func(tx store.Tx, eff *standing.Effects) error {
			if err := claim(tx); err != nil {
				return err
			}
			return publish(ctx, tx, EventDeadlineFired, d.AccountID, deadlineEvent(d, "escalated"), s.now())
		}}, cmd)
	if code := domain.ErrorCode(err); code == domain.ECONFLICT || code == domain.ENOTFOUND {
		refusal := err
		err = s.Store.Tx(ctx, func(tx store.Tx) error {
			if err := claim(tx); err != nil {
				return err
			}
			now := s.now()
			if err := publish(ctx, tx, EventDeadlineFired, d.AccountID, deadlineEvent(d, "void"), now); err != nil {
				return err
			}
			_, err := tx.Append(ctx, audit.Entry{At: now, Actor: DeadlineActor, Action: "deadline.void", AccountID: d.AccountID,
				CaseID: d.CaseID, Subject: d.ID, Reason: "no effect: " + domain.ErrorMessage(refusal)})
			return err
		})
	}
	return err
}

func deadlineEvent(d domain.Deadline, outcome string) map[string]any {
	return map[string]any{"deadline_id": d.ID, "kind": d.Kind, "account_id": d.AccountID, "case_id": d.CaseID,
		"measure_id": d.MeasureID, "due_at": d.DueAt, "outcome": outcome}
}

// fireRecord handles the deadlines that change no measure: a reminder sends a notice; a
// measure's end and a strike's expiry are put on the record, and the holder is told that a
// restriction ended.
func (s *Service) fireRecord(ctx context.Context, d domain.Deadline, claim func(store.Tx) error) error {
	now := s.now()
	return s.Store.Tx(ctx, func(tx store.Tx) error {
		acct, err := tx.LockAccount(ctx, d.AccountID)
		if err != nil {
			return err
		}
		if err := claim(tx); err != nil {
			return err
		}
		m, err := tx.Measure(ctx, d.MeasureID)
		if err != nil {
			return err
		}
		var notice *domain.Notice
		action, outcome := "deadline."+string(d.Kind), "recorded"
		switch d.Kind {
		case domain.Reminder:
			// A reminder late past its deadline would remind of nothing.
			if !m.Active(now) || m.PausedAt != nil || (m.DueAt != nil && !now.Before(*m.DueAt)) {
				action, outcome = "deadline.void", "void"
				break
			}
			n, err := s.followUp(ctx, tx, acct, m, "reminder", now)
			if err != nil {
				return err
			}
			notice = &n
		case domain.MeasureEnds:
			if m.LiftedAt != nil {
				action, outcome = "deadline.void", "void"
				break
			}
			action = "measure.ended"
			if m.Restricts() {
				n, err := s.followUp(ctx, tx, acct, m, "measure_ended", now)
				if err != nil {
					return err
				}
				notice = &n
			}
		case domain.StrikeExpires:
			action = "strike.expired"
		default:
			return fmt.Errorf("deadline %s: unknown kind %q", d.ID, d.Kind)
		}
		if outcome == "void" {
			if err := publish(ctx, tx, EventDeadlineFired, acct.ID, deadlineEvent(d, outcome), now); err != nil {
				return err
			}
			_, err := tx.Append(ctx, audit.Entry{At: now, Actor: DeadlineActor, Action: action, AccountID: acct.ID, CaseID: d.CaseID,
				Subject: m.ID, Reason: "no effect: the measure ended, its clock stopped or its deadline passed"})
			return err
		}
		var notices []domain.Notice
		if notice != nil {
			if err := tx.InsertNotice(ctx, *notice); err != nil {
				return err
			}
			notices = append(notices, *notice)
		}
		// The measure ended by itself at its due time; the standing changed then, and the
		// version moves now so that cached answers revalidate.
		ms, err := tx.Measures(ctx, acct.ID, now)
		if err != nil {
			return err
		}
		before := domain.Derive(acct.ID, acct.Version, append(ms, m), d.DueAt.Add(-time.Microsecond))
		acct.Version++
		if err := tx.PutAccount(ctx, acct); err != nil {
			return err
		}
		after := domain.Derive(acct.ID, acct.Version, ms, now)
		if err := s.announce(ctx, tx, acct, before, after, notices, now); err != nil {
			return err
		}
		if err := publish(ctx, tx, EventDeadlineFired, acct.ID, deadlineEvent(d, outcome), now); err != nil {
			return err
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: DeadlineActor, Action: action, AccountID: acct.ID, CaseID: d.CaseID,
			Subject: m.ID, After: mustJSON(summarize(after))})
		return err
	})
}

// followUp writes a notice that follows up an earlier statement of reasons: a reminder of its
// deadline, or the news that its measure ended.
func (s *Service) followUp(ctx context.Context, tx store.Tx, acct domain.Account, m domain.Measure, kind string, now time.Time) (domain.Notice, error) {
	st := domain.Statement{Measure: m.Type, CapabilitiesOff: m.Off.List(), StartsAt: m.StartsAt, EndsAt: m.EndsAt, DueAt: m.DueAt,
		Facts: m.Reason, Remediation: []string{}, Redress: []string{}}
	ns, err := tx.Notices(ctx, acct.ID)
	if err != nil {
		return domain.Notice{}, err
	}
	for _, n := range ns {
		if n.MeasureID == m.ID && n.Kind == "measure_applied" {
			st = n.Statement
		}
	}
	return domain.Notice{ID: NewID("ntc"), AccountID: acct.ID, CaseID: m.CaseID, MeasureID: m.ID, Kind: kind,
		Language: acct.Language, Statement: st, CreatedAt: now}, nil
}
