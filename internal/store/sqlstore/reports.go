package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

const reportCols = `id, account_id, case_id, source, violation, notifier_name, notifier_email, notifier_org, description, work, item, received_at`

func (t *txn) InsertReport(ctx context.Context, r domain.Report) error {
	return t.exec(ctx, "insert report", `INSERT INTO reports (`+reportCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.AccountID, r.CaseID, r.Source, r.Violation, r.Notifier.Name, r.Notifier.Email, r.Notifier.Organisation,
		r.Description, r.Work, r.Item, us(r.ReceivedAt))
}

func (r reader) CountReports(ctx context.Context, accountID, violation string, since time.Time) (int, error) {
	var n int
	err := r.row(ctx, `SELECT COUNT(*) FROM reports WHERE account_id = ? AND violation = ? AND received_at >= ?`, accountID, violation, us(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count reports: %w", err)
	}
	return n, nil
}

func (r reader) Reports(ctx context.Context, accountID string) ([]domain.Report, error) {
	rows, err := r.query(ctx, `SELECT `+reportCols+` FROM reports WHERE account_id = ? ORDER BY received_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("read reports of %s: %w", accountID, err)
	}
	return collect(rows, func(s scanner) (domain.Report, error) {
		var rp domain.Report
		var at int64
		err := s.Scan(&rp.ID, &rp.AccountID, &rp.CaseID, &rp.Source, &rp.Violation, &rp.Notifier.Name, &rp.Notifier.Email,
			&rp.Notifier.Organisation, &rp.Description, &rp.Work, &rp.Item, &at)
		rp.ReceivedAt = fromUS(at)
		return rp, err
	})
}
