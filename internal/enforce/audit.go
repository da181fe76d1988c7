package enforce

import (
	"context"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/store"
)

// VerifyAudit checks the whole audit chain against the store's head and, if given, a
// checkpoint kept outside the database.
func VerifyAudit(ctx context.Context, st store.Store, cp *audit.Checkpoint) (audit.Result, error) {
	// The head is read first; records appended while verifying are left for the next run.
	head, err := st.AuditHead(ctx)
	if err != nil {
		return audit.Result{}, err
	}
	v := audit.NewVerifier(cp)
	err = st.AuditRecords(ctx, 1, func(r audit.Record) error {
		if r.Seq <= head.Seq {
			v.Add(r)
		}
		return nil
	})
	if err != nil {
		return audit.Result{}, err
	}
	return v.Finish(head)
}
