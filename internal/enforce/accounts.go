package enforce

import (
	"context"
	"maps"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// PutAccount creates or updates an account from the marketplace's copy. An unchanged account
// is not written again; created reports whether it is new.
func (s *Service) PutAccount(ctx context.Context, actor string, in domain.Account) (out domain.Account, created bool, err error) {
	if in.Identity == "" {
		in.Identity = domain.IdentityUnverified
	}
	if err := domain.ValidateAccount(in); err != nil {
		return in, false, err
	}
	now := s.now()
	err = s.Store.Tx(ctx, func(tx store.Tx) error {
		old, err := tx.LockAccount(ctx, in.ID)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			created = true
			in.CreatedAt, in.Version = now, 1
		case err != nil:
			return err
		case sameAccount(old, in):
			out = old
			return nil
		default:
			in.CreatedAt, in.Version = old.CreatedAt, old.Version+1
		}
		in.UpdatedAt = now
		if err := tx.PutAccount(ctx, in); err != nil {
			return err
		}
		action := "account.update"
		var before []byte
		if created {
			action = "account.create"
		} else {
			before = mustJSON(old)
		}
		out = in
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: action, AccountID: in.ID, Subject: in.ID,
			Before: before, After: mustJSON(in)})
		return err
	})
	return out, created, err
}

func sameAccount(a, b domain.Account) bool {
	return a.Type == b.Type && a.Country == b.Country && a.Language == b.Language && a.DisplayName == b.DisplayName &&
		a.Email == b.Email && a.Identity == b.Identity && a.TermsVersion == b.TermsVersion &&
		(len(a.Profile) == 0 && len(b.Profile) == 0 || maps.Equal(a.Profile, b.Profile))
}

// Account returns one account.
func (s *Service) Account(ctx context.Context, id string) (domain.Account, error) {
	return s.Store.Account(ctx, id)
}
