package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/standing-org/standing/internal/store"
)

// keyLifetime is how long an Idempotency-Key is remembered.
const keyLifetime = 24 * time.Hour

func (db *DB) ClaimKey(ctx context.Context, k store.IdempotentRequest) (store.IdempotentRequest, bool, error) {
	res, err := db.write.ExecContext(ctx, db.q(`INSERT INTO idempotency (actor, key, method, path, request_hash, status, body, created_at)
		VALUES (?,?,?,?,?,0,'',?) ON CONFLICT (actor, key) DO NOTHING`), k.Actor, k.Key, k.Method, k.Path, k.RequestHash, us(k.CreatedAt))
	if err != nil {
		return k, false, fmt.Errorf("%s: claim idempotency key: %w", db.dialect, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if n := k.CreatedAt.UnixMicro(); n%64 == 0 { // now and then, forget old keys
			db.write.ExecContext(ctx, db.q(`DELETE FROM idempotency WHERE created_at < ?`), us(k.CreatedAt.Add(-keyLifetime)))
		}
		return k, true, nil
	}
	var prev store.IdempotentRequest
	var body string
	var at int64
	err = db.write.QueryRowContext(ctx, db.q(`SELECT actor, key, method, path, request_hash, status, body, created_at FROM idempotency WHERE actor = ? AND key = ?`),
		k.Actor, k.Key).Scan(&prev.Actor, &prev.Key, &prev.Method, &prev.Path, &prev.RequestHash, &prev.Status, &body, &at)
	if err != nil {
		return prev, false, fmt.Errorf("%s: read idempotency key: %w", db.dialect, err)
	}
	prev.Body, prev.CreatedAt = []byte(body), fromUS(at)
	if prev.CreatedAt.Before(k.CreatedAt.Add(-keyLifetime)) {
		// Expired: the key starts afresh.
		if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM idempotency WHERE actor = ? AND key = ?`), k.Actor, k.Key); err != nil {
			return prev, false, err
		}
		return db.ClaimKey(ctx, k)
	}
	return prev, false, nil
}

func (db *DB) FinishKey(ctx context.Context, actor, key string, status int, body []byte) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE idempotency SET status = ?, body = ? WHERE actor = ? AND key = ?`), status, string(body), actor, key)
	if err != nil {
		return fmt.Errorf("%s: store idempotent answer: %w", db.dialect, err)
	}
	return nil
}

func (db *DB) ReleaseKey(ctx context.Context, actor, key string) error {
	_, err := db.write.ExecContext(ctx, db.q(`DELETE FROM idempotency WHERE actor = ? AND key = ? AND status = 0`), actor, key)
	return err
}
