package api_test

import (
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestResolveCase(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-40", lena), 201)
		c := e.want(e.do("POST", "/api/v1/cases", `{"account_id":"fl-40","violation":"fake_reviews","summary":"Rule: reviews from linked accounts"}`), 201)
		id := c.body["id"].(string)
		e.want(e.do("POST", "/api/v1/cases/"+id+"/resolve", `{"resolution":"forgotten","reason":"x"}`), 400)
		r := e.want(e.do("POST", "/api/v1/cases/"+id+"/resolve", `{"resolution":"dismissed","reason":"The reviewers are colleagues who really worked together"}`), 200)
		if r.body["status"] != "resolved" || r.body["resolution"] != "dismissed" {
			t.Fatalf("resolve: %s", r.raw)
		}
		e.want(e.do("POST", "/api/v1/cases/"+id+"/resolve", `{"resolution":"dismissed","reason":"again"}`), 409)

		m := e.want(e.do("POST", "/api/v1/accounts/fl-40/measures", `{"type":"restriction","violation":"spam","capabilities_off":["messaging"],"reason":"Bulk messages"}`), 201)
		p := e.want(e.do("POST", "/api/v1/cases/"+m.body["case_id"].(string)+"/resolve", `{"resolution":"dismissed","reason":"r"}`), 409)
		if !strings.Contains(p.raw, "lift it first") {
			t.Fatalf("dismissing a case that still restricts must say what to do: %s", p.raw)
		}
	})
}
