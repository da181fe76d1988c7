package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// ---- deadlines

const deadlineCols = `id, kind, account_id, case_id, measure_id, due_at, status`

func scanDeadline(s scanner) (domain.Deadline, error) {
	var d domain.Deadline
	var due int64
	err := s.Scan(&d.ID, &d.Kind, &d.AccountID, &d.CaseID, &d.MeasureID, &due, &d.Status)
	d.DueAt = fromUS(due)
	return d, err
}

func (r reader) DueDeadlines(ctx context.Context, now time.Time, limit int) ([]domain.Deadline, error) {
	rows, err := r.query(ctx, `SELECT `+deadlineCols+` FROM deadlines WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`, us(now), limit)
	if err != nil {
		return nil, fmt.Errorf("read due deadlines: %w", err)
	}
	return collect(rows, scanDeadline)
}

func (r reader) Deadline(ctx context.Context, id string) (domain.Deadline, error) {
	d, err := scanDeadline(r.row(ctx, `SELECT `+deadlineCols+` FROM deadlines WHERE id = ?`, id))
	if err != nil {
		return d, notFound(err, "deadline", id)
	}
	return d, nil
}

func (t *txn) ClaimDeadline(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, t.db.q(`UPDATE deadlines SET status = 'fired', fired_at = ? WHERE id = ? AND status = 'pending' AND due_at <= ?`),
		us(now), id, us(now))
	if err != nil {
		return false, fmt.Errorf("%s: claim deadline %s: %w", t.db.dialect, id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *txn) UpdateMeasureClock(ctx context.Context, m domain.Measure) error {
	return t.exec(ctx, "update measure clock", `UPDATE measures SET paused_at = ?, due_at = ? WHERE id = ?`, usp(m.PausedAt), usp(m.DueAt), m.ID)
}

// ---- responses

const responseCols = `id, account_id, measure_id, case_id, text, fixed, status, received_at, decided_by, decided_at, decision`

func scanResponse(s scanner) (domain.Response, error) {
	var r domain.Response
	var fixed string
	var received int64
	var decided sql.NullInt64
	if err := s.Scan(&r.ID, &r.AccountID, &r.MeasureID, &r.CaseID, &r.Text, &fixed, &r.Status, &received, &r.DecidedBy, &decided, &r.Decision); err != nil {
		return r, err
	}
	r.ReceivedAt, r.DecidedAt = fromUS(received), fromNull(decided)
	return r, json.Unmarshal([]byte(fixed), &r.Fixed)
}

func (r reader) Response(ctx context.Context, id string) (domain.Response, error) {
	resp, err := scanResponse(r.row(ctx, `SELECT `+responseCols+` FROM responses WHERE id = ?`, id))
	if err != nil {
		return resp, notFound(err, "response", id)
	}
	return resp, nil
}

func (r reader) Responses(ctx context.Context, accountID string) ([]domain.Response, error) {
	rows, err := r.query(ctx, `SELECT `+responseCols+` FROM responses WHERE account_id = ? ORDER BY received_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("read responses of %s: %w", accountID, err)
	}
	return collect(rows, scanResponse)
}

func (t *txn) InsertResponse(ctx context.Context, r domain.Response) error {
	fixed, _ := json.Marshal(r.Fixed)
	return t.exec(ctx, "insert response", `INSERT INTO responses (`+responseCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.AccountID, r.MeasureID, r.CaseID, r.Text, string(fixed), r.Status, us(r.ReceivedAt), r.DecidedBy, usp(r.DecidedAt), r.Decision)
}

func (t *txn) UpdateResponse(ctx context.Context, r domain.Response) error {
	return t.exec(ctx, "update response", `UPDATE responses SET status = ?, decided_by = ?, decided_at = ?, decision = ? WHERE id = ?`,
		r.Status, r.DecidedBy, usp(r.DecidedAt), r.Decision, r.ID)
}

// ---- notices, events, endpoints

func (r reader) Notice(ctx context.Context, id string) (domain.Notice, error) {
	n, err := scanNotice(r.row(ctx, `SELECT `+noticeCols+` FROM notices WHERE id = ?`, id))
	if err != nil {
		return n, notFound(err, "notice", id)
	}
	return n, nil
}

func (r reader) Event(ctx context.Context, id string) (domain.Event, error) {
	var e domain.Event
	var data string
	var at int64
	err := r.row(ctx, `SELECT id, type, account_id, data, created_at FROM events WHERE id = ?`, id).Scan(&e.ID, &e.Type, &e.AccountID, &data, &at)
	if err != nil {
		return e, notFound(err, "event", id)
	}
	e.Data, e.CreatedAt = json.RawMessage(data), fromUS(at)
	return e, nil
}

func (t *txn) InsertEvent(ctx context.Context, e domain.Event) error {
	return t.exec(ctx, "insert event", `INSERT INTO events (id, type, account_id, data, created_at) VALUES (?,?,?,?,?)`,
		e.ID, e.Type, e.AccountID, string(e.Data), us(e.CreatedAt))
}

const endpointCols = `id, url, secret, events, description, created_at, disabled_at`

func scanEndpoint(s scanner) (domain.Endpoint, error) {
	var e domain.Endpoint
	var events string
	var created int64
	var disabled sql.NullInt64
	if err := s.Scan(&e.ID, &e.URL, &e.Secret, &events, &e.Description, &created, &disabled); err != nil {
		return e, err
	}
	e.Events, e.CreatedAt, e.DisabledAt = strings.Split(events, ","), fromUS(created), fromNull(disabled)
	return e, nil
}

func (r reader) Endpoints(ctx context.Context) ([]domain.Endpoint, error) {
	rows, err := r.query(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read webhook endpoints: %w", err)
	}
	return collect(rows, scanEndpoint)
}

func (r reader) Endpoint(ctx context.Context, id string) (domain.Endpoint, error) {
	e, err := scanEndpoint(r.row(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = ?`, id))
	if err != nil {
		return e, notFound(err, "webhook endpoint", id)
	}
	return e, nil
}

func (t *txn) InsertEndpoint(ctx context.Context, e domain.Endpoint) error {
	return t.exec(ctx, "insert webhook endpoint", `INSERT INTO webhook_endpoints (`+endpointCols+`) VALUES (?,?,?,?,?,?,?)`,
		e.ID, e.URL, e.Secret, strings.Join(e.Events, ","), e.Description, us(e.CreatedAt), usp(e.DisabledAt))
}

func (t *txn) DisableEndpoint(ctx context.Context, id string, at time.Time) error {
	return t.exec(ctx, "disable webhook endpoint", `UPDATE webhook_endpoints SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL`, us(at), id)
}

// ---- deliveries

const deliveryCols = `id, channel, notice_id, event_id, endpoint_id, account_id, status, attempts, next_attempt_at, last_error, last_status, sent_at, message_id, created_at`

func scanDelivery(s scanner) (domain.Delivery, error) {
	var d domain.Delivery
	var next, created int64
	var sent sql.NullInt64
	err := s.Scan(&d.ID, &d.Channel, &d.NoticeID, &d.EventID, &d.EndpointID, &d.AccountID, &d.Status, &d.Attempts, &next,
		&d.LastError, &d.LastStatus, &sent, &d.MessageID, &created)
	d.NextAttemptAt, d.SentAt, d.CreatedAt = fromUS(next), fromNull(sent), fromUS(created)
	return d, err
}

func (r reader) Delivery(ctx context.Context, id string) (domain.Delivery, error) {
	d, err := scanDelivery(r.row(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE id = ?`, id))
	if err != nil {
		return d, notFound(err, "delivery", id)
	}
	return d, nil
}

func (r reader) Deliveries(ctx context.Context, noticeID, eventID, endpointID string, limit int) ([]domain.Delivery, error) {
	col, id := "notice_id", noticeID
	switch {
	case eventID != "":
		col, id = "event_id", eventID
	case endpointID != "":
		col, id = "endpoint_id", endpointID
	}
	rows, err := r.query(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE `+col+` = ? ORDER BY created_at DESC, id DESC LIMIT ?`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	return collect(rows, scanDelivery)
}

func (r reader) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]domain.Delivery, error) {
	rows, err := r.query(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, us(now), limit)
	if err != nil {
		return nil, fmt.Errorf("read due deliveries: %w", err)
	}
	return collect(rows, scanDelivery)
}

func (t *txn) InsertDelivery(ctx context.Context, d domain.Delivery) error {
	return t.exec(ctx, "insert delivery", `INSERT INTO deliveries (`+deliveryCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		d.ID, d.Channel, d.NoticeID, d.EventID, d.EndpointID, d.AccountID, d.Status, d.Attempts, us(d.NextAttemptAt),
		d.LastError, d.LastStatus, usp(d.SentAt), d.MessageID, us(d.CreatedAt))
}

func (t *txn) UpdateDelivery(ctx context.Context, d domain.Delivery) error {
	return t.exec(ctx, "update delivery", `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, last_status = ?, sent_at = ?, message_id = ? WHERE id = ?`,
		d.Status, d.Attempts, us(d.NextAttemptAt), d.LastError, d.LastStatus, usp(d.SentAt), d.MessageID, d.ID)
}

func (db *DB) ClaimDelivery(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?`),
		us(until), id, us(now))
	if err != nil {
		return false, fmt.Errorf("%s: claim delivery %s: %w", db.dialect, id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ---- templates

func (r reader) Templates(ctx context.Context) ([]domain.Template, error) {
	rows, err := r.query(ctx, `SELECT language, kind, part, source, updated_by, updated_at FROM templates ORDER BY language, kind, part`)
	if err != nil {
		return nil, fmt.Errorf("read templates: %w", err)
	}
	return collect(rows, func(s scanner) (domain.Template, error) {
		var t domain.Template
		var at int64
		err := s.Scan(&t.Language, &t.Kind, &t.Part, &t.Source, &t.UpdatedBy, &at)
		t.UpdatedAt = fromUS(at)
		return t, err
	})
}

func (t *txn) PutTemplate(ctx context.Context, tp domain.Template) error {
	return t.exec(ctx, "put template", `INSERT INTO templates (language, kind, part, source, updated_by, updated_at) VALUES (?,?,?,?,?,?)
		ON CONFLICT (language, kind, part) DO UPDATE SET source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		tp.Language, tp.Kind, tp.Part, tp.Source, tp.UpdatedBy, us(tp.UpdatedAt))
}

func (db *DB) NoticesSince(ctx context.Context, since time.Time, fn func(domain.Notice) error) error {
	const page = 2000
	after, afterID := us(since)-1, ""
	for {
		rows, err := db.query(ctx, `SELECT `+noticeCols+` FROM notices
			WHERE created_at > ? OR (created_at = ? AND id > ?) ORDER BY created_at, id LIMIT ?`, after, after, afterID, page)
		if err != nil {
			return fmt.Errorf("read notices: %w", err)
		}
		ns, err := collect(rows, scanNotice)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if err := fn(n); err != nil {
				return err
			}
		}
		if len(ns) < page {
			return nil
		}
		after, afterID = us(ns[len(ns)-1].CreatedAt), ns[len(ns)-1].ID
	}
}
