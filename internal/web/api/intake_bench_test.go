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

	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/rules"
	"github.com/standing-org/standing/internal/store/storetest"
	"github.com/standing-org/standing/internal/web/api"
)

// BenchmarkIntakeHTTP posts batches of 100 events over real HTTP from parallel clients and
// counts an event when its request was answered, that is when it was durable. It reports
// events/s and the acknowledgement latency's p50 and p99.
//
// With "+rules", every committed event also goes through features and the default rule pack
// in the detector, and the clock stops only when the detector has caught up.
func BenchmarkIntakeHTTP(b *testing.B) {
	for _, engine := range storetest.Engines() {
		for _, withRules := range []bool{false, true} {
			name := engine
			if withRules {
				name += "+rules"
			}
			b.Run(name, func(b *testing.B) { benchIntake(b, engine, withRules) })
		}
	}
}

func benchIntake(b *testing.B, engine string, withRules bool) {
	{
		{
			st := storetest.Open(b, engine)
			svc := enforce.New(st, policy.Default())
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			h := api.New(svc, log)
			var det *detect.Detector
			var sink func([]*domain.ActivityEvent)
			if withRules {
				eng := rules.NewEngine(svc.Policy, rules.Limits{})
				if _, err := eng.Set(rules.DefaultRules()); err != nil {
					b.Fatal(err)
				}
				det = detect.New(svc, eng, log)
				go det.Run()
				sink = det.Sink
			}
			h.Events = ingest.NewWriter(st, time.Now, sink)
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
			h.Events.Close()
			if det != nil {
				det.Close()
			}
			elapsed := time.Since(start)
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(100*len(lat))/elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
		}
	}
}
