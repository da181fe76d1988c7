package rules

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

var t0 = time.Date(2026, 9, 14, 10, 0, 30, 0, time.UTC)

// ev builds an event; fields are name, value pairs.
func ev(subject, typ string, at time.Time, fields ...any) *domain.ActivityEvent {
	m := map[string]any{}
	for i := 0; i+1 < len(fields); i += 2 {
		m[fields[i].(string)] = fields[i+1]
	}
	data, _ := json.Marshal(m)
	return &domain.ActivityEvent{ID: fmt.Sprintf("%s-%s-%d", subject, typ, at.UnixNano()), Source: "test", Type: typ,
		Time: at, Subject: subject, Data: data, Fields: m}
}

func feature(t *testing.T, f Features, name string) any {
	t.Helper()
	v, ok := f.Get(name)
	if !ok {
		t.Fatalf("no feature %q", name)
	}
	return v
}

func wantFeatures(t *testing.T, f Features, at string, want map[string]any) {
	t.Helper()
	for name, w := range want {
		if wi, ok := w.(int); ok {
			w = int64(wi)
		}
		if got := feature(t, f, name); got != w {
			t.Errorf("%s: %s = %v, want %v", at, name, got, w)
		}
	}
}

func TestFeatureNamesAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range FeatureDefs() {
		if d.Name == "" || d.Help == "" || seen[d.Name] {
			t.Errorf("feature %+v: empty, undocumented or repeated", d)
		}
		seen[d.Name] = true
	}
	for _, name := range []string{"logins_1h", "distinct_login_countries_1h", "payout_changes_24h",
		"messages_distinct_counterparts_24h", "new_device", "linked_closed_accounts", "reviews_from_linked_24h"} {
		if !seen[name] {
			t.Errorf("feature %s is missing", name)
		}
	}
	if len(Variables()) != len(eventVars)+len(accountVars)+int(NumFeatures) {
		t.Errorf("Variables() lists %d names", len(Variables()))
	}
}

func TestWindowsSlide(t *testing.T) {
	s := NewStore(StoreConfig{})
	s.Observe(ev("a", "login", t0))
	s.Observe(ev("a", "login", t0.Add(time.Second)))
	s.Observe(ev("a", "payment", t0.Add(2*time.Second)))
	steps := []struct {
		after time.Duration
		want  map[string]any
	}{
		{0, map[string]any{"logins_10m": 2, "logins_1h": 2, "logins_24h": 2, "logins_7d": 2, "payments_1h": 1, "events_1h": 3, "messages_1h": 0}},
		{9 * time.Minute, map[string]any{"logins_10m": 2, "logins_1h": 2}},
		{11 * time.Minute, map[string]any{"logins_10m": 0, "logins_1h": 2, "payments_1h": 1}},
		{59 * time.Minute, map[string]any{"logins_1h": 2}},
		{61 * time.Minute, map[string]any{"logins_1h": 0, "logins_24h": 2, "events_24h": 3}},
		{22 * time.Hour, map[string]any{"logins_24h": 2}},
		{25 * time.Hour, map[string]any{"logins_24h": 0, "logins_7d": 2, "payments_7d": 1}},
		{6 * 24 * time.Hour, map[string]any{"logins_7d": 2}},
		{7*24*time.Hour + time.Hour, map[string]any{"logins_7d": 0, "events_7d": 0}},
	}
	for _, st := range steps {
		wantFeatures(t, s.Snapshot("a", t0.Add(st.after)), "+"+st.after.String(), st.want)
	}
	// New events keep counting after the old ones slid out.
	later := t0.Add(30 * time.Hour)
	s.Observe(ev("a", "login", later))
	wantFeatures(t, s.Snapshot("a", later), "later", map[string]any{"logins_1h": 1, "logins_24h": 1, "logins_7d": 3})
}

func TestLateEventsCountInsideTheWindow(t *testing.T) {
	s := NewStore(StoreConfig{})
	s.Observe(ev("a", "message", t0))
	s.Observe(ev("a", "message", t0.Add(-5*time.Minute)))  // late, inside every window
	s.Observe(ev("a", "message", t0.Add(-8*24*time.Hour))) // late, outside every window
	wantFeatures(t, s.Snapshot("a", t0), "now", map[string]any{"messages_10m": 2, "messages_1h": 2, "messages_7d": 2})
}

func TestChargebacksAndFailures(t *testing.T) {
	s := NewStore(StoreConfig{})
	s.Observe(ev("a", "payment", t0, "status", "failed"))
	s.Observe(ev("a", "payment", t0, "status", "declined"))
	s.Observe(ev("a", "payment", t0, "status", "chargeback"))
	s.Observe(ev("a", "chargeback", t0))
	wantFeatures(t, s.Snapshot("a", t0), "now", map[string]any{"payments_1h": 3, "payment_failures_1h": 2, "chargebacks_1h": 2})
}

func TestDistinctCounts(t *testing.T) {
	s := NewStore(StoreConfig{})
	for i, c := range []string{"DE", "FR", "DE", "US", "de"} {
		s.Observe(ev("a", "login", t0.Add(time.Duration(i)*time.Minute), "country", c, "device_id", "d"+c, "ip", "10.0.0."+c))
	}
	for i := range 40 {
		s.Observe(ev("a", "message", t0.Add(time.Duration(i)*time.Second), "counterpart", fmt.Sprintf("u%d", i%25)))
	}
	s.Observe(ev("a", "message", t0, "counterpart", "a")) // messaging oneself does not count
	s.Observe(ev("a", "payout_method_change", t0, "payout_instrument", "iban-1"))
	s.Observe(ev("a", "payout_method_change", t0, "payout_instrument", "iban-2"))
	wantFeatures(t, s.Snapshot("a", t0.Add(5*time.Minute)), "now", map[string]any{
		"distinct_login_countries_1h":        3, // DE and de are one country
		"distinct_login_countries_24h":       3,
		"distinct_devices_24h":               4, // device ids are case-sensitive
		"distinct_ips_1h":                    4,
		"messages_distinct_counterparts_1h":  25,
		"messages_distinct_counterparts_24h": 25,
		"distinct_payout_instruments_7d":     2,
		"new_countries_24h":                  2, // FR and US; DE was the first
		"new_payout_instruments_24h":         1,
	})
	wantFeatures(t, s.Snapshot("a", t0.Add(2*time.Hour)), "+2h", map[string]any{
		"distinct_login_countries_1h": 0, "distinct_login_countries_24h": 3, "messages_distinct_counterparts_1h": 0,
		"messages_distinct_counterparts_24h": 25, "distinct_ips_1h": 0, "distinct_ips_24h": 4,
	})
	wantFeatures(t, s.Snapshot("a", t0.Add(3*24*time.Hour)), "+3d", map[string]any{
		"distinct_login_countries_24h": 0, "distinct_login_countries_7d": 3, "distinct_devices_7d": 4, "new_countries_24h": 0,
	})
}

func TestNewDeviceAndCountry(t *testing.T) {
	s := NewStore(StoreConfig{})
	f := s.ObserveSnapshot(ev("a", "login", t0, "device_id", "d1", "country", "DE"))
	wantFeatures(t, f, "first login", map[string]any{"new_device": false, "new_country": false, "new_devices_24h": 0})
	f = s.ObserveSnapshot(ev("a", "login", t0.Add(time.Hour), "device_id", "d1", "country", "DE"))
	wantFeatures(t, f, "same again", map[string]any{"new_device": false, "new_country": false})
	f = s.ObserveSnapshot(ev("a", "login", t0.Add(2*time.Hour), "device_id", "d2", "country", "NG"))
	wantFeatures(t, f, "new device and country", map[string]any{"new_device": true, "new_country": true, "new_devices_24h": 1, "new_countries_24h": 1})
	f = s.ObserveSnapshot(ev("a", "message", t0.Add(3*time.Hour), "device_id", "d2"))
	wantFeatures(t, f, "next event", map[string]any{"new_device": false, "new_country": false, "new_devices_24h": 1})
	f = s.ObserveSnapshot(ev("a", "login", t0.Add(4*time.Hour), "new_device", true))
	wantFeatures(t, f, "marketplace says new", map[string]any{"new_device": true})
	f = s.Snapshot("a", t0.Add(27*time.Hour))
	wantFeatures(t, f, "a day later", map[string]any{"new_devices_24h": 0, "new_countries_24h": 0})
}

func TestAgeDays(t *testing.T) {
	s := NewStore(StoreConfig{})
	s.Observe(ev("a", "signup", t0))
	wantFeatures(t, s.Snapshot("a", t0.Add(49*time.Hour)), "by events", map[string]any{"age_days": 2})
	s.SetCreated("a", t0.Add(-30*24*time.Hour))
	wantFeatures(t, s.Snapshot("a", t0), "by creation", map[string]any{"age_days": 30})
	wantFeatures(t, s.Snapshot("nobody", t0), "unknown", map[string]any{"age_days": 0, "counterpart_age_days": -1, "logins_7d": 0})

	// A creation time set ahead of the account's first event survives the sweeps meanwhile.
	s.SetCreated("veteran", t0.Add(-1000*24*time.Hour))
	for d := time.Duration(0); d <= 2*time.Hour; d += time.Minute {
		s.Observe(ev("other", "message", t0.Add(d)))
	}
	wantFeatures(t, s.Snapshot("veteran", t0.Add(2*time.Hour)), "veteran", map[string]any{"age_days": 1000})
}

func TestLinks(t *testing.T) {
	standing := map[string]domain.Standing{"closed-1": domain.Closed, "held-1": domain.OnHold}
	s := NewStore(StoreConfig{Standing: func(id string) domain.Standing {
		if st, ok := standing[id]; ok {
			return st
		}
		return domain.Good
	}})
	s.Observe(ev("closed-1", "login", t0, "device_id", "dev-X", "ip", "1.2.3.4"))
	s.Observe(ev("held-1", "payout_method_change", t0, "payout_instrument", "card-9"))
	s.Observe(ev("other", "login", t0, "ip", "1.2.3.4"))
	if got := s.Linked("closed-1", true); fmt.Sprint(got) != "[other]" {
		t.Errorf("Linked(closed-1, by ip) = %v", got)
	}
	wantFeatures(t, s.Snapshot("other", t0), "other", map[string]any{"linked_accounts": 0, "linked_accounts_ip": 1, "linked_closed_accounts": 0})
	// Twenty days later, the closed account's device and the held one's card come back.
	s.Observe(ev("new", "signup", t0.Add(20*24*time.Hour), "device_id", "dev-X"))
	s.Observe(ev("new", "payout_method_change", t0.Add(20*24*time.Hour), "payout_instrument", "card-9"))

	if got := s.Linked("new", false); fmt.Sprint(got) != "[closed-1 held-1]" {
		t.Errorf("Linked(new) = %v", got)
	}
	f := s.Snapshot("new", t0.Add(20*24*time.Hour))
	wantFeatures(t, f, "new", map[string]any{"linked_accounts": 2, "linked_closed_accounts": 1, "linked_held_accounts": 1, "linked_accounts_ip": 0})
	if fmt.Sprint(f.LinkedClosed) != "[closed-1]" {
		t.Errorf("LinkedClosed = %v", f.LinkedClosed)
	}

	// Links outlive the closed account's idle eviction, and end with the link retention.
	s.Sweep(t0.Add(20 * 24 * time.Hour))
	if s.Len() != 1 {
		t.Errorf("after the sweep %d accounts are kept, want 1 (new)", s.Len())
	}
	wantFeatures(t, s.Snapshot("new", t0.Add(20*24*time.Hour)), "after sweep", map[string]any{"linked_closed_accounts": 1})
	s.Sweep(t0.Add(91 * 24 * time.Hour))
	wantFeatures(t, s.Snapshot("new", t0.Add(20*24*time.Hour)), "after link retention", map[string]any{"linked_accounts": 0})
}

func TestLinkMembersAreBounded(t *testing.T) {
	s := NewStore(StoreConfig{})
	for i := range MaxLinkMembers * 3 {
		s.Observe(ev(fmt.Sprintf("u%d", i), "login", t0.Add(time.Duration(i)*time.Second), "ip", "9.9.9.9"))
	}
	if n := len(s.Linked(fmt.Sprintf("u%d", MaxLinkMembers*3-1), true)); n != MaxLinkMembers-1 {
		t.Errorf("linked by a shared IP: %d, want %d (the bound less the account itself)", n, MaxLinkMembers-1)
	}
}

func TestReviewFeatures(t *testing.T) {
	s := NewStore(StoreConfig{})
	// An old, honest reviewer and a ring of new accounts sharing a device with the reviewed.
	s.SetCreated("old", t0.Add(-400*24*time.Hour))
	s.Observe(ev("seller", "login", t0, "device_id", "ring-dev"))
	f := s.ObserveSnapshot(ev("old", "review", t0.Add(time.Minute), "counterpart", "seller", "rating", 5))
	wantFeatures(t, f, "honest review", map[string]any{"counterpart_linked": false, "counterpart_five_star_reviews_from_new_24h": 0, "reviews_to_linked_24h": 0})
	for i := range 3 {
		id := fmt.Sprintf("sock%d", i)
		s.Observe(ev(id, "signup", t0.Add(time.Duration(i)*time.Minute)))
		f = s.ObserveSnapshot(ev(id, "review", t0.Add(time.Duration(10+i)*time.Minute), "counterpart", "seller", "rating", 5.0))
	}
	wantFeatures(t, f, "third new reviewer", map[string]any{"counterpart_five_star_reviews_from_new_24h": 3, "counterpart_linked": false, "counterpart_age_days": 0})
	s.Observe(ev("sock9", "login", t0.Add(20*time.Minute), "device_id", "ring-dev"))
	f = s.ObserveSnapshot(ev("sock9", "review", t0.Add(21*time.Minute), "counterpart", "seller", "rating", 4))
	wantFeatures(t, f, "linked reviewer", map[string]any{"counterpart_linked": true, "reviews_to_linked_24h": 1, "counterpart_reviews_from_linked_24h": 1})
	wantFeatures(t, s.Snapshot("seller", t0.Add(22*time.Minute)), "seller", map[string]any{"reviews_from_linked_24h": 1, "five_star_reviews_from_new_24h": 3})
	wantFeatures(t, s.Snapshot("seller", t0.Add(26*time.Hour)), "seller a day later", map[string]any{"reviews_from_linked_24h": 0, "five_star_reviews_from_new_24h": 0})
}

func TestIdleAccountsAreEvicted(t *testing.T) {
	s := NewStore(StoreConfig{})
	s.Observe(ev("idle", "login", t0))
	s.Observe(ev("busy", "login", t0))
	// Observe sweeps by itself as event time passes.
	for d := time.Duration(0); d <= 8*24*time.Hour; d += 10 * time.Minute {
		s.Observe(ev("busy", "message", t0.Add(d)))
	}
	if s.Len() != 1 {
		t.Fatalf("%d accounts kept, want only busy", s.Len())
	}
	wantFeatures(t, s.Snapshot("idle", t0.Add(8*24*time.Hour)), "idle", map[string]any{"logins_7d": 0, "age_days": 0})
}

func TestMemoryPerAccountIsBounded(t *testing.T) {
	s := NewStore(StoreConfig{})
	for i := range 6000 {
		at := t0.Add(time.Duration(i) * 47 * time.Second)
		s.Observe(ev("a", "message", at, "counterpart", fmt.Sprint("c", i), "device_id", fmt.Sprint("d", i), "ip", fmt.Sprint("ip", i), "payout_instrument", fmt.Sprint("p", i)))
		s.Observe(ev("a", "login", at, "country", fmt.Sprint("C", i)))
	}
	sh := s.shardOf("a")
	st := sh.m["a"]
	for k, se := range st.series {
		if se != nil && (len(se.min) > minuteSlots || len(se.hr) > hourSlots || cap(se.min) > 2*minuteSlots || cap(se.hr) > 2*hourSlots) {
			t.Errorf("series %d: %d minute and %d hour buckets (cap %d, %d)", k, len(se.min), len(se.hr), cap(se.min), cap(se.hr))
		}
	}
	for name, set := range map[string]struct {
		n, bound int
	}{"countries": {len(st.countries.e), MaxCountries}, "devices": {len(st.devices.e), MaxDevices}, "ips": {len(st.ips.e), MaxIPs},
		"instruments": {len(st.instruments.e), MaxInstruments}, "counterparts": {len(st.counterpart.e), MaxCounterparts}} {
		if set.n > set.bound {
			t.Errorf("%s: %d values kept, bound %d", name, set.n, set.bound)
		}
	}
	end := t0.Add(6000 * 47 * time.Second)
	f := s.Snapshot("a", end)
	// 47-second spacing over a window of 59 to 60 whole minutes: 75 to 77 messages, each to
	// another counterpart.
	n := feature(t, f, "messages_1h").(int64)
	if n < 75 || n > 77 {
		t.Errorf("messages_1h = %d", n)
	}
	wantFeatures(t, f, "end", map[string]any{"messages_distinct_counterparts_1h": n, "distinct_devices_24h": MaxDevices, "distinct_ips_24h": MaxIPs})
}

func TestStoreIsSafeForConcurrentUse(t *testing.T) {
	s := NewStore(StoreConfig{Standing: func(string) domain.Standing { return domain.Good }})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				id := fmt.Sprintf("u%d", (g*7+i)%50)
				e := ev(id, "review", t0.Add(time.Duration(i)*time.Minute), "counterpart", fmt.Sprintf("u%d", i%50), "device_id", fmt.Sprintf("d%d", i%13), "rating", 5)
				s.ObserveSnapshot(e)
				if i%100 == 0 {
					s.Sweep(t0.Add(time.Duration(i) * time.Minute))
				}
			}
		}()
	}
	wg.Wait()
}
