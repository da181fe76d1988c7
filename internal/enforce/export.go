package enforce

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/dsa"
)

// ExportDSA calls fn with the Transparency Database record of every statement of reasons
// issued since `since`, oldest first. Notices that restrict nothing (warnings, lifts,
// reminders) have no record. A notice that cannot be mapped to a valid record stops the export
// with an error naming it: an export must be submittable as a whole.
func (s *Service) ExportDSA(ctx context.Context, since time.Time, fn func(dsa.Record) error) error {
	return s.Store.NoticesSince(ctx, since, func(n domain.Notice) error {
		if n.Kind != "measure_applied" {
			return nil
		}
		m, err := s.Store.Measure(ctx, n.MeasureID)
		if err != nil {
			return err
		}
		c, err := s.Store.Case(ctx, n.CaseID)
		if err != nil {
			return err
		}
		a, err := s.Store.Account(ctx, n.AccountID)
		if err != nil {
			return err
		}
		rec, err := dsa.FromNotice(dsa.Input{Notice: n, Measure: m, Case: c, Violation: s.Policy.Violations[m.Violation],
			AccountType: a.Type, Territory: []string{a.Country}, ContentLanguage: a.Language})
		if errors.Is(err, dsa.ErrNotRestrictive) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("notice %s: %w", n.ID, err)
		}
		return fn(rec)
	})
}
