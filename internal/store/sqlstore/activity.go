package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// activityChunk rows go in one INSERT: 7 parameters each stays far below both engines' limits.
const activityChunk = 500

func (t *txn) InsertActivity(ctx context.Context, evs []*domain.ActivityEvent, receivedAt time.Time) ([]bool, error) {
	fresh := make([]bool, len(evs))
	for lo := 0; lo < len(evs); lo += activityChunk {
		hi := min(lo+activityChunk, len(evs))
		var q strings.Builder
		q.WriteString(`INSERT INTO activity (source, id, type, subject, time, data, received_at) VALUES `)
		args := make([]any, 0, 7*(hi-lo))
		index := make(map[[2]string]int, hi-lo)
		for i := lo; i < hi; i++ {
			e := evs[i]
			if i > lo {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?,?,?)")
			data := string(e.Data)
			if data == "" {
				data = "{}"
			}
			args = append(args, e.Source, e.ID, e.Type, e.Subject, us(e.Time), data, us(receivedAt))
			if _, dup := index[[2]string{e.Source, e.ID}]; !dup {
				index[[2]string{e.Source, e.ID}] = i
			}
		}
		q.WriteString(` ON CONFLICT (source, id) DO NOTHING RETURNING source, id`)
		rows, err := t.tx.QueryContext(ctx, t.db.q(q.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("%s: insert activity: %w", t.db.dialect, err)
		}
		for rows.Next() {
			var src, id string
			if err := rows.Scan(&src, &id); err != nil {
				rows.Close()
				return nil, err
			}
			fresh[index[[2]string{src, id}]] = true
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("%s: insert activity: %w", t.db.dialect, err)
		}
	}
	return fresh, nil
}

func (db *DB) Activity(ctx context.Context, since time.Time, fn func(*domain.ActivityEvent) error) error {
	// Pages follow the time index. Events that share the last page's final microsecond come
	// again on the next page and are skipped by their identity.
	page := 5000
	from := us(since)
	seen := map[[2]string]bool{}
	for {
		rows, err := db.query(ctx, `SELECT source, id, type, subject, time, data, received_at FROM activity WHERE time >= ? ORDER BY time LIMIT ?`, from, page)
		if err != nil {
			return fmt.Errorf("read activity: %w", err)
		}
		evs, err := collect(rows, func(s scanner) (*domain.ActivityEvent, error) {
			e := &domain.ActivityEvent{}
			var at, received int64
			var data string
			if err := s.Scan(&e.Source, &e.ID, &e.Type, &e.Subject, &at, &data, &received); err != nil {
				return nil, err
			}
			e.Time, e.Data, e.ReceivedAt = fromUS(at), json.RawMessage(data), fromUS(received)
			return e, json.Unmarshal(e.Data, &e.Fields)
		})
		if err != nil {
			return err
		}
		last := from
		next := map[[2]string]bool{}
		for _, e := range evs {
			k := [2]string{e.Source, e.ID}
			if us(e.Time) == from && seen[k] {
				continue
			}
			if err := fn(e); err != nil {
				return err
			}
			if t := us(e.Time); t != last {
				last, next = t, map[[2]string]bool{}
			}
			next[k] = true
		}
		if len(evs) < page {
			return nil
		}
		if last == from {
			page *= 2 // a whole page in one microsecond: take more at once
		}
		if last != from {
			seen = next
		} else {
			for k := range next {
				seen[k] = true
			}
		}
		from = last
	}
}

func (db *DB) CountActivity(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	if err := db.row(ctx, `SELECT COUNT(*) FROM activity WHERE time >= ?`, us(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count activity: %w", err)
	}
	return n, nil
}

func (db *DB) HumanDecisions(ctx context.Context) (map[string][]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT violation, account_id FROM measures
		WHERE created_by NOT LIKE 'rule:%' AND created_by <> 'deadline' ORDER BY violation, account_id`)
	if err != nil {
		return nil, fmt.Errorf("read decisions: %w", err)
	}
	pairs, err := collect(rows, func(s scanner) ([2]string, error) {
		var p [2]string
		return p, s.Scan(&p[0], &p[1])
	})
	out := map[string][]string{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, err
}
