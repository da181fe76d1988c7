package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/notify"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
	"github.com/standing-org/standing/internal/web/api"
)

// clock is a test clock the service reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t      *testing.T
	server *api.Server
	url    string
	keys   []string // two operators
	clock  *clock
	st     *sqlstore.DB
}

func newEnv(t *testing.T, st *sqlstore.DB) *env {
	svc := enforce.New(st, policy.Default())
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	svc.Now = clk.Now
	h := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.Templates, h.Marketplace = notify.DefaultTemplates(), "the marketplace"
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, url: srv.URL, clock: clk, st: st, server: h}
	for _, name := range []string{"amira", "jonas"} {
		k, err := svc.CreateAPIKey(context.Background(), "test", name)
		if err != nil {
			t.Fatal(err)
		}
		e.keys = append(e.keys, k)
	}
	return e
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (e *env) do(method, path, body string, opts ...func(*http.Request)) resp {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.keys[0])
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, header: res.Header, raw: string(raw)}
	json.Unmarshal(raw, &r.body)
	return r
}

func (e *env) want(r resp, status int) resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

func as(key string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+key) }
}

const lena = `{"type":"business","country":"DE","language":"de","display_name":"Lena Vogel","identity_status":"verified","profile":{"title":"Go developer"}}`

func standingOf(e *env, id string) (string, map[string]any) {
	e.t.Helper()
	r := e.want(e.do("GET", "/api/v1/accounts/"+id+"/standing", ""), 200)
	return r.body["standing"].(string), r.body["capabilities"].(map[string]any)
}

func TestLadderThroughTheAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-1042", lena), 201)
		e.want(e.do("PUT", "/api/v1/accounts/fl-1042", lena), 200)
		if s, caps := standingOf(e, "fl-1042"); s != "good" || caps["payouts"] != true {
			t.Fatalf("new account: %s %v", s, caps)
		}

		r := e.want(e.do("POST", "/api/v1/accounts/fl-1042/measures",
			`{"type":"hold","violation":"fraud","reason":"Payout method changed 3 times in 40 minutes from 2 countries",
			  "evidence":[{"kind":"rule_hit","description":"payout_velocity hit","data":{"changes":3}}]}`), 201)
		caseID := r.body["case_id"].(string)
		if n := r.body["notices"].([]any); len(n) != 1 {
			t.Fatalf("a hold must come with a statement of reasons: %v", r.body["notices"])
		}
		s, caps := standingOf(e, "fl-1042")
		if s != "on_hold" || caps["payouts"] != false || caps["login"] != true {
			t.Fatalf("after hold: %s %v", s, caps)
		}

		// No permanent closure without a closure notice that ran out.
		p := e.want(e.do("POST", "/api/v1/accounts/fl-1042/close", `{"reason":"fraud confirmed"}`), 409)
		if !strings.Contains(p.body["detail"].(string), "closure_pending") || p.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("refusal should explain the rule as a problem: %s", p.raw)
		}
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/measures",
			`{"type":"closure_pending","case_id":"`+caseID+`","reason":"No response to the hold"}`), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/measures",
			`{"type":"closure_pending","case_id":"`+caseID+`","reason":"again"}`), 409)
		e.clock.Add(30*24*time.Hour - time.Second)
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/close", `{"reason":"notice ran out"}`), 409)
		e.clock.Add(time.Second)
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/close", `{"reason":"notice ran out"}`), 200)
		s, caps = standingOf(e, "fl-1042")
		if s != "closed" || caps["login"] != false {
			t.Fatalf("after close: %s %v", s, caps)
		}
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/measures", `{"type":"warning","violation":"fraud","reason":"x"}`), 409)
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/reinstate", `{}`), 400)
		e.want(e.do("POST", "/api/v1/accounts/fl-1042/reinstate", `{"reason":"Appeal upheld: the payouts were the holder's own"}`), 200)
		if s, _ := standingOf(e, "fl-1042"); s != "good" {
			t.Fatalf("after reinstate: %s", s)
		}

		tl := e.want(e.do("GET", "/api/v1/accounts/fl-1042/timeline", ""), 200)
		var actions []string
		for _, rec := range tl.body["records"].([]any) {
			actions = append(actions, rec.(map[string]any)["action"].(string))
		}
		want := "account.create measure.apply measure.apply account.close account.reinstate"
		if strings.Join(actions, " ") != want {
			t.Fatalf("timeline %v, want %s", actions, want)
		}
		ct := e.want(e.do("GET", "/api/v1/cases/"+caseID+"/timeline", ""), 200)
		if n := len(ct.body["records"].([]any)); n != 3 {
			t.Fatalf("case timeline has %d records, want 3 (hold, closure_pending, close)", n)
		}
		if _, err := enforce.VerifyAudit(context.Background(), st, nil); err != nil {
			t.Fatalf("audit chain: %v", err)
		}
	})
}

func TestEmergencyClosureNeedsTwoOperators(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-7", lena), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-7/emergency-closures", `{"violation":"fraud","reason":"card testing ring"}`), 400)
		r := e.want(e.do("POST", "/api/v1/accounts/fl-7/emergency-closures",
			`{"violation":"fraud","ground":"P2B Art. 4(4): repeated serious fraud","reason":"card testing ring"}`), 201)
		id := r.body["id"].(string)
		dup := e.want(e.do("POST", "/api/v1/accounts/fl-7/emergency-closures",
			`{"violation":"fraud","ground":"P2B Art. 4(4)","reason":"the same ring"}`, as(e.keys[1])), 409)
		if !strings.Contains(dup.raw, id) {
			t.Fatalf("a second request while one waits must name the first: %s", dup.raw)
		}
		p := e.want(e.do("POST", "/api/v1/emergency-closures/"+id+"/approve", ""), 409)
		if !strings.Contains(p.body["detail"].(string), "second operator") {
			t.Fatalf("self-approval refusal should say why: %s", p.raw)
		}
		if s, _ := standingOf(e, "fl-7"); s != "good" {
			t.Fatalf("a refused approval changed the standing: %s", s)
		}
		e.want(e.do("POST", "/api/v1/emergency-closures/"+id+"/approve", "", as(e.keys[1])), 200)
		if s, _ := standingOf(e, "fl-7"); s != "closed" {
			t.Fatalf("after approval: %s", s)
		}
		e.want(e.do("POST", "/api/v1/emergency-closures/"+id+"/approve", "", as(e.keys[1])), 409)
	})
}

func TestStandingIsCacheable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-8", lena), 201)
		r := e.want(e.do("GET", "/api/v1/accounts/fl-8/standing", ""), 200)
		etag := r.header.Get("ETag")
		ifMatch := func(r *http.Request) { r.Header.Set("If-None-Match", etag) }
		e.want(e.do("GET", "/api/v1/accounts/fl-8/standing", "", ifMatch), 304)
		e.want(e.do("POST", "/api/v1/accounts/fl-8/measures",
			`{"type":"suspension","violation":"harassment","duration":"48h","reason":"Abusive messages to a client"}`), 201)
		r = e.want(e.do("GET", "/api/v1/accounts/fl-8/standing", "", ifMatch), 200)
		if r.body["standing"] != "suspended" || r.body["next_change_at"] == nil {
			t.Fatalf("after suspension: %s", r.raw)
		}
		e.clock.Add(48 * time.Hour)
		if s, _ := standingOf(e, "fl-8"); s != "good" {
			t.Fatalf("a suspension ends by itself at its end: %s", s)
		}
	})
}

// TestBadInput: every malformed request gets a 4xx naming what is wrong, and writes nothing.
func TestBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-9", lena), 201)
		head, _ := st.AuditHead(context.Background())
		big := `{"type":"business","country":"DE","language":"de","display_name":"` + strings.Repeat("x", 2<<20) + `"}`
		cases := []struct {
			name, method, path, body string
			status                   int
			mention                  string
		}{
			{"no key", "GET", "/api/v1/accounts/fl-9", "", 401, "Authorization"},
			{"malformed JSON", "PUT", "/api/v1/accounts/fl-10", `{"type":"business",`, 400, "JSON"},
			{"syntax error", "PUT", "/api/v1/accounts/fl-10", `{"type" "business"}`, 400, "malformed JSON"},
			{"unknown field", "PUT", "/api/v1/accounts/fl-10", `{"type":"business","country":"DE","language":"de","colour":"red"}`, 400, "colour"},
			{"wrong type", "PUT", "/api/v1/accounts/fl-10", `{"type":"business","country":49,"language":"de"}`, 400, "country"},
			{"bad country", "PUT", "/api/v1/accounts/fl-10", `{"type":"business","country":"Germany","language":"de"}`, 400, "country"},
			{"bad type", "PUT", "/api/v1/accounts/fl-10", `{"type":"company","country":"DE","language":"de"}`, 400, "type"},
			{"bad id", "PUT", "/api/v1/accounts/fl%20x", lena, 400, "id"},
			{"oversize body", "PUT", "/api/v1/accounts/fl-10", big, 413, "larger"},
			{"trailing data", "PUT", "/api/v1/accounts/fl-10", lena + `{}`, 400, "one JSON value"},
			{"empty body", "POST", "/api/v1/accounts/fl-9/measures", ``, 400, "empty"},
			{"unknown account", "POST", "/api/v1/accounts/nobody/measures", `{"type":"warning","violation":"fraud","reason":"r"}`, 404, "nobody"},
			{"unknown violation", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"warning","violation":"jaywalking","reason":"r"}`, 400, "jaywalking"},
			{"unknown measure", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"banish","violation":"fraud","reason":"r"}`, 400, "type"},
			{"direct closure", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"closure","violation":"fraud","reason":"r"}`, 400, "closure_pending"},
			{"no reason", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"warning","violation":"fraud"}`, 400, "reason"},
			{"bad duration", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"suspension","violation":"fraud","reason":"r","duration":"2 weeks"}`, 400, "duration"},
			{"bad capability", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"restriction","violation":"fraud","reason":"r","capabilities_off":["flying"]}`, 400, "flying"},
			{"short notice", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"closure_pending","violation":"fraud","reason":"r","window":"24h"}`, 400, "notice period"},
			{"unknown case", "POST", "/api/v1/accounts/fl-9/measures", `{"type":"warning","violation":"fraud","reason":"r","case_id":"case_x"}`, 400, "case_x"},
			{"unknown measure to lift", "POST", "/api/v1/accounts/fl-9/measures/msr_x/lift", `{"reason":"r"}`, 404, "msr_x"},
			{"nothing to reinstate", "POST", "/api/v1/accounts/fl-9/reinstate", `{"reason":"r"}`, 409, "no restricting measure"},
			{"bad limit", "GET", "/api/v1/accounts/fl-9/timeline?limit=0", "", 400, "limit"},
			{"unknown route", "GET", "/api/v1/nothing", "", 404, "no route"},
			{"wrong content type", "PUT", "/api/v1/accounts/fl-10", lena, 400, "application/json"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				opts := []func(*http.Request){}
				if tc.name == "no key" {
					opts = append(opts, func(r *http.Request) { r.Header.Del("Authorization") })
				}
				if tc.name == "wrong content type" {
					opts = append(opts, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") })
				}
				r := e.do(tc.method, tc.path, tc.body, opts...)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
				}
				if r.header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("not a problem document: %s", r.header.Get("Content-Type"))
				}
				if !bytes.Contains([]byte(r.body["detail"].(string)+r.raw), []byte(tc.mention)) {
					t.Fatalf("problem does not mention %q: %s", tc.mention, r.raw)
				}
			})
		}
		if after, _ := st.AuditHead(context.Background()); after != head {
			t.Fatalf("refused requests wrote audit records: %v → %v", head, after)
		}
		if _, err := st.Account(context.Background(), "fl-10"); err == nil {
			t.Fatal("a refused request created an account")
		}
	})
}
