package enforce_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/storetest"
)

const benchAccounts = 1000

// benchService opens a store on engine with benchAccounts accounts, every tenth on hold.
func benchService(b *testing.B, engine string) *enforce.Service {
	svc := enforce.New(storetest.Open(b, engine), policy.Default())
	ctx := context.Background()
	for i := range benchAccounts {
		id := fmt.Sprintf("fl-%d", i)
		if _, _, err := svc.PutAccount(ctx, "bench", domain.Account{ID: id, Type: domain.Private, Country: "PL", Language: "pl"}); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := svc.ApplyMeasure(ctx, "bench", id, enforce.MeasureInput{Type: "hold", Violation: "fraud", Reason: "payout velocity"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return svc
}

// BenchmarkStandingRead is the marketplace's hot path: the standing and capabilities of one
// account, read from the store and derived, from parallel callers.
func BenchmarkStandingRead(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			svc := benchService(b, engine)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := svc.Standing(ctx, fmt.Sprintf("fl-%d", i%benchAccounts)); err != nil {
						b.Error(err)
						return
					}
					i += 7
				}
			})
		})
	}
}

// BenchmarkApplyMeasure is one use case end to end: lock the account, decide, write the
// measure, its deadline and notice, the account version and one audit record, and commit
// durably (SQLite synchronous=FULL; PostgreSQL's default fsync on commit).
func BenchmarkApplyMeasure(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			svc := benchService(b, engine)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprintf("fl-%d", i%benchAccounts)
				if _, err := svc.ApplyMeasure(ctx, "bench", id, enforce.MeasureInput{Type: "warning", Violation: "off_platform_payment",
					Reason: "Asked a client to pay outside the platform"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
