package ingest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

func event(id string, at time.Time) *domain.ActivityEvent {
	return &domain.ActivityEvent{ID: id, Source: "marketplace/api", Type: "login", Subject: "fl-1", Time: at,
		Data: []byte(`{"country":"DE"}`), Fields: map[string]any{"country": "DE"}}
}

// TestWriterGroupCommit: many concurrent writers, each told exactly which of its events were
// new; every acknowledged event is stored once; the sink sees each new event once.
func TestWriterGroupCommit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		sunk := map[string]int{}
		w := ingest.NewWriter(st, time.Now, func(evs []*domain.ActivityEvent) {
			mu.Lock()
			for _, e := range evs {
				sunk[e.ID]++
			}
			mu.Unlock()
		})
		var wg sync.WaitGroup
		var fresh, dups int
		for g := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range 20 {
					var evs []*domain.ActivityEvent
					for i := range 10 {
						// every goroutine also sends the events of goroutine 0: duplicates
						src := g
						if i == 0 {
							src = 0
						}
						evs = append(evs, event(fmt.Sprintf("g%d-b%d-e%d", src, b, i), t0.Add(time.Duration(b*10+i)*time.Second)))
					}
					ok, err := w.Write(ctx, evs)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					for _, f := range ok {
						if f {
							fresh++
						} else {
							dups++
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		w.Close()
		want := 16*20*10 - 15*20 // the i==0 events of goroutines 1..15 repeat goroutine 0's
		if fresh != want || dups != 15*20 {
			t.Fatalf("new %d duplicates %d; want %d and %d", fresh, dups, want, 15*20)
		}
		stored := 0
		if err := st.Activity(ctx, t0, func(e *domain.ActivityEvent) error {
			stored++
			if e.Fields["country"] != "DE" {
				return fmt.Errorf("event %s lost its data", e.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if stored != want || len(sunk) != want {
			t.Fatalf("stored %d, sunk %d; want %d", stored, len(sunk), want)
		}
		for id, n := range sunk {
			if n != 1 {
				t.Fatalf("event %s reached the sink %d times", id, n)
			}
		}
	})
}
