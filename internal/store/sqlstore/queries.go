package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// reader runs the read queries on a pool, through statements prepared once per connection
// (parsing the SQL was most of a standing read's cost), or in a transaction. A transaction
// does not prepare on the pool: SQLite's single writer connection is the transaction's own.
type reader struct {
	db    *DB
	pool  *sql.DB
	stmts *sync.Map // query text → *sql.Stmt prepared on pool
	tx    *sql.Tx   // nil outside a transaction
}

// txn is one write transaction.
type txn struct {
	reader
}

func (r reader) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	q := r.db.q(query)
	v, ok := r.stmts.Load(q)
	if !ok {
		s, err := r.pool.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: prepare: %w", r.db.dialect, err)
		}
		var loaded bool
		if v, loaded = r.stmts.LoadOrStore(q, s); loaded {
			s.Close()
		}
	}
	return v.(*sql.Stmt), nil
}

type scanner interface{ Scan(dest ...any) error }

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (r reader) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if r.tx != nil {
		return r.tx.QueryContext(ctx, r.db.q(query), args...)
	}
	st, err := r.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// errRow is a row whose statement failed to prepare.
type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }

func (r reader) row(ctx context.Context, query string, args ...any) scanner {
	if r.tx != nil {
		return r.tx.QueryRowContext(ctx, r.db.q(query), args...)
	}
	st, err := r.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

func (t *txn) exec(ctx context.Context, what, query string, args ...any) error {
	if _, err := t.tx.ExecContext(ctx, t.db.q(query), args...); err != nil {
		return fmt.Errorf("%s: %s: %w", t.db.dialect, what, err)
	}
	return nil
}

// Times are stored as Unix microseconds.
func us(t time.Time) int64 { return t.UnixMicro() }

func usp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNull(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUS(v.Int64)
	return &t
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- accounts

const accountCols = `id, type, country, language, display_name, email, profile, identity, terms_version, created_at, updated_at, version`

func scanAccount(s scanner) (domain.Account, error) {
	var a domain.Account
	var profile string
	var created, updated int64
	err := s.Scan(&a.ID, &a.Type, &a.Country, &a.Language, &a.DisplayName, &a.Email, &profile, &a.Identity,
		&a.TermsVersion, &created, &updated, &a.Version)
	if err != nil {
		return a, err
	}
	a.CreatedAt, a.UpdatedAt = fromUS(created), fromUS(updated)
	if profile != "" && profile != "{}" {
		if err := json.Unmarshal([]byte(profile), &a.Profile); err != nil {
			return a, fmt.Errorf("account %s: profile: %w", a.ID, err)
		}
	}
	return a, nil
}

func (r reader) Account(ctx context.Context, id string) (domain.Account, error) {
	a, err := scanAccount(r.row(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return a, notFound(err, "account", id)
	}
	return a, nil
}

func (t *txn) LockAccount(ctx context.Context, id string) (domain.Account, error) {
	q := `SELECT ` + accountCols + ` FROM accounts WHERE id = ?`
	if t.db.dialect == "postgres" {
		q += ` FOR UPDATE` // SQLite's single writer already serializes
	}
	a, err := scanAccount(t.row(ctx, q, id))
	if err != nil {
		return a, notFound(err, "account", id)
	}
	return a, nil
}

func (t *txn) PutAccount(ctx context.Context, a domain.Account) error {
	profile := "{}"
	if len(a.Profile) > 0 {
		b, err := json.Marshal(a.Profile)
		if err != nil {
			return fmt.Errorf("account %s: profile: %w", a.ID, err)
		}
		profile = string(b)
	}
	return t.exec(ctx, "put account", `INSERT INTO accounts (`+accountCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET type = excluded.type, country = excluded.country, language = excluded.language,
		display_name = excluded.display_name, email = excluded.email, profile = excluded.profile, identity = excluded.identity,
		terms_version = excluded.terms_version, updated_at = excluded.updated_at, version = excluded.version`,
		a.ID, a.Type, a.Country, a.Language, a.DisplayName, a.Email, profile, a.Identity, a.TermsVersion,
		us(a.CreatedAt), us(a.UpdatedAt), a.Version)
}

// ---- cases and evidence

const caseCols = `id, account_id, violation, source, status, resolution, summary, notifier, automated, opened_by, opened_at, updated_at`

func scanCase(s scanner) (domain.Case, error) {
	var c domain.Case
	var opened, updated int64
	var automated int
	err := s.Scan(&c.ID, &c.AccountID, &c.Violation, &c.Source, &c.Status, &c.Resolution, &c.Summary, &c.Notifier,
		&automated, &c.OpenedBy, &opened, &updated)
	c.Automated, c.OpenedAt, c.UpdatedAt = automated != 0, fromUS(opened), fromUS(updated)
	c.Evidence = []domain.Evidence{}
	return c, err
}

func (r reader) Case(ctx context.Context, id string) (domain.Case, error) {
	c, err := scanCase(r.row(ctx, `SELECT `+caseCols+` FROM cases WHERE id = ?`, id))
	if err != nil {
		return c, notFound(err, "case", id)
	}
	rows, err := r.query(ctx, `SELECT id, case_id, kind, description, data, added_by, added_at FROM evidence WHERE case_id = ? ORDER BY added_at, id`, id)
	if err != nil {
		return c, fmt.Errorf("read evidence of case %s: %w", id, err)
	}
	c.Evidence, err = collect(rows, func(s scanner) (domain.Evidence, error) {
		var e domain.Evidence
		var data string
		var at int64
		err := s.Scan(&e.ID, &e.CaseID, &e.Kind, &e.Description, &data, &e.AddedBy, &at)
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		e.AddedAt = fromUS(at)
		return e, err
	})
	return c, err
}

func (r reader) Cases(ctx context.Context, accountID string) ([]domain.Case, error) {
	rows, err := r.query(ctx, `SELECT `+caseCols+` FROM cases WHERE account_id = ? ORDER BY opened_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("read cases of account %s: %w", accountID, err)
	}
	return collect(rows, scanCase)
}

func (r reader) Queue(ctx context.Context, status, violation, after string, limit int) ([]domain.Case, error) {
	// Case ids grow with time, so the id orders the queue and pages it.
	rows, err := r.query(ctx, `SELECT `+caseCols+` FROM cases
		WHERE (? = '' AND status <> 'resolved' OR status = ?) AND (? = '' OR violation = ?) AND id > ?
		ORDER BY id LIMIT ?`, status, status, violation, violation, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read the case queue: %w", err)
	}
	return collect(rows, scanCase)
}

func (t *txn) InsertCase(ctx context.Context, c domain.Case) error {
	return t.exec(ctx, "insert case", `INSERT INTO cases (`+caseCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.ID, c.AccountID, c.Violation, c.Source, c.Status, c.Resolution, c.Summary, c.Notifier, b2i(c.Automated),
		c.OpenedBy, us(c.OpenedAt), us(c.UpdatedAt))
}

func (t *txn) UpdateCase(ctx context.Context, c domain.Case) error {
	return t.exec(ctx, "update case", `UPDATE cases SET status = ?, resolution = ?, summary = ?, updated_at = ? WHERE id = ?`,
		c.Status, c.Resolution, c.Summary, us(c.UpdatedAt), c.ID)
}

func (t *txn) InsertEvidence(ctx context.Context, e domain.Evidence) error {
	return t.exec(ctx, "insert evidence", `INSERT INTO evidence (id, case_id, kind, description, data, added_by, added_at) VALUES (?,?,?,?,?,?,?)`,
		e.ID, e.CaseID, e.Kind, e.Description, string(e.Data), e.AddedBy, us(e.AddedAt))
}

// ---- measures

const measureCols = `id, account_id, case_id, type, violation, off, weight, starts_at, ends_at, due_at, reason, automated, created_by, lifted_at, lifted_by, lift_reason, emergency, paused_at`

// measureRow holds a measures row as scanned; the LEFT JOIN of a standing read makes every
// column nullable.
type measureRow struct {
	domain.Measure
	accountID, caseID, typ, violation, reason, createdBy, liftedBy, liftReason, emergency sql.NullString
	off, weight, starts, ends, due, automated, lifted, paused                             sql.NullInt64
}

func (m *measureRow) dest() []any {
	return []any{&m.ID, &m.accountID, &m.caseID, &m.typ, &m.violation, &m.off, &m.weight, &m.starts, &m.ends, &m.due,
		&m.reason, &m.automated, &m.createdBy, &m.lifted, &m.liftedBy, &m.liftReason, &m.emergency, &m.paused}
}

func (m *measureRow) measure() (domain.Measure, error) {
	out := m.Measure
	out.AccountID, out.CaseID, out.Type, out.Violation = m.accountID.String, m.caseID.String, domain.MeasureType(m.typ.String), m.violation.String
	out.Off, out.Weight = domain.CapSet(m.off.Int64), int(m.weight.Int64)
	out.StartsAt, out.EndsAt, out.DueAt, out.LiftedAt = fromUS(m.starts.Int64), fromNull(m.ends), fromNull(m.due), fromNull(m.lifted)
	out.Reason, out.Automated, out.CreatedBy = m.reason.String, m.automated.Int64 != 0, m.createdBy.String
	out.LiftedBy, out.LiftReason, out.PausedAt = m.liftedBy.String, m.liftReason.String, fromNull(m.paused)
	if m.emergency.String != "" {
		out.Emergency = new(domain.Emergency)
		if err := json.Unmarshal([]byte(m.emergency.String), out.Emergency); err != nil {
			return out, fmt.Errorf("measure %s: emergency: %w", out.ID, err)
		}
	}
	return out, nil
}

func scanMeasure(s scanner) (domain.Measure, error) {
	var m measureRow
	if err := s.Scan(m.dest()...); err != nil {
		return domain.Measure{}, err
	}
	return m.measure()
}

func (r reader) Measures(ctx context.Context, accountID string, since time.Time) ([]domain.Measure, error) {
	rows, err := r.query(ctx, `SELECT `+measureCols+` FROM measures
		WHERE account_id = ? AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > ?) ORDER BY starts_at, id`, accountID, us(since))
	if err != nil {
		return nil, fmt.Errorf("read measures of account %s: %w", accountID, err)
	}
	return collect(rows, scanMeasure)
}

func (r reader) Standing(ctx context.Context, accountID string, since time.Time) (int64, []domain.Measure, error) {
	rows, err := r.query(ctx, `SELECT a.version, m.`+strings.ReplaceAll(measureCols, ", ", ", m.")+` FROM accounts a
		LEFT JOIN measures m ON m.account_id = a.id AND m.lifted_at IS NULL AND (m.ends_at IS NULL OR m.ends_at > ?)
		WHERE a.id = ? ORDER BY m.starts_at, m.id`, us(since), accountID)
	if err != nil {
		return 0, nil, fmt.Errorf("read standing of account %s: %w", accountID, err)
	}
	defer rows.Close()
	var version int64 = -1
	ms := []domain.Measure{}
	for rows.Next() {
		var id sql.NullString
		var m measureRow
		if err := rows.Scan(append([]any{&version, &id}, m.dest()[1:]...)...); err != nil {
			return 0, nil, fmt.Errorf("read standing of account %s: %w", accountID, err)
		}
		if id.Valid {
			m.ID = id.String
			mm, err := m.measure()
			if err != nil {
				return 0, nil, err
			}
			ms = append(ms, mm)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("read standing of account %s: %w", accountID, err)
	}
	if version < 0 {
		return 0, nil, domain.Errorf(domain.ENOTFOUND, "account %q not found", accountID)
	}
	return version, ms, nil
}

func (r reader) AllMeasures(ctx context.Context, accountID string) ([]domain.Measure, error) {
	rows, err := r.query(ctx, `SELECT `+measureCols+` FROM measures WHERE account_id = ? ORDER BY starts_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("read measures of account %s: %w", accountID, err)
	}
	return collect(rows, scanMeasure)
}

func (r reader) Measure(ctx context.Context, id string) (domain.Measure, error) {
	m, err := scanMeasure(r.row(ctx, `SELECT `+measureCols+` FROM measures WHERE id = ?`, id))
	if err != nil {
		return m, notFound(err, "measure", id)
	}
	return m, nil
}

func (t *txn) InsertMeasure(ctx context.Context, m domain.Measure) error {
	emergency := ""
	if m.Emergency != nil {
		b, _ := json.Marshal(m.Emergency)
		emergency = string(b)
	}
	return t.exec(ctx, "insert measure", `INSERT INTO measures (`+measureCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.ID, m.AccountID, m.CaseID, m.Type, m.Violation, int(m.Off), m.Weight, us(m.StartsAt), usp(m.EndsAt), usp(m.DueAt),
		m.Reason, b2i(m.Automated), m.CreatedBy, usp(m.LiftedAt), m.LiftedBy, m.LiftReason, emergency, usp(m.PausedAt))
}

func (t *txn) LiftMeasure(ctx context.Context, m domain.Measure) error {
	return t.exec(ctx, "lift measure", `UPDATE measures SET lifted_at = ?, lifted_by = ?, lift_reason = ? WHERE id = ? AND lifted_at IS NULL`,
		usp(m.LiftedAt), m.LiftedBy, m.LiftReason, m.ID)
}

// ---- deadlines and notices

func (r reader) Deadlines(ctx context.Context, measureID string) ([]domain.Deadline, error) {
	rows, err := r.query(ctx, `SELECT id, kind, account_id, case_id, measure_id, due_at, status FROM deadlines WHERE measure_id = ? ORDER BY due_at, id`, measureID)
	if err != nil {
		return nil, fmt.Errorf("read deadlines of measure %s: %w", measureID, err)
	}
	return collect(rows, func(s scanner) (domain.Deadline, error) {
		var d domain.Deadline
		var due int64
		err := s.Scan(&d.ID, &d.Kind, &d.AccountID, &d.CaseID, &d.MeasureID, &due, &d.Status)
		d.DueAt = fromUS(due)
		return d, err
	})
}

func (t *txn) InsertDeadline(ctx context.Context, d domain.Deadline) error {
	return t.exec(ctx, "insert deadline", `INSERT INTO deadlines (id, kind, account_id, case_id, measure_id, due_at, status) VALUES (?,?,?,?,?,?,?)`,
		d.ID, d.Kind, d.AccountID, d.CaseID, d.MeasureID, us(d.DueAt), d.Status)
}

func (t *txn) CancelDeadlines(ctx context.Context, measureIDs []string) error {
	for _, id := range measureIDs {
		if err := t.exec(ctx, "cancel deadlines", `UPDATE deadlines SET status = 'cancelled' WHERE measure_id = ? AND status = 'pending'`, id); err != nil {
			return err
		}
	}
	return nil
}

const noticeCols = `id, account_id, case_id, measure_id, kind, language, statement, created_at`

func scanNotice(s scanner) (domain.Notice, error) {
	var n domain.Notice
	var stmt string
	var at int64
	if err := s.Scan(&n.ID, &n.AccountID, &n.CaseID, &n.MeasureID, &n.Kind, &n.Language, &stmt, &at); err != nil {
		return n, err
	}
	n.CreatedAt = fromUS(at)
	return n, json.Unmarshal([]byte(stmt), &n.Statement)
}

func (r reader) Notices(ctx context.Context, accountID string) ([]domain.Notice, error) {
	rows, err := r.query(ctx, `SELECT `+noticeCols+` FROM notices WHERE account_id = ? ORDER BY created_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("read notices of account %s: %w", accountID, err)
	}
	return collect(rows, scanNotice)
}

func (t *txn) InsertNotice(ctx context.Context, n domain.Notice) error {
	stmt, err := json.Marshal(n.Statement)
	if err != nil {
		return fmt.Errorf("notice %s: %w", n.ID, err)
	}
	return t.exec(ctx, "insert notice", `INSERT INTO notices (id, account_id, case_id, measure_id, kind, language, statement, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		n.ID, n.AccountID, n.CaseID, n.MeasureID, n.Kind, n.Language, string(stmt), us(n.CreatedAt))
}

// ---- emergency closures

const emergencyCols = `id, account_id, case_id, violation, ground, reason, requested_by, requested_at, status, approved_by, approved_at`

func scanEmergency(s scanner) (store.EmergencyRequest, error) {
	var e store.EmergencyRequest
	var req int64
	var appr sql.NullInt64
	err := s.Scan(&e.ID, &e.AccountID, &e.CaseID, &e.Violation, &e.Ground, &e.Reason, &e.RequestedBy, &req, &e.Status, &e.ApprovedBy, &appr)
	e.RequestedAt, e.ApprovedAt = fromUS(req), fromNull(appr)
	return e, err
}

func (r reader) EmergencyRequest(ctx context.Context, id string) (store.EmergencyRequest, error) {
	e, err := scanEmergency(r.row(ctx, `SELECT `+emergencyCols+` FROM emergency_requests WHERE id = ?`, id))
	if err != nil {
		return e, notFound(err, "emergency closure request", id)
	}
	return e, nil
}

func (r reader) PendingEmergencyRequests(ctx context.Context, accountID string) ([]store.EmergencyRequest, error) {
	rows, err := r.query(ctx, `SELECT `+emergencyCols+` FROM emergency_requests WHERE account_id = ? AND status = 'pending' ORDER BY requested_at`, accountID)
	if err != nil {
		return nil, fmt.Errorf("read emergency closure requests of %s: %w", accountID, err)
	}
	return collect(rows, scanEmergency)
}

func (t *txn) InsertEmergencyRequest(ctx context.Context, e store.EmergencyRequest) error {
	return t.exec(ctx, "insert emergency request", `INSERT INTO emergency_requests (`+emergencyCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		e.ID, e.AccountID, e.CaseID, e.Violation, e.Ground, e.Reason, e.RequestedBy, us(e.RequestedAt), e.Status, e.ApprovedBy, usp(e.ApprovedAt))
}

func (t *txn) UpdateEmergencyRequest(ctx context.Context, e store.EmergencyRequest) error {
	return t.exec(ctx, "update emergency request", `UPDATE emergency_requests SET status = ?, approved_by = ?, approved_at = ? WHERE id = ?`,
		e.Status, e.ApprovedBy, usp(e.ApprovedAt), e.ID)
}

// ---- API keys

func (r reader) APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error) {
	var k store.APIKey
	var created int64
	var revoked sql.NullInt64
	err := r.row(ctx, `SELECT id, name, hash, created_at, revoked_at FROM api_keys WHERE hash = ?`, hash).Scan(&k.ID, &k.Name, &k.Hash, &created, &revoked)
	if err != nil {
		return k, notFound(err, "API key", "")
	}
	k.CreatedAt, k.RevokedAt = fromUS(created), fromNull(revoked)
	return k, nil
}

func (t *txn) InsertAPIKey(ctx context.Context, k store.APIKey) error {
	return t.exec(ctx, "insert API key", `INSERT INTO api_keys (id, name, hash, created_at) VALUES (?,?,?,?)`, k.ID, k.Name, k.Hash, us(k.CreatedAt))
}

// ---- audit

const auditCols = `seq, at, actor, action, account_id, case_id, subject, before, after, reason, prev_hash, hash`

func scanAudit(s scanner) (audit.Record, error) {
	var r audit.Record
	var at int64
	var before, after string
	err := s.Scan(&r.Seq, &at, &r.Actor, &r.Action, &r.AccountID, &r.CaseID, &r.Subject, &before, &after, &r.Reason, &r.PrevHash, &r.Hash)
	r.At = fromUS(at)
	if before != "" {
		r.Before = json.RawMessage(before)
	}
	if after != "" {
		r.After = json.RawMessage(after)
	}
	return r, err
}

func (r reader) Timeline(ctx context.Context, accountID, caseID string, after int64, limit int) ([]audit.Record, error) {
	col, id := "account_id", accountID
	if caseID != "" {
		col, id = "case_id", caseID
	}
	rows, err := r.query(ctx, `SELECT `+auditCols+` FROM audit WHERE `+col+` = ? AND seq > ? ORDER BY seq LIMIT ?`, id, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read timeline of %s: %w", id, err)
	}
	return collect(rows, scanAudit)
}

func (r reader) AuditHead(ctx context.Context) (audit.Checkpoint, error) {
	var c audit.Checkpoint
	err := r.row(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&c.Seq, &c.Hash)
	if err != nil {
		return c, fmt.Errorf("read audit head: %w", err)
	}
	return c, nil
}

func (t *txn) Append(ctx context.Context, e audit.Entry) (audit.Record, error) {
	q := `SELECT seq, hash FROM audit_head WHERE id = 1`
	if t.db.dialect == "postgres" {
		q += ` FOR UPDATE` // numbers records in commit order across nodes
	}
	var head audit.Checkpoint
	if err := t.row(ctx, q).Scan(&head.Seq, &head.Hash); err != nil {
		return audit.Record{}, fmt.Errorf("%s: read audit head: %w", t.db.dialect, err)
	}
	r := audit.Chain(head.Seq, head.Hash, e)
	if err := t.exec(ctx, "append audit record", `INSERT INTO audit (`+auditCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.Seq, us(r.At), r.Actor, r.Action, r.AccountID, r.CaseID, r.Subject, string(r.Before), string(r.After), r.Reason, r.PrevHash, r.Hash); err != nil {
		return r, err
	}
	return r, t.exec(ctx, "move audit head", `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, r.Seq, r.Hash)
}

// ---- counts

func (r reader) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	if err := r.row(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	return n, nil
}
