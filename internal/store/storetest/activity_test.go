package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

// TestActivityPagesInTimeOrder: reading events back crosses many pages, with many events
// sharing a microsecond (even a whole page of them), each event once, in time order.
func TestActivityPagesInTimeOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		var evs []*domain.ActivityEvent
		for i := range 17000 {
			at := t0.Add(time.Duration(i/7) * time.Microsecond)
			if i >= 9000 && i < 15000 {
				at = t0.Add(time.Hour) // 6,000 events in one microsecond: more than a page
			}
			evs = append(evs, &domain.ActivityEvent{ID: fmt.Sprintf("e%05d", i), Source: "s", Type: "login", Subject: "fl-1", Time: at})
		}
		must(t, st.Tx(ctx, func(tx store.Tx) error {
			_, err := tx.InsertActivity(ctx, evs, t0)
			return err
		}))
		seen := map[string]bool{}
		var last time.Time
		must(t, st.Activity(ctx, t0, func(e *domain.ActivityEvent) error {
			if seen[e.ID] {
				return fmt.Errorf("event %s read twice", e.ID)
			}
			if e.Time.Before(last) {
				return fmt.Errorf("event %s out of time order", e.ID)
			}
			seen[e.ID], last = true, e.Time
			return nil
		}))
		if len(seen) != len(evs) {
			t.Fatalf("read %d of %d events", len(seen), len(evs))
		}
		n, err := st.CountActivity(ctx, t0.Add(time.Hour))
		must(t, err)
		if n != 6000 {
			t.Fatalf("counted %d events from the hour on, want 6000", n)
		}
	})
}
