package api_test

import (
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestOperatorsEditTemplates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		p := e.want(e.do("PUT", "/api/v1/templates/en/measure_applied/subject", `{"source":"{{.Nonsense}} on your account"}`), 400)
		if !strings.Contains(p.raw, "Nonsense") {
			t.Fatalf("an unknown field must be named: %s", p.raw)
		}
		p = e.want(e.do("PUT", "/api/v1/templates/en/measure_applied/subject", `{"source":"{{if}}"}`), 400)
		e.want(e.do("PUT", "/api/v1/templates/xx/nope/subject", `{"source":"hello"}`), 400)
		e.want(e.do("PUT", "/api/v1/templates/en/measure_applied/subject",
			`{"source":"Action on your account {{.Account.ID}} (notice {{.Notice.ID}})"}`), 200)

		e.want(e.do("PUT", "/api/v1/accounts/fl-5", lena), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-5/measures", `{"type":"hold","violation":"fraud","reason":"Chargebacks"}`), 201)
		inbox := e.want(e.do("GET", "/api/v1/accounts/fl-5/inbox", ""), 200)
		n := inbox.body["notices"].([]any)[0].(map[string]any)
		// lena writes German: the edited English subject does not apply to her.
		if strings.Contains(n["subject"].(string), "Action on your account") || n["language"] != "de" {
			t.Fatalf("a German holder got %q in %v", n["subject"], n["language"])
		}
		e.want(e.do("PUT", "/api/v1/accounts/fl-6", strings.Replace(lena, `"language":"de"`, `"language":"en"`, 1)), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-6/measures", `{"type":"hold","violation":"fraud","reason":"Chargebacks"}`), 201)
		inbox = e.want(e.do("GET", "/api/v1/accounts/fl-6/inbox", ""), 200)
		n = inbox.body["notices"].([]any)[0].(map[string]any)
		if !strings.HasPrefix(n["subject"].(string), "Action on your account fl-6") {
			t.Fatalf("the edited template was not used: %q", n["subject"])
		}
		tl := e.want(e.do("GET", "/api/v1/templates", ""), 200)
		if len(tl.body["overrides"].([]any)) != 1 {
			t.Fatalf("overrides: %s", tl.raw)
		}
	})
}
