package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/demo"
	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/rules"
)

var trafficStart = time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)

// bigTraffic is the traffic the precision/recall test replays, made once.
var bigTraffic = sync.OnceValues(func() (*demo.Traffic, []*domain.ActivityEvent) {
	tr := demo.NewTraffic(42, 2000, trafficStart)
	var evs []*domain.ActivityEvent
	for len(evs) < 50_000 {
		evs = append(evs, tr.Next(1000)...)
	}
	return tr, evs
})

func TestTrafficDeterministic(t *testing.T) {
	a, b := demo.NewTraffic(7, 300, trafficStart), demo.NewTraffic(7, 300, trafficStart)
	if !reflect.DeepEqual(a.Accounts(), b.Accounts()) {
		t.Fatal("the same seed gave different accounts")
	}
	for batch := range 5 {
		ea, eb := a.Next(1000), b.Next(1000)
		if len(ea) != 1000 || len(eb) != 1000 {
			t.Fatalf("batch %d: want 1000 events each, got %d and %d", batch, len(ea), len(eb))
		}
		for i := range ea {
			x, y := ea[i], eb[i]
			if x.ID != y.ID || x.Type != y.Type || !x.Time.Equal(y.Time) || x.Subject != y.Subject || !bytes.Equal(x.Data, y.Data) {
				t.Fatalf("batch %d event %d differs:\n%+v\n%+v", batch, i, x, y)
			}
		}
	}
	if !reflect.DeepEqual(a.Labels(), b.Labels()) || !a.Now().Equal(b.Now()) {
		t.Fatal("the same seed gave different labels or clocks")
	}
	c := demo.NewTraffic(8, 300, trafficStart)
	if reflect.DeepEqual(a.Accounts(), c.Accounts()) {
		t.Fatal("another seed gave the same accounts")
	}
	if ec := c.Next(10); ec[0].ID == demo.NewTraffic(7, 300, trafficStart).Next(1)[0].ID {
		t.Fatal("another seed gave the same event ids: two demo runs would collide")
	}
}

func TestTrafficAccounts(t *testing.T) {
	tr, _ := bigTraffic()
	accts := tr.Accounts()
	if len(accts) != 2000 {
		t.Fatalf("want 2000 accounts, got %d", len(accts))
	}
	types, countries, langs, ids := map[domain.AccountType]int{}, map[string]int{}, map[string]int{}, map[domain.IdentityStatus]int{}
	same, later := 0, 0
	seen := map[string]bool{}
	for _, a := range accts {
		if err := domain.ValidateAccount(a); err != nil {
			t.Fatalf("account %s: %v", a.ID, err)
		}
		if seen[a.ID] || !strings.HasPrefix(a.ID, "u-") {
			t.Fatalf("account id %q duplicated or not like u-00042", a.ID)
		}
		seen[a.ID] = true
		types[a.Type]++
		countries[a.Country]++
		langs[a.Language]++
		ids[a.Identity]++
		if a.Profile["country"] == a.Country {
			same++
		}
		if a.CreatedAt.After(trafficStart) {
			later++
		}
		if a.DisplayName == "" || a.Email == "" || a.Profile["title"] == "" || a.Profile["member_since"] == "" {
			t.Fatalf("account %s lacks a name, an e-mail or profile fields: %+v", a.ID, a)
		}
	}
	t.Logf("types %v; %d countries; languages %v; identity %v; profile country = identity country: %d; sign up later: %d",
		types, len(countries), langs, ids, same, later)
	if types[domain.Business] < 300 || types[domain.Private] < 300 {
		t.Errorf("want a mix of business and private accounts, got %v", types)
	}
	if len(countries) < 20 || countries["DE"] == 0 || countries["US"] == 0 || countries["IN"] == 0 {
		t.Errorf("want accounts from the EU and beyond, got %v", countries)
	}
	if len(langs) < 10 || len(ids) != 4 {
		t.Errorf("want many languages and every identity status, got %v and %v", langs, ids)
	}
	if same < 1900 || same == 2000 {
		t.Errorf("want the profile country usually (not always) the identity's, got %d of 2000", same)
	}
	if later < 150 || later > 350 {
		t.Errorf("want about 12%% of the accounts to sign up during the traffic, got %d", later)
	}
}

// TestTrafficEvents checks that the events are what the intake and the rules expect.
func TestTrafficEvents(t *testing.T) {
	tr, evs := bigTraffic()
	known := map[string]domain.Account{}
	for _, a := range tr.Accounts() {
		known[a.ID] = a
	}
	for _, id := range tr.ClosedAccounts() {
		known[id] = domain.Account{ID: id}
	}
	ids := map[string]bool{}
	types := map[string]int{}
	statuses := map[string]int{}
	var last time.Time
	for i, ev := range evs {
		where := fmt.Sprintf("event %d (%s %s)", i, ev.ID, ev.Type)
		if ids[ev.ID] {
			t.Fatalf("%s: id used twice", where)
		}
		ids[ev.ID] = true
		if ev.Time.Before(last) {
			t.Fatalf("%s: at %s, before the previous event at %s", where, ev.Time, last)
		}
		last = ev.Time
		if ev.Time.Before(trafficStart) || ev.Source != demo.Source || ev.SpecVersion != "1.0" {
			t.Fatalf("%s: time %s, source %q, specversion %q", where, ev.Time, ev.Source, ev.SpecVersion)
		}
		a, ok := known[ev.Subject]
		if !ok {
			t.Fatalf("%s: subject %q is not a known account", where, ev.Subject)
		}
		if !a.CreatedAt.IsZero() && ev.Time.Before(a.CreatedAt) {
			t.Fatalf("%s: %s acts at %s before signing up at %s", where, a.ID, ev.Time, a.CreatedAt)
		}
		var data map[string]any
		if err := json.Unmarshal(ev.Data, &data); err != nil || !reflect.DeepEqual(data, ev.Fields) {
			t.Fatalf("%s: data %s does not match fields %v (%v)", where, ev.Data, ev.Fields, err)
		}
		types[ev.Type]++
		str := func(name string) string {
			s, ok := ev.Fields[name].(string)
			if !ok || s == "" {
				t.Fatalf("%s: data.%s missing: %s", where, name, ev.Data)
			}
			return s
		}
		num := func(name string) float64 {
			n, ok := ev.Fields[name].(float64)
			if !ok {
				t.Fatalf("%s: data.%s is not a number: %s", where, name, ev.Data)
			}
			return n
		}
		counterpart := func() {
			c := str("counterpart")
			if _, ok := known[c]; !ok || c == ev.Subject {
				t.Fatalf("%s: counterpart %q unknown or the subject itself", where, c)
			}
		}
		switch ev.Type {
		case "signup", "login":
			str("ip")
			str("device_id")
			if c := str("country"); len(c) != 2 || strings.ToUpper(c) != c {
				t.Fatalf("%s: country %q", where, c)
			}
		case "message":
			counterpart()
			str("text")
		case "proposal", "contract":
			counterpart()
			if num("amount") <= 0 {
				t.Fatalf("%s: amount", where)
			}
			str("currency")
		case "payment":
			counterpart()
			num("amount")
			str("currency")
			statuses[str("status")]++
		case "review":
			counterpart()
			if r := num("rating"); r < 1 || r > 5 {
				t.Fatalf("%s: rating %v", where, r)
			}
		case "payout_method_change":
			str("payout_instrument")
			str("device_id")
		case "profile_edit":
			str("fields")
		default:
			t.Fatalf("%s: unexpected type", where)
		}
	}
	t.Logf("%d events from %s to %s: %v; payment statuses %v", len(evs), evs[0].Time.Format(time.RFC3339),
		last.Format(time.RFC3339), types, statuses)
	for _, typ := range []string{"signup", "login", "message", "proposal", "contract", "payment", "review", "payout_method_change", "profile_edit"} {
		if types[typ] == 0 {
			t.Errorf("no %s events", typ)
		}
	}
	for _, s := range []string{"succeeded", "failed", "declined", "chargeback"} {
		if statuses[s] == 0 {
			t.Errorf("no payments with status %s", s)
		}
	}

	// The intake takes them as they are.
	body, err := json.Marshal(evs[:5000])
	if err != nil {
		t.Fatal(err)
	}
	items, err := ingest.Decode(body, ingest.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		if it.Err != nil {
			t.Fatalf("the intake refuses event %d: %v", i, it.Err)
		}
		if e := evs[i]; it.Event.ID != e.ID || !it.Event.Time.Equal(e.Time) || !reflect.DeepEqual(it.Event.Fields, e.Fields) {
			t.Fatalf("event %d changed on the way through the intake: %+v", i, it.Event)
		}
	}
}

func TestTrafficBacktest(t *testing.T) {
	tr, evs := bigTraffic()
	accts := map[string]*domain.Account{}
	for _, a := range tr.Accounts() {
		accts[a.ID] = &a
	}
	closed := map[string]bool{}
	for _, id := range tr.ClosedAccounts() {
		closed[id] = true
	}
	eng := rules.NewEngine(policy.Default(), rules.Limits{})
	if _, err := eng.Set(rules.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	bt := detect.NewBacktest(eng, func(id string) *domain.Account { return accts[id] }, func(id string) domain.Standing {
		if closed[id] {
			return domain.Closed
		}
		return domain.Good
	})
	ctx := context.Background()
	for _, ev := range evs {
		bt.Feed(ctx, ev)
	}
	if bt.Errors > 0 {
		t.Errorf("%d rule errors", bt.Errors)
	}
	labels := tr.Labels()
	byRule, byViolation := bt.Report(labels)
	t.Logf("%d events, %s to %s", bt.Events, evs[0].Time.Format(time.RFC3339), evs[len(evs)-1].Time.Format(time.RFC3339))
	for _, r := range byRule {
		t.Logf("rule %-30s %-22s hits %5d accounts %4d precision %5.2f recall %5.2f", r.Rule, r.Violation, r.Hits, r.Accounts, r.Precision, r.Recall)
	}
	want := []string{"fake_reviews", "fraud", "misleading_profile", "multiple_accounts", "off_platform_payment", "spam"}
	got := map[string]detect.PackReport{}
	imperfect := 0
	for _, p := range byViolation {
		got[p.Violation] = p
		t.Logf("violation %-22s known %3d flagged %3d precision %5.2f recall %5.2f", p.Violation, p.Known, p.Flagged, p.Precision, p.Recall)
		if p.Precision < 1 || p.Recall < 1 {
			imperfect++
		}
	}
	var names []string
	for v := range labels {
		names = append(names, v)
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("want ground truth for %v, got %v", want, names)
	}
	// The pack as a whole (micro-averaged over violations) should do well on the demo, each
	// violation at least passably, and not every violation perfectly: the traffic is meant to
	// be realistic, not rigged.
	var tp, flagged, known float64
	for _, v := range want {
		p := got[v]
		if p.Known < 5 {
			t.Errorf("%s: only %d known cheats: the ground truth is too thin", v, p.Known)
		}
		if p.Precision <= 0.3 || p.Recall <= 0.3 {
			t.Errorf("%s: precision %.2f, recall %.2f: a pattern or its rules are broken", v, p.Precision, p.Recall)
		}
		tp += p.Precision * float64(p.Flagged)
		flagged += float64(p.Flagged)
		known += float64(p.Known)
	}
	precision, recall := tp/flagged, tp/known
	t.Logf("the pack: precision %.2f, recall %.2f (%d accounts flagged, %d known cheats)", precision, recall, int(flagged), int(known))
	if precision <= 0.5 || recall <= 0.5 {
		t.Errorf("the pack's precision %.2f and recall %.2f should both be above 0.5", precision, recall)
	}
	if imperfect == 0 {
		t.Errorf("every violation is caught perfectly: the traffic is rigged, not realistic")
	}
}

func TestTrafficBackfillAndUntil(t *testing.T) {
	tr := demo.NewTraffic(3, 300, trafficStart)
	until := trafficStart.Add(6 * time.Hour)
	var n, batches int
	var last time.Time
	err := demo.Backfill(context.Background(), tr, until, func(_ context.Context, evs []*domain.ActivityEvent) error {
		batches++
		if len(evs) == 0 || len(evs) > demo.BackfillBatch {
			t.Fatalf("batch of %d events", len(evs))
		}
		for _, ev := range evs {
			if ev.Time.After(until) || ev.Time.Before(last) {
				t.Fatalf("event at %s: out of order or after %s", ev.Time, until)
			}
			last = ev.Time
		}
		n += len(evs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Now().Equal(until) {
		t.Errorf("the clock is at %s after the backfill, want %s", tr.Now(), until)
	}
	if n < 100 {
		t.Errorf("only %d events in 6 hours of 300 accounts", n)
	}
	if next := tr.Next(1); len(next) != 1 || next[0].Time.Before(until) {
		t.Errorf("after the backfill, the next event is %+v", next)
	}
	t.Logf("backfill: %d events in %d batches for 6 hours of 300 accounts", n, batches)
}

func TestTrafficRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for two seconds")
	}
	tr := demo.NewTraffic(5, 1000, time.Now().Add(-time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	began := time.Now()
	var n int
	var last time.Time
	err := demo.Run(ctx, tr, 200, func(_ context.Context, evs []*domain.ActivityEvent) error {
		now := time.Now()
		for _, ev := range evs {
			if ev.Time.After(now) || ev.Time.Before(last) || ev.Time.Before(began.Add(-2*time.Minute)) {
				t.Errorf("event at %s: ahead of the wall clock (%s), out of order, or long before the run", ev.Time, now)
			}
			last = ev.Time
		}
		n += len(evs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events in 2 seconds at 200 a second", n)
	// Loose bounds: this checks that the rate steers the generator, not how fast it is.
	if n < 100 || n > 1500 {
		t.Errorf("%d events in 2 seconds at 200 a second", n)
	}
	if err := demo.Run(context.Background(), tr, 0, nil); err == nil {
		t.Error("Run took a rate of 0")
	}
}

func BenchmarkTrafficNext(b *testing.B) {
	tr := demo.NewTraffic(1, 10_000, trafficStart)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += len(tr.Next(1000))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
