package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/app"
	"github.com/standing-org/standing/internal/config"
	"github.com/standing-org/standing/internal/demo"
	"github.com/standing-org/standing/internal/dsa"
	"github.com/standing-org/standing/internal/store/storetest"
)

// TestExportDSAOnDemoData: every statement of reasons the demo marketplace issued exports as a
// Transparency Database record that passes the schema's rules, with no personal data in it.
func TestExportDSAOnDemoData(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, engine string) {
		dir, dbURL := storetest.Target(t, engine)
		ctx := context.Background()
		a, err := app.Open(ctx, config.Config{DataDir: dir, DatabaseURL: dbURL}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := demo.Seed(ctx, a.Service, time.Now())
		a.Close()
		if err != nil {
			t.Fatal(err)
		}
		args := []string{"export", "dsa", "--data", dir}
		if dbURL != "" {
			args = []string{"export", "dsa", "--database-url", dbURL}
		}
		var out, errOut bytes.Buffer
		if err := run(ctx, args, &out, &errOut); err != nil {
			t.Fatalf("export: %v\n%s", err, errOut.String())
		}
		n := 0
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			n++
			var r dsa.Record
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("line %d: %v", n, err)
			}
			if err := dsa.Validate(r); err != nil {
				t.Fatalf("record %s breaks the schema's rules: %v", r.Puid, err)
			}
			for _, ids := range sum.ByStanding {
				for _, id := range ids {
					if strings.Contains(sc.Text(), `"`+id+`"`) || strings.Contains(sc.Text(), " "+id+" ") {
						t.Fatalf("record %s names account %s: no personal data may go in", r.Puid, id)
					}
				}
			}
		}
		if n < 5 {
			t.Fatalf("only %d records from the demo data", n)
		}
		t.Logf("%d statements of reasons exported, all valid", n)
	})
}
