package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestCopyrightNoticesCountTowardsRepeatInfringer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-9", lena), 201)
		notice := func(n int) string {
			return fmt.Sprintf(`{"account_id":"fl-9","source":"rights_holder","violation":"copyright_infringement",
				"notifier":{"name":"Mara Lind","email":"legal@studio.example","organisation":"Lind Photo Studio"},
				"description":"Our photograph is used without a licence in the freelancer's portfolio (item %d).",
				"work":"Harbour at dawn, 2024","infringing_item":"https://marketplace.example/portfolio/fl-9/%d"}`, n, n)
		}
		var caseID string
		for n := 1; n <= 3; n++ {
			r := e.want(e.do("POST", "/api/v1/reports", notice(n)), 201)
			c := r.body["case"].(map[string]any)
			if caseID == "" {
				caseID = c["id"].(string)
			} else if c["id"] != caseID {
				t.Fatalf("notice %d opened a second case instead of feeding %s", n, caseID)
			}
			if got := int(r.body["notices_counted"].(float64)); got != n {
				t.Fatalf("notice %d counted as %d", n, got)
			}
			if repeat := r.body["repeat_offender"].(bool); repeat != (n == 3) {
				t.Fatalf("after %d notices repeat_offender=%v; the policy says 3", n, repeat)
			}
			if n == 3 && c["status"] != "under_review" {
				t.Fatalf("a repeat infringer's case goes to review: %v", c["status"])
			}
		}
		c := e.want(e.do("GET", "/api/v1/cases/"+caseID, ""), 200)
		if ev := c.body["evidence"].([]any); len(ev) != 3 || !strings.Contains(ev[0].(map[string]any)["description"].(string), "Lind Photo Studio") {
			t.Fatalf("each notice is evidence in the case: %s", c.raw)
		}
		if c.body["source"] != "rights_holder" || c.body["notifier"] != "Lind Photo Studio" {
			t.Fatalf("the case keeps where it came from: %s", c.raw)
		}
		p := e.want(e.do("POST", "/api/v1/reports", `{"account_id":"fl-9","source":"rights_holder","violation":"copyright_infringement",
			"notifier":{"name":"M"},"description":"x"}`), 400)
		for _, f := range []string{"notifier.email", "work"} {
			if !strings.Contains(p.raw, f) {
				t.Fatalf("the refusal does not name %s: %s", f, p.raw)
			}
		}
		e.want(e.do("POST", "/api/v1/reports", strings.Replace(notice(4), "fl-9", "nobody", 1)), 404)
	})
}
