package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/rules"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func event(id, subject, typ, data string) string {
	return fmt.Sprintf(`{"id":%q,"source":"marketplace/api","type":%q,"time":"2026-11-02T09:00:00Z","subject":%q,"data":%s}`, id, typ, subject, data)
}

// TestEventsThroughDetection: events posted over HTTP are acknowledged per item, stored once,
// and reach the rules: an off-platform payment request earns its warning.
func TestEventsThroughDetection(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		// newEnv's server has no intake; give this one intake and detection.
		h := e.server
		eng := rules.NewEngine(h.Svc().Policy, rules.Limits{})
		if _, err := eng.Set(rules.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		det := detect.New(h.Svc(), eng, slog.New(slog.NewTextHandler(io.Discard, nil)))
		go det.Run()
		h.Events = ingest.NewWriter(st, h.Svc().Now, det.Sink)
		h.Rules = eng
		t.Cleanup(func() { h.Events.Close(); det.Close() })

		e.want(e.do("PUT", "/api/v1/accounts/fl-20", lena), 201)
		batch := "[" + strings.Join([]string{
			event("e1", "fl-20", "login", `{"country":"DE","device_id":"d1","ip":"198.51.100.7"}`),
			event("e2", "fl-20", "message", `{"counterpart":"cl-9","text":"Pay me directly via PayPal and we both save the fee"}`),
			`{"id":"e3","source":"marketplace/api","type":"login","time":"yesterday","subject":"fl-20"}`,
		}, ",") + "]"
		r := e.want(e.do("POST", "/api/v1/events", batch), 200)
		if r.body["accepted"].(float64) != 2 || r.body["rejected"].(float64) != 1 {
			t.Fatalf("want 2 accepted and 1 rejected: %s", r.raw)
		}
		item := r.body["items"].([]any)[0].(map[string]any)
		if item["index"].(float64) != 2 || !strings.Contains(fmt.Sprint(item["errors"]), "time") {
			t.Fatalf("the rejected item must be named with its field: %s", r.raw)
		}
		// A retry is harmless, and NDJSON works the same.
		r = e.want(e.do("POST", "/api/v1/events", event("e1", "fl-20", "login", `{}`)+"\n"+event("e4", "fl-20", "login", `{}`)+"\n"), 200)
		if r.body["accepted"].(float64) != 1 || r.body["duplicates"].(float64) != 1 {
			t.Fatalf("want one duplicate and one new: %s", r.raw)
		}
		p := e.want(e.do("POST", "/api/v1/events", `[{"id":"x"}]`), 400)
		if !strings.Contains(p.raw, "events[0].source") {
			t.Fatalf("an all-bad batch is a 400 naming the fields: %s", p.raw)
		}
		e.want(e.do("POST", "/api/v1/events", "["+strings.Repeat(event("e", "fl-20", "login", `{}`)+",", ingest.DefaultLimits.Batch)+event("e", "fl-20", "login", `{}`)+"]"), 413)

		deadline := time.Now().Add(10 * time.Second)
		for {
			s, _ := standingOf(e, "fl-20")
			if s == "warned" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the off-platform payment rule did not act: standing %s", s)
			}
			time.Sleep(20 * time.Millisecond)
		}
		hits := e.want(e.do("GET", "/api/v1/rule-hits?rule=off_platform_payment", ""), 200)
		if n := len(hits.body["hits"].([]any)); n != 1 {
			t.Fatalf("want the hit recorded once, got %d", n)
		}
		rs := e.want(e.do("GET", "/api/v1/rules", ""), 200)
		if len(rs.body["rules"].([]any)) != len(rules.DefaultRules()) {
			t.Fatalf("rules in force: %s", rs.raw)
		}
		p = e.want(e.do("PUT", "/api/v1/rules", `{"rules":[{"name":"runaway","expr":"event.data.map(a, event.data.map(b, event.data.map(c, event.data.map(d, d)))).size() > 0","outcome":{"score":1}},
			{"name":"typo","expr":"features.logins_1hh > 3","outcome":{"score":1}}]}`), 400)
		if !strings.Contains(p.raw, "runaway") || !strings.Contains(p.raw, "logins_1h") {
			t.Fatalf("a bad rule set is refused naming each rule and problem: %s", p.raw)
		}
		ok := e.want(e.do("PUT", "/api/v1/rules", `{"rules":[{"name":"many_logins","expr":"features.logins_1h > 3","mode":"shadow","outcome":{"score":10}}]}`), 200)
		if ok.body["version"].(float64) != 1 {
			t.Fatalf("the first saved rule set is version 1: %s", ok.raw)
		}
	})
}
