package api_test

import (
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestCaseQueue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-50", lena), 201)
		var ids []string
		for _, v := range []string{"fake_reviews", "spam", "fake_reviews"} {
			c := e.want(e.do("POST", "/api/v1/cases", `{"account_id":"fl-50","violation":"`+v+`","summary":"flagged"}`), 201)
			ids = append(ids, c.body["id"].(string))
		}
		e.want(e.do("POST", "/api/v1/cases/"+ids[0]+"/resolve", `{"resolution":"dismissed","reason":"colleagues"}`), 200)
		q := e.want(e.do("GET", "/api/v1/cases", ""), 200)
		if cs := q.body["cases"].([]any); len(cs) != 2 || cs[0].(map[string]any)["id"] != ids[1] {
			t.Fatalf("the queue holds the unresolved cases, oldest first: %s", q.raw)
		}
		q = e.want(e.do("GET", "/api/v1/cases?violation=fake_reviews&limit=1", ""), 200)
		if cs := q.body["cases"].([]any); len(cs) != 1 || q.body["next_after"] != ids[2] {
			t.Fatalf("filtered and paged: %s", q.raw)
		}
		q = e.want(e.do("GET", "/api/v1/cases?status=resolved", ""), 200)
		if cs := q.body["cases"].([]any); len(cs) != 1 {
			t.Fatalf("resolved cases: %s", q.raw)
		}
		e.want(e.do("GET", "/api/v1/cases?status=forgotten", ""), 400)
		e.want(e.do("GET", "/api/v1/cases?violation=jaywalking", ""), 400)
	})
}
