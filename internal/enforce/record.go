package enforce

import (
	"context"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/standing"
	"github.com/standing-org/standing/internal/store"
)

// recordOnly is the transaction of a use case that changes no measure: its writes (also) and
// one audit record.
func (s *Service) recordOnly(ctx context.Context, actor, accountID, caseID, action, subject string, after any,
	also func(store.Tx, *standing.Effects) error) error {
	now := s.now()
	return s.Store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockAccount(ctx, accountID); err != nil {
			return err
		}
		if err := also(tx, &standing.Effects{}); err != nil {
			return err
		}
		_, err := tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: action, AccountID: accountID, CaseID: caseID,
			Subject: subject, After: mustJSON(after)})
		return err
	})
}
