package api_test

import (
	"strings"
	"testing"

	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestHealthReadinessMetrics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		e := newEnv(t, st)
		e.want(e.do("GET", "/healthz", ""), 200)
		r := e.want(e.do("GET", "/readyz", ""), 200)
		if r.body["database"] != st.Dialect() {
			t.Fatalf("readyz: %s", r.raw)
		}
		e.want(e.do("GET", "/api/v1/accounts/nobody", ""), 404)
		m := e.want(e.do("GET", "/metrics", ""), 200)
		if !strings.Contains(m.raw, `standing_http_requests_total{code="404",route="GET /api/v1/accounts/{id}"} 1`) {
			t.Fatalf("metrics do not count the request by route and status:\n%.2000s", m.raw)
		}
		st.Close()
		e.want(e.do("GET", "/readyz", ""), 503)
	})
}
