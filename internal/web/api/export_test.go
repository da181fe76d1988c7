package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/dsa"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestExportDSAOverHTTP(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		r := e.want(e.do("GET", "/api/v1/export/dsa", ""), 200)
		if r.raw != "" || r.header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("no statement yet: want an empty NDJSON stream, got %q (%s)", r.raw, r.header.Get("Content-Type"))
		}
		e.want(e.do("PUT", "/api/v1/accounts/fl-60", lena), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-60/measures", `{"type":"warning","violation":"spam","reason":"Bulk messages"}`), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-60/measures", `{"type":"hold","violation":"fraud","reason":"Chargebacks on three contracts; write to fraud-desk@example.org"}`), 201)
		r = e.want(e.do("GET", "/api/v1/export/dsa?since=2026-11-01", ""), 200)
		lines := strings.Split(strings.TrimSpace(r.raw), "\n")
		if len(lines) != 1 {
			t.Fatalf("a warning restricts nothing: want one record (the hold), got %d:\n%s", len(lines), r.raw)
		}
		var rec dsa.Record
		if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
			t.Fatal(err)
		}
		if err := dsa.Validate(rec); err != nil {
			t.Fatalf("the record breaks the database's rules: %v", err)
		}
		if strings.Contains(r.raw, "fl-60") || strings.Contains(r.raw, "example.org") {
			t.Fatalf("personal data in the export: %s", r.raw)
		}
		e.want(e.do("GET", "/api/v1/export/dsa?since=yesterday", ""), 400)
		if r := e.want(e.do("GET", "/api/v1/export/dsa?since=2030-01-01", ""), 200); r.raw != "" {
			t.Fatalf("nothing since 2030: %q", r.raw)
		}
	})
}
