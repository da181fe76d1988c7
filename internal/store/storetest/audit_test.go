package storetest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/store"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

// chain appends n records and returns the checkpoint of the last.
func chain(t *testing.T, st *sqlstore.DB, n int) audit.Checkpoint {
	t.Helper()
	ctx := context.Background()
	var last audit.Record
	for i := 1; i <= n; i++ {
		must(t, st.Tx(ctx, func(tx store.Tx) error {
			var err error
			last, err = tx.Append(ctx, audit.Entry{At: t0.Add(time.Duration(i) * time.Second), Actor: "operator:amira",
				Action: "measure.apply", AccountID: "fl-1", Subject: fmt.Sprintf("msr_%d", i),
				After: []byte(fmt.Sprintf(`{"standing":"on_hold","n":%d}`, i)), Reason: "payout velocity"})
			return err
		}))
	}
	return audit.Checkpoint{Seq: last.Seq, Hash: last.Hash}
}

func TestAuditChainVerifies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		cp := chain(t, st, 10)
		res, err := enforce.VerifyAudit(context.Background(), st, &cp)
		if err != nil {
			t.Fatalf("a sound chain failed: %v", err)
		}
		if res.Records != 10 || res.Head != cp {
			t.Fatalf("verified %d records up to %v, want 10 up to %v", res.Records, res.Head, cp)
		}
	})
}

// TestAuditTamperingIsCaught changes the table beneath the store in each way an insider
// could, and checks that verification names the first bad record.
func TestAuditTamperingIsCaught(t *testing.T) {
	cases := []struct {
		name       string
		sql        []string
		checkpoint bool
		wantSeq    int64
		wantMsg    string
	}{
		{"flip a byte of the content", []string{`UPDATE audit SET after = replace(after, 'on_hold', 'on_holf') WHERE seq = 4`}, false, 4, "content does not match"},
		{"change the actor", []string{`UPDATE audit SET actor = 'operator:mallory' WHERE seq = 2`}, false, 2, "content does not match"},
		{"flip a byte of the time", []string{`UPDATE audit SET at = at + 1 WHERE seq = 7`}, false, 7, "content does not match"},
		{"delete a row", []string{`DELETE FROM audit WHERE seq = 5`}, false, 6, "missing"},
		{"reorder two rows", []string{
			`UPDATE audit SET seq = -1 WHERE seq = 3`, `UPDATE audit SET seq = 3 WHERE seq = 4`, `UPDATE audit SET seq = 4 WHERE seq = -1`,
		}, false, 3, "previous-hash"},
		{"truncate the tail", []string{`DELETE FROM audit WHERE seq > 8`}, false, 9, "head says record 10"},
		{"truncate the tail and move the head back", []string{
			`DELETE FROM audit WHERE seq > 8`, `UPDATE audit_head SET seq = 8, hash = (SELECT hash FROM audit WHERE seq = 8)`,
		}, true, 10, "tail was truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
				ctx := context.Background()
				cp := chain(t, st, 10)
				for _, q := range tc.sql {
					if _, err := st.SQL().ExecContext(ctx, q); err != nil {
						t.Fatalf("tamper %q: %v", q, err)
					}
				}
				var cpp *audit.Checkpoint
				if tc.checkpoint {
					cpp = &cp
				}
				_, err := enforce.VerifyAudit(ctx, st, cpp)
				p, ok := err.(*audit.Problem)
				if !ok {
					t.Fatalf("tampering went unnoticed (err %v)", err)
				}
				if p.Seq != tc.wantSeq || !strings.Contains(p.Message, tc.wantMsg) {
					t.Fatalf("got %q, want record %d and %q", p.Error(), tc.wantSeq, tc.wantMsg)
				}
			})
		})
	}
}

// TestAuditRewriteCaughtByCheckpoint: an insider who recomputes every hash after an edit
// keeps the chain consistent, and only the checkpoint kept outside shows it.
func TestAuditRewriteCaughtByCheckpoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *sqlstore.DB) {
		ctx := context.Background()
		cp := chain(t, st, 5)
		var recs []audit.Record
		must(t, st.AuditRecords(ctx, 1, func(r audit.Record) error { recs = append(recs, r); return nil }))
		prev := audit.Genesis
		for i, r := range recs {
			if i == 1 {
				r.Reason = "rewritten"
			}
			nr := audit.Chain(r.Seq-1, prev, r.Entry)
			prev = nr.Hash
			if _, err := st.SQL().ExecContext(ctx, rebind(st, `UPDATE audit SET reason = ?, prev_hash = ?, hash = ? WHERE seq = ?`),
				nr.Reason, nr.PrevHash, nr.Hash, nr.Seq); err != nil {
				t.Fatal(err)
			}
			if _, err := st.SQL().ExecContext(ctx, rebind(st, `UPDATE audit_head SET seq = ?, hash = ?`), nr.Seq, nr.Hash); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := enforce.VerifyAudit(ctx, st, nil); err != nil {
			t.Fatalf("a consistently rewritten chain should verify on its own: %v", err)
		}
		if _, err := enforce.VerifyAudit(ctx, st, &cp); err == nil || !strings.Contains(err.Error(), "checkpoint") {
			t.Fatalf("the checkpoint did not catch the rewrite: %v", err)
		}
	})
}

func rebind(st *sqlstore.DB, q string) string {
	if st.Dialect() != "postgres" {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
	}
	return q
}
