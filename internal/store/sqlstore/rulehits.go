package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

const hitCols = `id, rule, version, rule_set, shadow, account_id, event_source, event_id, at, outcome, features, case_id, measure_id`

// hitRow is what rule_hits keeps beyond its columns, as JSON.
type hitRow struct {
	Outcome      domain.HitOutcome `json:"outcome"`
	Description  string            `json:"description,omitempty"`
	EventType    string            `json:"event_type"`
	LinkedClosed []string          `json:"linked_closed,omitempty"`
}

func (t *txn) InsertRuleHits(ctx context.Context, hs []domain.RuleHit) error {
	const chunk = 200 // 13 parameters a row
	for lo := 0; lo < len(hs); lo += chunk {
		hi := min(lo+chunk, len(hs))
		var q strings.Builder
		q.WriteString(`INSERT INTO rule_hits (` + hitCols + `) VALUES `)
		args := make([]any, 0, 13*(hi-lo))
		for i, h := range hs[lo:hi] {
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?)")
			out, _ := json.Marshal(hitRow{Outcome: h.Outcome, Description: h.Description, EventType: h.EventType, LinkedClosed: h.LinkedClosed})
			feats, _ := json.Marshal(h.Features)
			args = append(args, h.ID, h.Rule, h.Version, h.RuleSet, b2i(h.Shadow), h.AccountID, h.EventSource, h.EventID, us(h.At),
				string(out), string(feats), h.CaseID, h.MeasureID)
		}
		if err := t.exec(ctx, "insert rule hits", q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func (r reader) RuleHits(ctx context.Context, rule, accountID string, limit int) ([]domain.RuleHit, error) {
	rows, err := r.query(ctx, `SELECT `+hitCols+` FROM rule_hits WHERE (? = '' OR rule = ?) AND (? = '' OR account_id = ?)
		ORDER BY at DESC, id DESC LIMIT ?`, rule, rule, accountID, accountID, limit)
	if err != nil {
		return nil, fmt.Errorf("read rule hits: %w", err)
	}
	return collect(rows, func(s scanner) (domain.RuleHit, error) {
		var h domain.RuleHit
		var shadow int
		var at int64
		var out, feats string
		if err := s.Scan(&h.ID, &h.Rule, &h.Version, &h.RuleSet, &shadow, &h.AccountID, &h.EventSource, &h.EventID, &at,
			&out, &feats, &h.CaseID, &h.MeasureID); err != nil {
			return h, err
		}
		var hr hitRow
		if err := json.Unmarshal([]byte(out), &hr); err != nil {
			return h, err
		}
		h.Shadow, h.At = shadow != 0, fromUS(at)
		h.Outcome, h.Description, h.EventType, h.LinkedClosed = hr.Outcome, hr.Description, hr.EventType, hr.LinkedClosed
		return h, json.Unmarshal([]byte(feats), &h.Features)
	})
}

func (r reader) LatestRuleSet(ctx context.Context) (domain.RuleSetVersion, error) {
	var rs domain.RuleSetVersion
	var rules string
	var at int64
	err := r.row(ctx, `SELECT version, rules, saved_by, saved_at FROM rule_sets ORDER BY version DESC LIMIT 1`).Scan(&rs.Version, &rules, &rs.SavedBy, &at)
	if err != nil {
		return rs, notFound(err, "rule set", "latest")
	}
	rs.Rules, rs.SavedAt = json.RawMessage(rules), fromUS(at)
	return rs, nil
}

func (t *txn) InsertRuleSet(ctx context.Context, rs domain.RuleSetVersion) error {
	return t.exec(ctx, "insert rule set", `INSERT INTO rule_sets (version, rules, saved_by, saved_at) VALUES (?,?,?,?)`,
		rs.Version, string(rs.Rules), rs.SavedBy, us(rs.SavedAt))
}

func (r reader) HitRecorded(ctx context.Context, rule, eventSource, eventID string) (bool, error) {
	var n int
	err := r.row(ctx, `SELECT COUNT(*) FROM rule_hits WHERE event_source = ? AND event_id = ? AND rule = ?`, eventSource, eventID, rule).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read rule hits: %w", err)
	}
	return n > 0, nil
}

func (r reader) DetectedUntil(ctx context.Context) (time.Time, error) {
	var at int64
	err := r.row(ctx, `SELECT received_at FROM detect_progress WHERE id = 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("read detection progress: %w", err)
	}
	return fromUS(at), nil
}

func (t *txn) SetDetectedUntil(ctx context.Context, at time.Time) error {
	return t.exec(ctx, "record detection progress", `INSERT INTO detect_progress (id, received_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET received_at = excluded.received_at`, us(at))
}
