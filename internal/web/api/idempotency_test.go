package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func withKey(k string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Idempotency-Key", k) }
}

// TestIdempotencyKey: a retried request with the same key changes nothing twice and gets the
// first answer; the key cannot be reused for another request.
func TestIdempotencyKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("PUT", "/api/v1/accounts/fl-30", lena), 201)
		body := `{"type":"warning","violation":"off_platform_payment","reason":"Asked to be paid by bank transfer"}`
		first := e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", body, withKey("k-1")), 201)
		again := e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", body, withKey("k-1")), 201)
		if again.raw != first.raw || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a retry must get the first answer, marked replayed:\n%s\n%s", first.raw, again.raw)
		}
		if v, _ := standingOf(e, "fl-30"); v != "warned" {
			t.Fatalf("standing %s", v)
		}
		ms := e.want(e.do("GET", "/api/v1/accounts/fl-30/measures", ""), 200)
		if n := len(ms.body["measures"].([]any)); n != 1 {
			t.Fatalf("the retry applied the measure again: %d measures", n)
		}
		p := e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", strings.Replace(body, "bank transfer", "PayPal", 1), withKey("k-1")), 400)
		if !strings.Contains(p.raw, "Idempotency-Key") {
			t.Fatalf("reusing a key for another request must say so: %s", p.raw)
		}
		// Refusals are answers too: the same refusal comes back.
		bad := `{"type":"warning","violation":"jaywalking","reason":"r"}`
		e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", bad, withKey("k-2")), 400)
		r := e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", bad, withKey("k-2")), 400)
		if r.header.Get("Idempotent-Replayed") != "true" || r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("a replayed refusal: %v", r.header)
		}
		// Keys belong to their API key: another operator's k-1 is a new request.
		e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", body, withKey("k-1"), as(e.keys[1])), 201)
		e.want(e.do("POST", "/api/v1/accounts/fl-30/measures", body, withKey(strings.Repeat("k", 256))), 400)
	})
}
