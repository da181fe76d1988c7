// Package sqlstore implements store.Store on SQLite (modernc.org/sqlite) and on PostgreSQL
// (pgx). Both run the same queries; only placeholders, locking and the migrations differ.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

//go:embed migrations
var migrations embed.FS

// DB is a store on one of the two engines.
type DB struct {
	dialect string
	write   *sql.DB // SQLite: the single writer connection; PostgreSQL: the pool
	read    *sql.DB // SQLite: a pool of readers; PostgreSQL: the same pool
	reader
	rebound  sync.Map // query with ? → query with $n, for PostgreSQL
	prepared sync.Map // statements prepared on the read pool
}

var _ store.Store = (*DB)(nil)

// OpenSQLite opens (creating if needed) the SQLite database at path and migrates it.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create data folder: %w", err)
		}
	}
	// FULL synchronous: an acknowledged write survives power loss, not just a crash.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	// The writer gets a large page cache: intake's inserts touch many index pages.
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1) // one writer: SQLite serializes writes anyway, this avoids busy waits
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db := &DB{dialect: "sqlite", write: write, read: read}
	db.reader = reader{db: db, pool: read, stmts: &db.prepared}
	if err := db.migrate(ctx, goose.DialectSQLite3); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenPostgres connects to the PostgreSQL database at url and migrates it.
func OpenPostgres(ctx context.Context, dbURL string) (*DB, error) {
	pool, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := &DB{dialect: "postgres", write: pool, read: pool}
	db.reader = reader{db: db, pool: pool, stmts: &db.prepared}
	if err := db.migrate(ctx, goose.DialectPostgres); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Open picks the engine: PostgreSQL when databaseURL is set, else SQLite in dataDir.
func Open(ctx context.Context, dataDir, databaseURL string) (*DB, error) {
	if databaseURL != "" {
		return OpenPostgres(ctx, databaseURL)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, "standing.db"))
}

func (db *DB) migrate(ctx context.Context, dialect goose.Dialect) error {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect)
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", db.dialect, err)
	}
	p, err := goose.NewProvider(dialect, db.write, fsys)
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", db.dialect, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("%s: migrate: %w", db.dialect, err)
	}
	return nil
}

// Dialect names the engine.
func (db *DB) Dialect() string { return db.dialect }

// Close closes the connections.
func (db *DB) Close() error {
	db.prepared.Range(func(_, s any) bool { s.(*sql.Stmt).Close(); return true })
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Tx runs fn in one transaction.
func (db *DB) Tx(ctx context.Context, fn func(store.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", db.dialect, err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&txn{reader{db: db, tx: tx}}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", db.dialect, err)
	}
	return nil
}

// q rewrites ? placeholders as $1, $2… for PostgreSQL, once per query text.
func (db *DB) q(query string) string {
	if db.dialect != "postgres" {
		return query
	}
	if s, ok := db.rebound.Load(query); ok {
		return s.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	db.rebound.Store(query, b.String())
	return b.String()
}

// AuditRecords streams the audit chain from seq `from` on.
func (db *DB) AuditRecords(ctx context.Context, from int64, fn func(audit.Record) error) error {
	// Pages keep memory flat and let a long verification run beside live traffic.
	const page = 5000
	for {
		recs, err := db.auditPage(ctx, from, page)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(recs) < page {
			return nil
		}
		from = recs[len(recs)-1].Seq + 1
	}
}

func (db *DB) auditPage(ctx context.Context, from int64, limit int) ([]audit.Record, error) {
	rows, err := db.query(ctx, `SELECT `+auditCols+` FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?`, from, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: read audit records: %w", db.dialect, err)
	}
	return collect(rows, scanAudit)
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error naming what was sought.
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "%s %q not found", what, id)
	}
	return fmt.Errorf("read %s %s: %w", what, id, err)
}

// SQL returns the writing connection pool, for tools and tests that look beneath the store.
func (db *DB) SQL() *sql.DB { return db.write }
