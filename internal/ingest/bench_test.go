package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/store"
	"github.com/standing-org/standing/internal/store/storetest"
)

func benchEvents(seq *atomic.Int64, n int) []*domain.ActivityEvent {
	evs := make([]*domain.ActivityEvent, n)
	for i := range evs {
		k := seq.Add(1)
		data := map[string]any{"counterpart": fmt.Sprintf("cl-%d", k%700), "text": "Hello, the draft is ready for review."}
		raw, _ := json.Marshal(data)
		evs[i] = &domain.ActivityEvent{ID: fmt.Sprintf("e%d", k), Source: "bench", Type: "message",
			Subject: fmt.Sprintf("fl-%d", k%5000), Time: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC), Data: raw, Fields: data}
	}
	return evs
}

// BenchmarkLimitRawInsert is the store's own ceiling for intake: batches of 5,000 events
// inserted and committed durably by one writer, with no HTTP, decoding or queueing.
func BenchmarkLimitRawInsert(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			var seq atomic.Int64
			const batch = 5000
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				evs := benchEvents(&seq, batch)
				b.StartTimer()
				if err := st.Tx(context.Background(), func(tx store.Tx) error {
					_, err := tx.InsertActivity(context.Background(), evs, time.Now())
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkWriter is intake without HTTP: 64 concurrent writers of 100-event batches through
// the group-commit writer; each returns once its events are durable.
func BenchmarkWriter(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			w := ingest.NewWriter(st, time.Now, nil)
			defer w.Close()
			var seq atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := w.Write(context.Background(), benchEvents(&seq, 100)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
