package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/storetest"
	"github.com/standing-org/standing/internal/web/api"
)

// BenchmarkIntakeHTTP posts batches of 100 events over real HTTP from parallel clients and
// counts an event when its request was answered, that is when it was durable. It reports
// events/s and the acknowledgement latency's p50 and p99.
func BenchmarkIntakeHTTP(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			svc := enforce.New(st, policy.Default())
			h := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
			h.Events = ingest.NewWriter(st, time.Now, nil)
			defer h.Events.Close()
			srv := httptest.NewServer(h)
			defer srv.Close()
			key, err := svc.CreateAPIKey(context.Background(), "bench", "bench")
			if err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			var seq atomic.Int64
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(32) // many clients: group commit needs concurrent requests to group
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var buf bytes.Buffer
				var mine []time.Duration
				for pb.Next() {
					buf.Reset()
					buf.WriteByte('[')
					for i := range 100 {
						if i > 0 {
							buf.WriteByte(',')
						}
						n := seq.Add(1)
						fmt.Fprintf(&buf, `{"id":"e%d","source":"bench","type":"message","time":"2026-11-28T09:30:00Z","subject":"fl-%d","data":{"counterpart":"cl-%d","text":"Hello, the draft is ready for review."}}`, n, n%5000, n%700)
					}
					buf.WriteByte(']')
					req, _ := http.NewRequest("POST", srv.URL+"/api/v1/events", &buf)
					req.Header.Set("Authorization", "Bearer "+key)
					req.Header.Set("Content-Type", "application/json")
					t0 := time.Now()
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Errorf("status %d", res.StatusCode)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(100*len(lat))/elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}
