package storetest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/standing-org/standing/internal/store"
	"github.com/standing-org/standing/internal/store/storetest"
)

// The limits the use-case benchmarks (internal/enforce) are measured against, in the same run:
// what the engine itself costs for one durable commit and for one point read.

// BenchmarkLimitDurableCommit: one single-row insert committed durably — the floor under
// applying a measure.
func BenchmarkLimitDurableCommit(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				err := st.Tx(ctx, func(tx store.Tx) error { return tx.PutAccount(ctx, account(fmt.Sprintf("fl-%d", i))) })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLimitPointRead: one account read by primary key from parallel callers — the floor
// under a standing read.
func BenchmarkLimitPointRead(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			st := storetest.Open(b, engine)
			ctx := context.Background()
			must(b, st.Tx(ctx, func(tx store.Tx) error {
				for i := range 1000 {
					if err := tx.PutAccount(ctx, account(fmt.Sprintf("fl-%d", i))); err != nil {
						return err
					}
				}
				return nil
			}))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := st.Account(ctx, fmt.Sprintf("fl-%d", i%1000)); err != nil {
						b.Error(err)
						return
					}
					i += 7
				}
			})
		})
	}
}
