// Package storetest opens fresh stores for tests: SQLite always, and PostgreSQL when
// TEST_DATABASE_URL is set (CI always sets it). Each PostgreSQL store lives in a schema of
// its own, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
)

// Engines lists the engines to test on.
func Engines() []string {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Run runs fn as one subtest per engine, each with a fresh store.
func Run(t *testing.T, fn func(t *testing.T, st *sqlstore.DB)) {
	t.Helper()
	ForEach(t, func(t *testing.T, engine string) { fn(t, Open(t, engine)) })
}

// ForEach runs fn as one subtest per engine; without TEST_DATABASE_URL the PostgreSQL subtest
// is skipped, saying how to run it.
func ForEach(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			if engine == "postgres" && os.Getenv("TEST_DATABASE_URL") == "" {
				t.Skip("PostgreSQL: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run this on PostgreSQL too")
			}
			fn(t, engine)
		})
	}
}

// Open opens a fresh, empty store on engine, closed when the test ends.
func Open(t testing.TB, engine string) *sqlstore.DB {
	t.Helper()
	dataDir, dbURL := Target(t, engine)
	db, err := sqlstore.Open(context.Background(), dataDir, dbURL)
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Target returns where a fresh store for engine lives: a data folder for SQLite, or a
// database URL whose search_path names a new schema for PostgreSQL. Tests that start the
// standing binary pass these to it.
func Target(t testing.TB, engine string) (dataDir, dbURL string) {
	t.Helper()
	dataDir = t.TempDir()
	if engine != "postgres" {
		return dataDir, ""
	}
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to TEST_DATABASE_URL: %v", err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return filepath.Join(dataDir, "unused"), u.String()
}
