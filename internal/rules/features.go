package rules

import (
	"fmt"
	"hash/maphash"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// Windows are the sliding windows of every count feature, named by their suffix.
//
// 10m and 1h are counted in whole minutes (the current minute and the 9 or 59 before it);
// 24h and 7d in whole hours (the current hour and the 23 or 167 before it), so an event
// between 23 and 24 hours old may already have left the 24h window.
var Windows = []struct {
	Suffix string
	Span   time.Duration
}{{"10m", 10 * time.Minute}, {"1h", time.Hour}, {"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}}

const (
	w10m = iota
	w1h
	w24h
	w7d
	numWindows
)

// LongestWindow is the span of the longest window; an account idle for longer has nothing to
// count and is evicted.
const LongestWindow = 7 * 24 * time.Hour

// Counted event kinds. Most are event types; payment_failures and chargebacks are payments
// with data.status "failed"/"declined" and "chargeback" (or events of type chargeback).
const (
	kLogins = iota
	kMessages
	kProposals
	kContracts
	kPayments
	kPaymentFailures
	kChargebacks
	kPayoutChanges
	kProfileEdits
	kReviews
	kEvents // every event, whatever its type
	numCounted
)

// countedNames name the counted kinds in feature names: logins_1h, payout_changes_24h, ….
var countedNames = [numCounted]string{"logins", "messages", "proposals", "contracts", "payments",
	"payment_failures", "chargebacks", "payout_changes", "profile_edits", "reviews", "events"}

// Series kept per account beyond the counted kinds.
const (
	sReviewsToLinked   = numCounted + iota // reviews this account gave to accounts linked to it
	sReviewsFromLinked                     // reviews received from linked accounts
	sFiveStarFromNew                       // 5-star reviews received from new accounts
	numSeries
)

// FeatureKind is a feature's CEL type: counts are int, flags are bool.
type FeatureKind int

const (
	Count FeatureKind = iota
	Flag
)

// MarshalJSON writes the kind as its CEL type.
func (k FeatureKind) MarshalJSON() ([]byte, error) {
	if k == Flag {
		return []byte(`"bool"`), nil
	}
	return []byte(`"int"`), nil
}

// FeatureDef names and explains one feature.
type FeatureDef struct {
	Name string      `json:"name"`
	Kind FeatureKind `json:"kind"`
	Help string      `json:"help"`
}

// Feature indexes after the count matrix (numCounted × numWindows, in countedNames order).
const (
	fDistinctLoginCountries1h = numCounted*numWindows + iota
	fDistinctLoginCountries24h
	fDistinctLoginCountries7d
	fDistinctDevices24h
	fDistinctDevices7d
	fDistinctIPs1h
	fDistinctIPs24h
	fMessagesDistinctCounterparts1h
	fMessagesDistinctCounterparts24h
	fDistinctPayoutInstruments7d
	fNewDevices24h
	fNewCountries24h
	fNewPayoutInstruments24h
	fNewDevice
	fNewCountry
	fNewPayoutInstrument
	fAgeDays
	fLinkedAccounts
	fLinkedAccountsIP
	fLinkedClosedAccounts
	fLinkedHeldAccounts
	fCounterpartLinked
	fCounterpartAgeDays
	fReviewsToLinked24h
	fReviewsFromLinked24h
	fFiveStarReviewsFromNew24h
	fCounterpartReviewsFromLinked24h
	fCounterpartFiveStarReviewsFromNew24h
	NumFeatures
)

var otherDefs = [NumFeatures - numCounted*numWindows]FeatureDef{
	{"distinct_login_countries_1h", Count, "distinct countries of the account's logins in the last hour"},
	{"distinct_login_countries_24h", Count, "distinct countries of the account's logins in the last 24 hours"},
	{"distinct_login_countries_7d", Count, "distinct countries of the account's logins in the last 7 days"},
	{"distinct_devices_24h", Count, "distinct device_ids the account used in the last 24 hours"},
	{"distinct_devices_7d", Count, "distinct device_ids the account used in the last 7 days"},
	{"distinct_ips_1h", Count, "distinct IP addresses the account used in the last hour"},
	{"distinct_ips_24h", Count, "distinct IP addresses the account used in the last 24 hours"},
	{"messages_distinct_counterparts_1h", Count, "distinct accounts the account messaged in the last hour"},
	{"messages_distinct_counterparts_24h", Count, "distinct accounts the account messaged in the last 24 hours"},
	{"distinct_payout_instruments_7d", Count, "distinct payout instruments the account named in the last 7 days"},
	{"new_devices_24h", Count, "device_ids first seen in the last 24 hours on an account that already had one"},
	{"new_countries_24h", Count, "login countries first seen in the last 24 hours on an account that already had one"},
	{"new_payout_instruments_24h", Count, "payout instruments first seen in the last 24 hours on an account that already had one"},
	{"new_device", Flag, "the current event came from a device the account had not used (or data.new_device is true)"},
	{"new_country", Flag, "the current event is a login from a country the account had not logged in from"},
	{"new_payout_instrument", Flag, "the current event names a payout instrument the account had not used"},
	{"age_days", Count, "whole days since the account was created, or first seen when its creation is unknown"},
	{"linked_accounts", Count, "other accounts sharing a device_id or payout instrument with this one"},
	{"linked_accounts_ip", Count, "other accounts sharing an IP address with this one"},
	{"linked_closed_accounts", Count, "linked accounts (by device or payout instrument) whose standing is closed"},
	{"linked_held_accounts", Count, "linked accounts (by device or payout instrument) on hold, suspended or pending closure"},
	{"counterpart_linked", Flag, "the current event's counterpart shares a device, IP or payout instrument with this account"},
	{"counterpart_age_days", Count, "age_days of the current event's counterpart (-1 when there is none or it is unknown)"},
	{"reviews_to_linked_24h", Count, "reviews this account gave in the last 24 hours to accounts linked to it"},
	{"reviews_from_linked_24h", Count, "reviews this account received in the last 24 hours from accounts linked to it"},
	{"five_star_reviews_from_new_24h", Count, "5-star reviews this account received in the last 24 hours from accounts under 7 days old"},
	{"counterpart_reviews_from_linked_24h", Count, "reviews_from_linked_24h of the current event's counterpart"},
	{"counterpart_five_star_reviews_from_new_24h", Count, "five_star_reviews_from_new_24h of the current event's counterpart"},
}

var (
	featureDefs  [NumFeatures]FeatureDef
	featureIndex = map[string]int{}
)

func init() {
	for k := range numCounted {
		for w := range numWindows {
			name := countedNames[k] + "_" + Windows[w].Suffix
			what := strings.ReplaceAll(countedNames[k], "_", " ")
			if k == kEvents {
				what = "events of any type"
			}
			featureDefs[k*numWindows+w] = FeatureDef{name, Count, fmt.Sprintf("%s in the last %s", what, Windows[w].Suffix)}
		}
	}
	copy(featureDefs[numCounted*numWindows:], otherDefs[:])
	for i, d := range featureDefs {
		featureIndex[d.Name] = i
	}
}

// FeatureDefs lists every feature rules can read as features.NAME.
func FeatureDefs() []FeatureDef { return featureDefs[:] }

// Features is what the rules see of one account at one moment: every feature of FeatureDefs,
// by index. Flags hold 0 or 1.
type Features struct {
	Values [NumFeatures]int64
	// LinkedClosed names the linked accounts whose standing is closed (at most MaxEvidenceLinks),
	// for a hit's evidence.
	LinkedClosed []string
}

// Get returns the named feature: int64 for counts, bool for flags.
func (f *Features) Get(name string) (any, bool) {
	i, ok := featureIndex[name]
	if !ok {
		return nil, false
	}
	if featureDefs[i].Kind == Flag {
		return f.Values[i] != 0, true
	}
	return f.Values[i], true
}

// Set sets the named feature (a bool for flags, an integer for counts); it is for tests and
// tools that build features by hand.
func (f *Features) Set(name string, v any) error {
	i, ok := featureIndex[name]
	if !ok {
		return fmt.Errorf("rules: unknown feature %q", name)
	}
	switch x := v.(type) {
	case bool:
		f.Values[i] = b2i(x)
	case int:
		f.Values[i] = int64(x)
	case int64:
		f.Values[i] = x
	default:
		return fmt.Errorf("rules: feature %q takes a bool or an integer, not %T", name, v)
	}
	return nil
}

// Map returns every feature by name.
func (f *Features) Map() map[string]any {
	m := make(map[string]any, NumFeatures)
	for i, d := range featureDefs {
		v, _ := f.Get(d.Name)
		m[featureDefs[i].Name] = v
	}
	return m
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// StoreConfig bounds a Store. Zero fields take the defaults shown.
type StoreConfig struct {
	// Retention is how long an idle account's features are kept (LongestWindow + 1h, also the
	// least): past it nothing of it counts in any window, so it is evicted.
	Retention time.Duration
	// LinkRetention is how long a device, IP or payout instrument keeps linking the accounts
	// that used it (90 days): links outlive the windows so that an account opened weeks after
	// another was closed is still found.
	LinkRetention time.Duration
	// NewAccountAge is the age under which a reviewer counts as a new account (7 days).
	NewAccountAge time.Duration
	// Standing looks up an account's standing, for linked_closed_accounts and
	// linked_held_accounts; nil counts none. It is called without the store's locks held.
	Standing func(accountID string) domain.Standing
}

// Bounds on what one account or one linking value holds. Distinct sets past their bound drop
// the value seen longest ago, so distinct counts saturate at the bound.
const (
	MaxCountries     = 32
	MaxDevices       = 32
	MaxIPs           = 64
	MaxInstruments   = 16
	MaxCounterparts  = 256
	MaxLinkMembers   = 64 // accounts remembered per device, IP or payout instrument
	MaxLinked        = 256
	MaxEvidenceLinks = 16
	shards           = 64
)

// Store is an in-memory, concurrency-safe feature store. Feed it every event in time order
// with Observe; ask it for an account's Features with Snapshot. Late events are counted where
// their bucket is still inside the windows and dropped otherwise.
type Store struct {
	cfg   StoreConfig
	seed  maphash.Seed
	accts [shards]acctShard
	links [shards]linkShard
	swept atomic.Int64 // the latest event minute that swept a shard
}

type acctShard struct {
	mu sync.Mutex
	m  map[string]*acctState
}

type linkShard struct {
	mu sync.Mutex
	m  map[uint64]*linkEntry
}

// linkEntry is the accounts that used one device, IP or payout instrument.
type linkEntry struct {
	members []linkMember
}

type linkMember struct {
	id   string
	last int32
}

// Kinds of linking values; each hashes with its own prefix.
const (
	linkDevice byte = 'd'
	linkIP     byte = 'i'
	linkPayout byte = 'p'
)

// acctState is everything kept about one account.
type acctState struct {
	series      [numSeries]*series
	countries   seenSet
	devices     seenSet
	ips         seenSet
	instruments seenSet
	counterpart seenSet
	firstSeen   int32 // minutes; creation time when known
	lastSeen    int32
	// What the most recently observed event brought, for the event-level features.
	lastNewDevice, lastNewCountry, lastNewInstrument bool
	lastCounterpart                                  string
}

// NewStore returns an empty store.
func NewStore(cfg StoreConfig) *Store {
	if cfg.Retention < LongestWindow+time.Hour {
		cfg.Retention = LongestWindow + time.Hour // shorter would drop what the windows still count
	}
	if cfg.LinkRetention <= 0 {
		cfg.LinkRetention = 90 * 24 * time.Hour
	}
	if cfg.NewAccountAge <= 0 {
		cfg.NewAccountAge = 7 * 24 * time.Hour
	}
	s := &Store{cfg: cfg, seed: maphash.MakeSeed()}
	for i := range s.accts {
		s.accts[i].m = map[string]*acctState{}
		s.links[i].m = map[uint64]*linkEntry{}
	}
	return s
}

// minute converts t to minutes since the Unix epoch, clamped to int32.
func minute(t time.Time) int32 {
	m := t.Unix() / 60
	if t.Unix() < 0 && t.Unix()%60 != 0 {
		m--
	}
	if m < -1<<31 {
		return -1 << 31
	}
	if m > 1<<31-1 {
		return 1<<31 - 1
	}
	return int32(m)
}

func floorDiv(a, b int32) int32 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (s *Store) shardOf(id string) *acctShard {
	return &s.accts[maphash.String(s.seed, id)%shards]
}

func (s *Store) hash(kind byte, v string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteByte(kind)
	h.WriteString(v)
	return h.Sum64()
}

// SetCreated records when an account was created (from Account.CreatedAt), so that age_days
// and the new-account tests do not depend on when its events were first seen.
func (s *Store) SetCreated(accountID string, createdAt time.Time) {
	if createdAt.IsZero() {
		return
	}
	m := minute(createdAt)
	sh := s.shardOf(accountID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st := sh.m[accountID]
	if st == nil {
		// Kept as if seen at the latest event time, so that the next sweep does not drop it
		// before its events arrive.
		st = &acctState{firstSeen: m, lastSeen: max(m, int32(s.swept.Load()))}
		sh.m[accountID] = st
	} else if m < st.firstSeen {
		st.firstSeen = m
	}
}

// Observe counts one event for its subject (and, for reviews, for the reviewed counterpart).
// Events without a subject are ignored.
func (s *Store) Observe(ev *domain.ActivityEvent) {
	if ev == nil || ev.Subject == "" {
		return
	}
	m := minute(ev.Time)
	// Each minute of event time sweeps the next account shard (and link shard), so every shard
	// is swept about once an hour whatever accounts the events are about.
	if last := s.swept.Load(); int64(m) > last && s.swept.CompareAndSwap(last, int64(m)) {
		if last == 0 {
			last = int64(m) - 1
		}
		for i := last + 1; i <= int64(m) && i <= last+shards; i++ {
			s.sweepShard(int(i%shards), m)
		}
	}
	device, ip, country, instr, counterpart := ev.Str("device_id"), ev.Str("ip"), ev.Str("country"), ev.Str("payout_instrument"), ev.Str("counterpart")
	if counterpart == ev.Subject {
		counterpart = ""
	}

	sh := s.shardOf(ev.Subject)
	sh.mu.Lock()
	st := sh.m[ev.Subject]
	if st == nil {
		st = &acctState{firstSeen: m, lastSeen: m}
		sh.m[ev.Subject] = st
	}
	if m < st.firstSeen {
		st.firstSeen = m
	}
	if m > st.lastSeen {
		st.lastSeen = m
	}
	st.add(kEvents, m)
	switch ev.Type {
	case "login":
		st.add(kLogins, m)
	case "message":
		st.add(kMessages, m)
		if counterpart != "" {
			st.counterpart.touch(s.hash('c', counterpart), m, MaxCounterparts)
		}
	case "proposal":
		st.add(kProposals, m)
	case "contract":
		st.add(kContracts, m)
	case "payment":
		st.add(kPayments, m)
		switch strings.ToLower(ev.Str("status")) {
		case "failed", "declined":
			st.add(kPaymentFailures, m)
		case "chargeback":
			st.add(kChargebacks, m)
		}
	case "chargeback":
		st.add(kChargebacks, m)
	case "payout_method_change":
		st.add(kPayoutChanges, m)
	case "profile_edit":
		st.add(kProfileEdits, m)
	case "review":
		st.add(kReviews, m)
	}
	st.lastNewDevice, st.lastNewCountry, st.lastNewInstrument = false, false, false
	if device != "" {
		st.lastNewDevice = st.devices.touch(s.hash(linkDevice, device), m, MaxDevices)
	}
	if nd, _ := ev.Fields["new_device"].(bool); nd {
		st.lastNewDevice = true
	}
	if ip != "" {
		st.ips.touch(s.hash(linkIP, ip), m, MaxIPs)
	}
	if country != "" && (ev.Type == "login" || ev.Type == "signup") {
		st.lastNewCountry = st.countries.touch(s.hash('c', strings.ToUpper(country)), m, MaxCountries)
	}
	if instr != "" {
		st.lastNewInstrument = st.instruments.touch(s.hash(linkPayout, instr), m, MaxInstruments)
	}
	st.lastCounterpart = counterpart
	reviewer := st.firstSeen
	sh.mu.Unlock()

	if device != "" {
		s.link(linkDevice, device, ev.Subject, m)
	}
	if ip != "" {
		s.link(linkIP, ip, ev.Subject, m)
	}
	if instr != "" {
		s.link(linkPayout, instr, ev.Subject, m)
	}

	if ev.Type == "review" && counterpart != "" {
		linked := s.linkedTo(ev.Subject, counterpart)
		if linked {
			sh.mu.Lock()
			if st := sh.m[ev.Subject]; st != nil {
				st.add(sReviewsToLinked, m)
			}
			sh.mu.Unlock()
		}
		fiveStar := number(ev.Fields["rating"]) >= 5
		isNew := time.Duration(m-reviewer)*time.Minute < s.cfg.NewAccountAge
		if linked || fiveStar && isNew {
			ch := s.shardOf(counterpart)
			ch.mu.Lock()
			ct := ch.m[counterpart]
			if ct == nil {
				ct = &acctState{firstSeen: m, lastSeen: m}
				ch.m[counterpart] = ct
			}
			ct.lastSeen = max(ct.lastSeen, m)
			if linked {
				ct.add(sReviewsFromLinked, m)
			}
			if fiveStar && isNew {
				ct.add(sFiveStarFromNew, m)
			}
			ch.mu.Unlock()
		}
	}
}

func number(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return 0
}

func (st *acctState) add(kind int, m int32) {
	if st.series[kind] == nil {
		st.series[kind] = &series{}
	}
	st.series[kind].add(m)
}

func (st *acctState) count(kind, window int, now int32) int64 {
	if st.series[kind] == nil {
		return 0
	}
	return st.series[kind].count(window, now)
}

// link records that account id used the value v of the given kind at minute m.
func (s *Store) link(kind byte, v, id string, m int32) {
	h := s.hash(kind, v)
	ls := &s.links[h%shards]
	ls.mu.Lock()
	defer ls.mu.Unlock()
	e := ls.m[h]
	if e == nil {
		e = &linkEntry{}
		ls.m[h] = e
	}
	oldest := -1
	for i := range e.members {
		if e.members[i].id == id {
			e.members[i].last = max(e.members[i].last, m)
			return
		}
		if oldest < 0 || e.members[i].last < e.members[oldest].last {
			oldest = i
		}
	}
	if len(e.members) < MaxLinkMembers {
		e.members = append(e.members, linkMember{id, m})
	} else if e.members[oldest].last < m {
		e.members[oldest] = linkMember{id, m}
	}
}

// linkValues returns the hashes of the devices, payout instruments and IPs the account used.
func (s *Store) linkValues(id string) (strong, ip []uint64) {
	sh := s.shardOf(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	st := sh.m[id]
	if st == nil {
		return nil, nil
	}
	for _, e := range st.devices.e {
		strong = append(strong, e.h)
	}
	for _, e := range st.instruments.e {
		strong = append(strong, e.h)
	}
	for _, e := range st.ips.e {
		ip = append(ip, e.h)
	}
	return strong, ip
}

// members adds the accounts that used the value hashed h to set, except self, up to MaxLinked.
func (s *Store) members(h uint64, self string, set map[string]struct{}) {
	ls := &s.links[h%shards]
	ls.mu.Lock()
	defer ls.mu.Unlock()
	e := ls.m[h]
	if e == nil {
		return
	}
	for _, mb := range e.members {
		if len(set) >= MaxLinked {
			return
		}
		if mb.id != self {
			set[mb.id] = struct{}{}
		}
	}
}

// Linked returns the other accounts that share a device_id or payout instrument with id
// (byIP false), or an IP address (byIP true), sorted, at most MaxLinked.
func (s *Store) Linked(id string, byIP bool) []string {
	strong, ips := s.linkValues(id)
	hs := strong
	if byIP {
		hs = ips
	}
	set := map[string]struct{}{}
	for _, h := range hs {
		s.members(h, id, set)
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// linkedTo reports whether a and b share a device, IP or payout instrument.
func (s *Store) linkedTo(a, b string) bool {
	strong, ips := s.linkValues(a)
	for _, h := range append(strong, ips...) {
		ls := &s.links[h%shards]
		ls.mu.Lock()
		e := ls.m[h]
		found := false
		if e != nil {
			for _, mb := range e.members {
				if mb.id == b {
					found = true
					break
				}
			}
		}
		ls.mu.Unlock()
		if found {
			return true
		}
	}
	return false
}

// Snapshot returns the account's features at now: windows end at now, and the event-level
// features (new_device, counterpart_linked, …) describe the account's latest observed event.
// An unknown account has all zeros (counterpart_age_days -1).
func (s *Store) Snapshot(accountID string, now time.Time) Features {
	var f Features
	v := &f.Values
	v[fCounterpartAgeDays] = -1
	n := minute(now)
	sh := s.shardOf(accountID)
	sh.mu.Lock()
	st := sh.m[accountID]
	if st == nil {
		sh.mu.Unlock()
		return f
	}
	for k := range numCounted {
		for w := range numWindows {
			v[k*numWindows+w] = st.count(k, w, n)
		}
	}
	h1, h24, d7 := n-59, (floorDiv(n, 60)-23)*60, (floorDiv(n, 60)-167)*60
	v[fDistinctLoginCountries1h] = st.countries.seenSince(h1, n)
	v[fDistinctLoginCountries24h] = st.countries.seenSince(h24, n)
	v[fDistinctLoginCountries7d] = st.countries.seenSince(d7, n)
	v[fDistinctDevices24h] = st.devices.seenSince(h24, n)
	v[fDistinctDevices7d] = st.devices.seenSince(d7, n)
	v[fDistinctIPs1h] = st.ips.seenSince(h1, n)
	v[fDistinctIPs24h] = st.ips.seenSince(h24, n)
	v[fMessagesDistinctCounterparts1h] = st.counterpart.seenSince(h1, n)
	v[fMessagesDistinctCounterparts24h] = st.counterpart.seenSince(h24, n)
	v[fDistinctPayoutInstruments7d] = st.instruments.seenSince(d7, n)
	v[fNewDevices24h] = st.devices.newSince(h24, n)
	v[fNewCountries24h] = st.countries.newSince(h24, n)
	v[fNewPayoutInstruments24h] = st.instruments.newSince(h24, n)
	v[fNewDevice] = b2i(st.lastNewDevice)
	v[fNewCountry] = b2i(st.lastNewCountry)
	v[fNewPayoutInstrument] = b2i(st.lastNewInstrument)
	v[fAgeDays] = ageDays(st.firstSeen, n)
	v[fReviewsToLinked24h] = st.count(sReviewsToLinked, w24h, n)
	v[fReviewsFromLinked24h] = st.count(sReviewsFromLinked, w24h, n)
	v[fFiveStarReviewsFromNew24h] = st.count(sFiveStarFromNew, w24h, n)
	counterpart := st.lastCounterpart
	sh.mu.Unlock()

	linked := s.Linked(accountID, false)
	v[fLinkedAccounts] = int64(len(linked))
	v[fLinkedAccountsIP] = int64(len(s.Linked(accountID, true)))
	if s.cfg.Standing != nil {
		for _, id := range linked {
			switch s.cfg.Standing(id) {
			case domain.Closed:
				v[fLinkedClosedAccounts]++
				if len(f.LinkedClosed) < MaxEvidenceLinks {
					f.LinkedClosed = append(f.LinkedClosed, id)
				}
			case domain.OnHold, domain.Suspended, domain.StandingClosePend:
				v[fLinkedHeldAccounts]++
			}
		}
	}
	if counterpart != "" {
		v[fCounterpartLinked] = b2i(s.linkedTo(accountID, counterpart))
		ch := s.shardOf(counterpart)
		ch.mu.Lock()
		if ct := ch.m[counterpart]; ct != nil {
			v[fCounterpartAgeDays] = ageDays(ct.firstSeen, n)
			v[fCounterpartReviewsFromLinked24h] = ct.count(sReviewsFromLinked, w24h, n)
			v[fCounterpartFiveStarReviewsFromNew24h] = ct.count(sFiveStarFromNew, w24h, n)
		}
		ch.mu.Unlock()
	}
	return f
}

func ageDays(first, now int32) int64 {
	if now <= first {
		return 0
	}
	return int64(now-first) / (24 * 60)
}

// ObserveSnapshot observes ev and returns its subject's features at the event's time.
func (s *Store) ObserveSnapshot(ev *domain.ActivityEvent) Features {
	s.Observe(ev)
	return s.Snapshot(ev.Subject, ev.Time)
}

// Len returns how many accounts the store holds.
func (s *Store) Len() int {
	n := 0
	for i := range s.accts {
		s.accts[i].mu.Lock()
		n += len(s.accts[i].m)
		s.accts[i].mu.Unlock()
	}
	return n
}

// Sweep evicts accounts idle for longer than the retention and links older than the link
// retention, as of now. Observe sweeps by itself as event time passes, one shard per minute.
func (s *Store) Sweep(now time.Time) {
	n := minute(now)
	for i := range s.accts {
		s.sweepShard(i, n)
	}
}

// sweepShard sweeps account shard i and link shard i.
func (s *Store) sweepShard(i int, now int32) {
	sh := &s.accts[i]
	idle := now - int32(s.cfg.Retention/time.Minute)
	sh.mu.Lock()
	for id, st := range sh.m {
		if st.lastSeen < idle {
			delete(sh.m, id)
		}
	}
	sh.mu.Unlock()
	ls := &s.links[i]
	old := now - int32(s.cfg.LinkRetention/time.Minute)
	ls.mu.Lock()
	for h, e := range ls.m {
		kept := e.members[:0]
		for _, mb := range e.members {
			if mb.last >= old {
				kept = append(kept, mb)
			}
		}
		e.members = kept
		if len(kept) == 0 {
			delete(ls.m, h)
		}
	}
	ls.mu.Unlock()
}

// series counts events in minute buckets (the last 60 minutes) and hour buckets (the last 168
// hours), oldest first. Only buckets with events are kept, so a quiet account costs a few
// bytes and a busy one at most 228 buckets.
type series struct {
	min, hr []bucket
}

type bucket struct {
	at int32 // minute or hour since the epoch
	n  uint32
}

const (
	minuteSlots = 60
	hourSlots   = 168
)

func (s *series) add(m int32) {
	s.min = addBucket(s.min, m, minuteSlots)
	s.hr = addBucket(s.hr, floorDiv(m, 60), hourSlots)
}

// addBucket counts one at bucket at, keeping only the slots buckets up to the newest.
func addBucket(b []bucket, at int32, slots int32) []bucket {
	n := len(b)
	switch {
	case n == 0 || b[n-1].at < at:
		b = append(b, bucket{at, 1})
	case b[n-1].at == at:
		if b[n-1].n < 1<<32-1 {
			b[n-1].n++
		}
		return b
	default: // a late event
		if at <= b[n-1].at-slots {
			return b // already outside every window
		}
		i := sort.Search(n, func(i int) bool { return b[i].at >= at })
		if i < n && b[i].at == at {
			if b[i].n < 1<<32-1 {
				b[i].n++
			}
			return b
		}
		b = append(b, bucket{})
		copy(b[i+1:], b[i:])
		b[i] = bucket{at, 1}
		return b
	}
	// Drop what fell out of the widest window, reusing the slice so that it never grows past
	// slots+1.
	newest := b[len(b)-1].at
	k := 0
	for k < len(b) && b[k].at <= newest-slots {
		k++
	}
	if k > 0 {
		b = b[:copy(b, b[k:])]
	}
	return b
}

// count sums the window ending at minute now.
func (s *series) count(window int, now int32) int64 {
	switch window {
	case w10m:
		return sumBuckets(s.min, now-9, now)
	case w1h:
		return sumBuckets(s.min, now-59, now)
	case w24h:
		h := floorDiv(now, 60)
		return sumBuckets(s.hr, h-23, h)
	default:
		h := floorDiv(now, 60)
		return sumBuckets(s.hr, h-167, h)
	}
}

func sumBuckets(b []bucket, from, to int32) int64 {
	var n int64
	for i := len(b) - 1; i >= 0 && b[i].at >= from; i-- {
		if b[i].at <= to {
			n += int64(b[i].n)
		}
	}
	return n
}

// seenSet remembers values (by hash) with when each was first and last seen, at most a bound
// of them; past it the value seen longest ago is dropped.
type seenSet struct {
	e []seen
}

type seen struct {
	h           uint64
	first, last int32
	// initial marks the values seen while the set was still empty: an account's first device
	// is not a new device.
	initial bool
}

// touch records h at minute m and reports whether it is new to a set that was not empty.
func (s *seenSet) touch(h uint64, m int32, bound int) bool {
	oldest := -1
	for i := range s.e {
		if s.e[i].h == h {
			s.e[i].last = max(s.e[i].last, m)
			s.e[i].first = min(s.e[i].first, m)
			return false
		}
		if oldest < 0 || s.e[i].last < s.e[oldest].last {
			oldest = i
		}
	}
	e := seen{h: h, first: m, last: m, initial: len(s.e) == 0}
	if len(s.e) < bound {
		s.e = append(s.e, e)
	} else {
		s.e[oldest] = e
	}
	return !e.initial
}

// seenSince counts the values seen between from and to (minutes, inclusive).
func (s *seenSet) seenSince(from, to int32) int64 {
	var n int64
	for _, e := range s.e {
		if e.last >= from && e.first <= to {
			n++
		}
	}
	return n
}

// newSince counts the values first seen between from and to, other than the initial ones.
func (s *seenSet) newSince(from, to int32) int64 {
	var n int64
	for _, e := range s.e {
		if !e.initial && e.first >= from && e.first <= to {
			n++
		}
	}
	return n
}
