package enforce_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/sqlstore"
)

// fastPolicy is the default policy with its durations in seconds: a hold's response window
// 10s, notice periods 20s, reminders 6s and 3s before a deadline.
func fastPolicy(t testing.TB) *policy.Policy {
	t.Helper()
	src := strings.NewReplacer(
		"response_window: 336h", "response_window: 10s",
		"notice_period: {business: 720h, private: 720h}", "notice_period: {business: 20s, private: 20s}\n  p2b_exception: test timings",
		"reminders: [72h, 24h]", "reminders: [6s, 3s]",
		"response_window: 168h", "response_window: 10s",
		"notice_period: {private: 336h}", "notice_period: {private: 20s}",
	).Replace(string(policy.DefaultYAML))
	p, err := policy.Parse("fast.yaml", []byte(src))
	if err != nil {
		t.Fatalf("fast policy: %v", err)
	}
	return p
}

// clock is a test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T, st *sqlstore.DB) (*enforce.Service, *clock) {
	svc := enforce.New(st, fastPolicy(t))
	clk := &clock{t: start}
	svc.Now = clk.Now
	return svc, clk
}

func putAccount(t *testing.T, svc *enforce.Service, id string) {
	t.Helper()
	_, _, err := svc.PutAccount(context.Background(), "apikey:marketplace", domain.Account{ID: id, Type: domain.Business,
		Country: "DE", Language: "de", Email: id + "@example.org", Identity: domain.IdentityVerified})
	if err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
