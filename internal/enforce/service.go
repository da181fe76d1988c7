// Package enforce holds Standing's use cases: each is one function that runs one transaction,
// asks the pure engine (package standing) to decide, and writes state, deadlines, notices and
// one audit record together.
package enforce

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store"
)

// Service runs the use cases.
type Service struct {
	Store  store.Store
	Policy *policy.Policy
	// Now is the clock; tests move it.
	Now func() time.Time
}

// New returns a service on st under pol with the wall clock.
func New(st store.Store, pol *policy.Policy) *Service {
	return &Service{Store: st, Policy: pol, Now: time.Now}
}

// now is the clock at the precision both stores keep.
func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// NewID returns a time-ordered id with a prefix, e.g. "case_0193…".
func NewID(prefix string) string {
	u, err := uuid.NewV7()
	if err != nil {
		var b [16]byte
		rand.Read(b[:])
		return prefix + "_" + hex.EncodeToString(b[:])
	}
	return prefix + "_" + hex.EncodeToString(u[:])
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain domain values are marshalled here
	}
	return b
}

// summary is how the audit record shows an account's standing before and after a change.
type summary struct {
	Standing domain.Standing     `json:"standing"`
	Off      []domain.Capability `json:"capabilities_off"`
	Applied  []domain.Measure    `json:"applied,omitempty"`
	Lifted   []string            `json:"lifted,omitempty"`
}

func summarize(v domain.StandingView) summary {
	var off domain.CapSet
	for c, ok := range v.Capabilities {
		if !ok {
			s, _ := domain.NewCapSet(string(c))
			off |= s
		}
	}
	return summary{Standing: v.Standing, Off: off.List()}
}

// Standing returns an account's standing now: the marketplace's hot path.
func (s *Service) Standing(ctx context.Context, accountID string) (domain.StandingView, error) {
	now := s.now()
	version, ms, err := s.Store.Standing(ctx, accountID, now)
	if err != nil {
		return domain.StandingView{}, err
	}
	return domain.Derive(accountID, version, ms, now), nil
}

// Timeline returns the audit records about an account or a case.
func (s *Service) Timeline(ctx context.Context, accountID, caseID string, after int64, limit int) ([]audit.Record, error) {
	if accountID != "" {
		if _, err := s.Store.Account(ctx, accountID); err != nil {
			return nil, err
		}
	} else if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.Store.Timeline(ctx, accountID, caseID, after, limit)
}
