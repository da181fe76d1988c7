package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/storetest"
)

func TestProbeTmp(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	svc := enforce.New(st, policy.Default())
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	srv := httptest.NewServer(New(svc, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	k1, _ := svc.CreateAPIKey(context.Background(), "t", "a")
	_, _ = svc.CreateAPIKey(context.Background(), "t", "b")
	do := func(key, method, path, body string, hdr ...string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		s := string(b)
		if len(s) > 700 {
			s = s[:700]
		}
		t.Logf("%s %s -> %d %s ETag=%s\n%s", method, path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("ETag"), s)
	}
	do(k1, "PUT", "/api/v1/accounts/x1", `{"type":"private","country":"DE","language":"de"}`)
	do(k1, "POST", "/api/v1/accounts/x1/close", `{"reason":"r"}`)
	do(k1, "POST", "/api/v1/accounts/x1/measures", `{"type":"warning","violation":"fraud","reason":"w","evidence":[{"kind":"note","description":"d","id":"zzz","added_by":"me"}]}`)
	do(k1, "GET", "/api/v1/accounts/x1/cases", ``)
	do(k1, "GET", "/api/v1/accounts/x1/measures", ``)
	do(k1, "PUT", "/api/v1/accounts/x1", `{"type":"private","country":"DE","language":"de"}`, "Content-Type", "text/plain")
	do(k1, "DELETE", "/api/v1/accounts/x1", ``)
	do(k1, "GET", "/api/v1/accounts/x1/standing", ``, "If-None-Match", `W/"2-warned-0"`)
	do(k1, "POST", "/api/v1/accounts/x1/measures", `{"type":"restriction","violation":"fraud","reason":"w","capabilities_off":["all"]}`)
	do(k1, "POST", "/api/v1/accounts/x1/reinstate", `{"reason":"ok"}`)
	do(k1, "POST", "/api/v1/accounts/x1/reinstate", `{"reason":"ok"}`)
	do(k1, "POST", "/api/v1/accounts/x1/emergency-closures", `{"violation":"nonsense","case_id":"","ground":"g","reason":"r"}`)
	do(k1, "PUT", "/api/v1/accounts/x2", `{"type":"private","country":"DE","language":"de"}`)
	do(k1, "POST", "/api/v1/cases", `{"account_id":"x2","violation":"fraud","summary":"s"}`)
	do(k1, "GET", "/api/v1/policy", ``)
}
