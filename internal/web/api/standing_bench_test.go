package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/storetest"
	"github.com/standing-org/standing/internal/web/api"
)

// BenchmarkStandingHTTP is the marketplace's hot path over real HTTP: GET an account's
// standing with an API key, from parallel clients over keep-alive connections.
func BenchmarkStandingHTTP(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			svc := enforce.New(st, policy.Default())
			ctx := context.Background()
			for i := range 1000 {
				if _, _, err := svc.PutAccount(ctx, "bench", domain.Account{ID: fmt.Sprintf("fl-%d", i), Type: domain.Private, Country: "PL", Language: "pl"}); err != nil {
					b.Fatal(err)
				}
			}
			srv := httptest.NewServer(api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil))))
			defer srv.Close()
			key, err := svc.CreateAPIKey(ctx, "bench", "bench")
			if err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/accounts/fl-%d/standing", srv.URL, i%1000), nil)
					req.Header.Set("Authorization", "Bearer "+key)
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					i += 7
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}
