package demo

import (
	"encoding/json"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
)

// Traffic generates believable activity on a freelance marketplace: freelancers, clients and
// agencies log in, send proposals, sign contracts, message, pay milestones, review each other
// and edit their profiles, at the rhythm of their time zones. A few per cent of the accounts
// cheat in the ways the default rule pack looks for — account takeover, card testing and
// chargebacks, payment off the platform, a closed account's holder coming back, review rings
// and bought reviews, misleading profiles, spam — and Labels says which. Some cheats are
// subtle enough to slip past the rules, and some honest accounts do things the rules catch
// (a developer wiring up a PayPal checkout, a recruiter inviting forty freelancers, a
// traveller who buys a phone abroad and changes the payout account), so precision and recall
// on this traffic are realistic rather than perfect.
//
// Everything follows from the seed: the same seed, size and start give the same accounts and
// the same events with the same ids. A Traffic is not safe for concurrent use.
type Traffic struct {
	rng       *rand.Rand
	seed      uint64
	start     int64 // ms since the epoch
	now       int64
	horizon   int64 // new accounts sign up between start and start+horizon
	intensity float64

	accts       []member
	eng         []engagement
	freeEng     []int32 // reusable engagement slots
	freelancers []int32 // active accounts that take work (freelancers and agencies)
	clients     []int32 // active accounts that hire
	cgnat       map[int][]string
	rings       []ringPlan // review rings and farms

	q      itemHeap
	seq    uint64
	nextID uint64
	prefix string
	labels detect.Labels
	stats  struct{ sessions, sessionEvents, events int64 }
	ctSeq  int
	jobSeq int
}

// Source is the CloudEvents source of the generated events.
const Source = "demo/marketplace"

// SignupHorizon is how long after the start new accounts keep signing up; the patterns that
// need fresh accounts (second accounts of closed ones, review rings and farms, spam bots, card
// testers) happen within it, the others go on for as long as the traffic runs.
const SignupHorizon = 72 * time.Hour

const (
	minuteMs = int64(time.Minute / time.Millisecond)
	hourMs   = 60 * minuteMs
	dayMs    = 24 * hourMs
)

type role uint8

const (
	roleFreelancer role = iota
	roleClient
	roleAgency
)

// trait is what an account is up to, beyond its role.
type trait uint8

const (
	honest        trait = iota
	evader              // a closed account's holder, back with a new account
	exEmployee          // honest, but works on a closed agency's old laptop
	puppet              // a sock puppet that reviews its owner
	farmer              // sells five-star reviews
	spamBot             // sends the same pitch to everyone
	cardTester          // tries stolen cards with small payments
	misleadingNew       // signs up claiming another country
)

type member struct {
	idx      int32
	account  domain.Account
	role     role
	trait    trait
	country  int // where the holder lives and logs in from
	currency string
	rate     int
	devices  []string // devices[0] is the main one; a second is a phone
	ip       string   // home network
	mobile   bool     // the phone uses carrier addresses shared with many others
	payout   string   // payout instrument (who takes work)
	card     string   // card (who hires)
	perDay   float64  // sessions a day
	created  int64
	pool     bool // signs up during the traffic
	active   bool
	loggedIn bool
	cheating bool // a pattern uses it: not picked for another
	// misleading: the profile claims another country; labelled when first seen.
	misleading, seen bool
	travelUntil      int64
	travelCountry    int
	travelIP         string
	travelDevice     string
	eng              []int32
	// group is a ring's or farm's index for puppets and farmers.
	group int32
	// variant says how an evader links to the closed account: evDevice, evPayout or evIP.
	variant uint8
}

const (
	engInvited = iota // the client asked the freelancer to propose
	engProposed
	engActive
	engDone
)

type engagement struct {
	client, freelancer int32
	contract           string
	state              uint8
	milestones, paid   uint8
	revC, revF         bool
	amount             float64
	currency           string
}

// item is one thing due at a time: a session, its next action, a planned event, a signup or
// an injection of a pattern.
type item struct {
	at   int64
	seq  uint64
	kind uint8
	acct int32
	arg  int32
	p    *planned
}

const (
	kSession = iota
	kAction
	kPlanned
	kSignup
	kInject
)

// planned is an event decided in advance, by a pattern.
type planned struct {
	acct    int32  // -1: subject names an account the generator does not own
	subject string // when acct < 0
	typ     string
	fields  map[string]any
	label   string                     // the violation this event commits, recorded for the subject
	after   func(t *Traffic, at int64) // runs once the event is out
	skip    func(t *Traffic) bool      // drops the event if true when due
}

// NewTraffic returns a generator of a marketplace with the given number of accounts (at least
// 50), whose clock starts at start. About 88% of the accounts exist before start; the others
// sign up within SignupHorizon.
func NewTraffic(seed uint64, accounts int, start time.Time) *Traffic {
	accounts = max(accounts, 50)
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatUint(seed, 10)))
	t := &Traffic{
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		seed:      seed,
		start:     start.UnixMilli(),
		horizon:   SignupHorizon.Milliseconds(),
		intensity: 1,
		cgnat:     map[int][]string{},
		prefix:    "dm" + strconv.FormatUint(uint64(h.Sum32()), 36) + "-",
		labels:    detect.Labels{},
	}
	t.now = t.start
	t.populate(accounts)
	return t
}

// Accounts returns the whole population, including the accounts that sign up later (their
// CreatedAt is their signup time): upsert them before sending the events. Ids look like
// "u-00042". The seed story's closed accounts (ClosedAccounts) are not among them.
func (t *Traffic) Accounts() []domain.Account {
	out := make([]domain.Account, len(t.accts))
	for i := range t.accts {
		out[i] = t.accts[i].account
		out[i].Profile = maps.Clone(out[i].Profile)
	}
	return out
}

// ClosedAccounts are the accounts of the seed story that are closed (cl-2207, ag-3009): the
// traffic reports their devices and payout instrument early, and some new accounts reuse them.
// Without the seed, treat them as closed (as the backtest in the tests does).
func (t *Traffic) ClosedAccounts() []string { return []string{closedSeed[0].id, closedSeed[1].id} }

// Labels returns the ground truth so far: for each violation, the accounts that committed it
// in the events generated up to now. A copy.
func (t *Traffic) Labels() detect.Labels {
	out := make(detect.Labels, len(t.labels))
	for v, ids := range t.labels {
		out[v] = maps.Clone(ids)
	}
	return out
}

// Now returns the generator's clock: the time of the latest event, or of the end of the last
// Until.
func (t *Traffic) Now() time.Time { return time.UnixMilli(t.now).UTC() }

// Next returns the next n events in time order.
func (t *Traffic) Next(n int) []*domain.ActivityEvent { return t.take(n, math.MaxInt64) }

// Until returns up to n events due at or before end, in time order. When it returns fewer
// than n, the clock has reached end (and never passes it).
func (t *Traffic) Until(end time.Time, n int) []*domain.ActivityEvent {
	limit := end.UnixMilli()
	out := t.take(n, limit)
	if len(out) < n && t.now < limit {
		t.now = limit
	}
	return out
}

func (t *Traffic) take(n int, limit int64) []*domain.ActivityEvent {
	out := make([]*domain.ActivityEvent, 0, n)
	for len(out) < n && len(t.q) > 0 && t.q[0].at <= limit {
		it := t.q.pop()
		if it.at > t.now {
			t.now = it.at
		}
		if ev := t.step(it); ev != nil {
			out = append(out, ev)
		}
	}
	return out
}

func (t *Traffic) push(at int64, kind uint8, acct int32, arg int32, p *planned) {
	if at < t.now {
		at = t.now
	}
	t.seq++
	t.q.push(item{at: at, seq: t.seq, kind: kind, acct: acct, arg: arg, p: p})
}

// plan schedules an event of account a (a pattern's).
func (t *Traffic) plan(at int64, a int32, typ string, fields map[string]any, label string) *planned {
	p := &planned{acct: a, typ: typ, fields: fields, label: label}
	t.push(at, kPlanned, a, 0, p)
	return p
}

// step does what an item says and returns the event it produced, if any.
func (t *Traffic) step(it item) *domain.ActivityEvent {
	switch it.kind {
	case kSession:
		a := &t.accts[it.acct]
		t.stats.sessions++
		ev := t.login(a, it.at)
		t.stats.sessionEvents++
		t.push(it.at+t.gap(), kAction, it.acct, int32(t.actionsPerSession(a)), nil)
		return ev
	case kAction:
		a := &t.accts[it.acct]
		var ev *domain.ActivityEvent
		for try := 0; try < 3 && ev == nil; try++ {
			ev = t.action(a, it.at)
		}
		if ev != nil {
			t.stats.sessionEvents++
		}
		if it.arg > 1 {
			t.push(it.at+t.gap(), kAction, it.acct, it.arg-1, nil)
		} else {
			t.push(t.nextSession(a, it.at), kSession, it.acct, 0, nil)
		}
		return ev
	case kPlanned:
		p := it.p
		if p.skip != nil && p.skip(t) {
			return nil
		}
		subject := p.subject
		if p.acct >= 0 {
			subject = t.accts[p.acct].account.ID
		}
		ev := t.emit(it.at, p.acct, subject, p.typ, p.fields)
		if p.label != "" && p.acct >= 0 {
			t.label(p.label, p.acct)
		}
		if p.after != nil {
			p.after(t, it.at)
		}
		return ev
	case kSignup:
		return t.signup(it.acct, it.at)
	case kInject:
		t.inject(int(it.arg), it.at)
		t.push(it.at+t.injectGap(int(it.arg)), kInject, -1, it.arg, nil)
	}
	return nil
}

// emit makes the event.
func (t *Traffic) emit(at int64, a int32, subject, typ string, fields map[string]any) *domain.ActivityEvent {
	t.nextID++
	t.stats.events++
	data, err := json.Marshal(fields)
	if err != nil {
		panic("demo: traffic data: " + err.Error())
	}
	if a >= 0 {
		ac := &t.accts[a]
		if !ac.seen {
			ac.seen = true
			if ac.misleading {
				t.label("misleading_profile", a)
			}
		}
	}
	return &domain.ActivityEvent{
		ID:          t.prefix + strconv.FormatUint(t.nextID, 10),
		Source:      Source,
		Type:        typ,
		Time:        time.UnixMilli(at).UTC(),
		Subject:     subject,
		SpecVersion: "1.0",
		Data:        data,
		Fields:      fields,
	}
}

func (t *Traffic) label(violation string, a int32) {
	m := t.labels[violation]
	if m == nil {
		m = map[string]bool{}
		t.labels[violation] = m
	}
	m[t.accts[a].account.ID] = true
}

// ---- rhythm

// hourWeight is how busy a local hour is, relative to the busiest.
var hourWeight = [24]float64{0.12, 0.08, 0.06, 0.05, 0.06, 0.12, 0.25, 0.5, 0.8, 0.95, 1, 1,
	0.9, 1, 1, 1, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.35, 0.2}

var hourMean = func() float64 {
	s := 0.0
	for _, w := range hourWeight {
		s += w
	}
	return s / 24
}()

// nextSession draws when a's next session starts after from: a Poisson process thinned by the
// hour of the day where a lives.
func (t *Traffic) nextSession(a *member, from int64) int64 {
	rate := a.perDay * t.intensity / hourMean // sessions a day at the busiest hour
	at := from + int64(float64(5*minuteMs)/t.intensity)
	tz := int64(countries[a.country].tz)
	for range 500 {
		at += int64(t.rng.ExpFloat64() / rate * float64(dayMs))
		h := ((at/hourMs+tz)%24 + 24) % 24
		if t.rng.Float64() < hourWeight[h] {
			return at
		}
	}
	return at
}

// gap is the time between two actions of a session; busier than natural (Run at a high
// rate), sessions are quicker too.
func (t *Traffic) gap() int64 {
	return int64((15_000 + t.rng.ExpFloat64()*150_000) / max(1, t.intensity))
}

func (t *Traffic) actionsPerSession(a *member) int {
	switch a.role {
	case roleAgency:
		return 2 + t.rng.IntN(5)
	case roleClient:
		return 1 + t.rng.IntN(3)
	}
	return 1 + t.rng.IntN(4)
}

func (t *Traffic) uniform(lo, hi time.Duration) int64 {
	return lo.Milliseconds() + t.rng.Int64N(max(1, (hi-lo).Milliseconds()))
}

// ---- the population

func (t *Traffic) populate(n int) {
	t.accts = make([]member, n)
	perm := t.rng.Perm(n)
	pool := int(math.Round(0.12 * float64(n)))
	count := func(frac float64) int { return int(math.Round(frac * float64(n))) }

	// The pool of accounts that sign up during the traffic, by what they are.
	var poolTraits []trait
	add := func(tr trait, k int) {
		for range k {
			poolTraits = append(poolTraits, tr)
		}
	}
	add(evader, count(0.01))
	if n >= 500 {
		add(exEmployee, max(1, count(0.001)))
	}
	add(spamBot, count(0.005))
	add(cardTester, count(0.005))
	add(misleadingNew, count(0.003))
	rings, farms := count(0.002), count(0.001)
	ringSizes, farmSizes := make([]int, rings), make([]int, farms)
	for i := range ringSizes {
		ringSizes[i] = 3 + t.rng.IntN(3)
		add(puppet, ringSizes[i])
	}
	for i := range farmSizes {
		farmSizes[i] = 4 + t.rng.IntN(4)
		add(farmer, farmSizes[i])
	}
	pool = max(pool, len(poolTraits))
	for len(poolTraits) < pool {
		poolTraits = append(poolTraits, honest)
	}

	// Established accounts first (they are what pool patterns refer to), then the pool.
	for k := pool; k < n; k++ {
		i := perm[k]
		a := &t.accts[i]
		a.idx, a.group = int32(i), -1
		r := t.rng.IntN(100)
		a.role = roleFreelancer
		if r >= 55 && r < 90 {
			a.role = roleClient
		} else if r >= 90 {
			a.role = roleAgency
		}
		a.country = t.pickCountry()
		age := 8*dayMs + int64(t.rng.ExpFloat64()*400*float64(dayMs))
		a.created = t.start - min(age, 9*365*dayMs)
		t.kit(a)
		a.active = true
		t.enlist(a)
	}
	t.specials(perm[pool:])
	t.initialEngagements()

	ringOf, farmOf := 0, 0
	members := 0
	var ring ringPlan
	for k := 0; k < pool; k++ {
		i := perm[k]
		a := &t.accts[i]
		a.idx, a.group, a.pool, a.trait = int32(i), -1, true, poolTraits[k]
		a.created = t.start + t.uniform(5*time.Minute, SignupHorizon)
		switch a.trait {
		case honest:
			a.role = roleFreelancer
			if t.rng.IntN(2) == 0 {
				a.role = roleClient
			}
			a.country = t.pickCountry()
			t.kit(a)
		case evader, exEmployee:
			t.evaderKit(a)
		case spamBot:
			a.role, a.country = roleFreelancer, t.pickCountry()
			t.kit(a)
			a.account.Identity = domain.IdentityUnverified
		case cardTester:
			a.role, a.country = roleClient, t.pickCountry()
			t.kit(a)
			a.account.Identity = domain.IdentityUnverified
		case misleadingNew:
			a.role, a.country = roleFreelancer, t.pickCountry()
			t.kit(a)
			t.mislead(a)
		case puppet, farmer:
			if members == 0 {
				if a.trait == puppet {
					ring = t.newRing(ringSizes[ringOf], false)
					ringOf++
				} else {
					ring = t.newRing(farmSizes[farmOf], true)
					farmOf++
				}
				members = ring.size
			}
			members--
			t.ringMember(a, ring, ring.size-members-1)
		}
		t.push(a.created, kSignup, a.idx, 0, nil)
	}

	// The seed story's closed accounts try to get back in, early on.
	t.closedAttempts()
	for i := range t.accts {
		a := &t.accts[i]
		if !a.pool {
			t.push(t.nextSession(a, t.start-5*minuteMs), kSession, a.idx, 0, nil)
		}
	}
	for p := range patterns {
		t.push(t.start+t.injectGap(p), kInject, -1, int32(p), nil)
	}
}

// kit gives a an account, devices, a network and payment means.
func (t *Traffic) kit(a *member) {
	c := countries[a.country]
	a.currency = c.currency
	if a.currency == "GBP" && t.rng.IntN(3) == 0 {
		a.currency = "USD"
	}
	a.devices = []string{t.hex("dev_")}
	if t.rng.IntN(2) == 0 {
		a.devices = append(a.devices, t.hex("dev_"))
		a.mobile = t.rng.IntN(10) < 7
	}
	a.ip = t.ip(a.country)
	switch a.role {
	case roleClient:
		a.card = t.hex("card_")
		a.perDay = 1.8
	case roleAgency:
		a.payout, a.card = t.hex("po_"), t.hex("card_")
		a.perDay = 6
	default:
		a.payout = t.hex("po_")
		a.perDay = 3
	}
	a.perDay *= 0.3 + 1.5*t.rng.Float64()
	t.makeAccount(a, accountID(a.idx), time.UnixMilli(a.created).UTC())
}

func accountID(i int32) string {
	s := strconv.Itoa(int(i))
	for len(s) < 5 {
		s = "0" + s
	}
	return "u-" + s
}

// enlist makes an active account a possible counterpart.
func (t *Traffic) enlist(a *member) {
	switch a.trait {
	case honest, evader, exEmployee, misleadingNew:
	default:
		return
	}
	if a.role == roleClient {
		t.clients = append(t.clients, a.idx)
	} else {
		t.freelancers = append(t.freelancers, a.idx)
	}
}

// specials picks, among established accounts, the misleading profiles and the expatriates
// whose profile country is honestly not their identity's.
func (t *Traffic) specials(established []int) {
	k := int(math.Round(0.008 * float64(len(t.accts))))
	x := int(math.Round(0.005 * float64(len(t.accts))))
	for _, i := range established {
		a := &t.accts[i]
		switch {
		case k > 0 && a.role != roleClient:
			k--
			t.mislead(a)
			a.cheating = true
			// The claim arrives as a profile edit.
			at := t.start + t.uniform(time.Hour, 44*time.Hour)
			t.plan(at, a.idx, "profile_edit", t.sessionFields(a, map[string]any{"fields": "country,title,hourly_rate"}), "")
		case x > 0:
			x--
			// An expatriate: identity from where they were born, living (and saying so) elsewhere.
			origin := t.pickCountry()
			if origin == a.country {
				continue
			}
			a.account.Country = countries[origin].code
			a.account.Identity = domain.IdentityVerified
		}
		if k == 0 && x == 0 {
			return
		}
	}
}

// mislead makes the profile claim another country than the identity's.
func (t *Traffic) mislead(a *member) {
	claim := t.pick(claimedCountries)
	for claim == a.account.Country {
		claim = t.pick(claimedCountries)
	}
	a.misleading = true
	a.account.Profile["country"] = claim
	switch r := t.rng.IntN(10); {
	case r < 7:
		a.account.Identity = domain.IdentityVerified
	case r < 9:
		a.account.Identity = domain.IdentityPending
	default:
		a.account.Identity = domain.IdentityUnverified
	}
	if a.role != roleClient {
		a.account.Profile["hourly_rate"] = strconv.Itoa(a.rate*2) + " " + a.currency
	}
}

// initialEngagements gives the established clients the projects they are in the middle of.
func (t *Traffic) initialEngagements() {
	if len(t.freelancers) == 0 {
		return
	}
	for _, c := range t.clients {
		for range t.rng.IntN(4) {
			f := t.freelancers[t.rng.IntN(len(t.freelancers))]
			e := t.newEngagement(c, f)
			en := &t.eng[e]
			en.contract = t.contractID()
			switch r := t.rng.IntN(100); {
			case r < 12:
				en.state = engProposed
			case r < 85:
				en.state = engActive
				en.paid = uint8(t.rng.IntN(int(en.milestones)))
			default:
				en.state, en.paid = engDone, en.milestones
			}
		}
	}
}

func (t *Traffic) newEngagement(c, f int32) int32 {
	fa := &t.accts[f]
	e := engagement{client: c, freelancer: f, state: engProposed, milestones: uint8(1 + t.rng.IntN(4)), currency: fa.currency}
	e.amount = float64(max(fa.rate, 10) * (6 + t.rng.IntN(90)) / 10 * 10)
	var i int32
	if n := len(t.freeEng); n > 0 {
		i = t.freeEng[n-1]
		t.freeEng = t.freeEng[:n-1]
		t.eng[i] = e
	} else {
		i = int32(len(t.eng))
		t.eng = append(t.eng, e)
	}
	t.accts[c].eng = append(t.accts[c].eng, i)
	fa.eng = append(fa.eng, i)
	return i
}

// endEngagement forgets a finished or declined engagement.
func (t *Traffic) endEngagement(i int32) {
	e := &t.eng[i]
	for _, a := range []int32{e.client, e.freelancer} {
		l := t.accts[a].eng
		for k, x := range l {
			if x == i {
				l[k] = l[len(l)-1]
				t.accts[a].eng = l[:len(l)-1]
				break
			}
		}
	}
	t.freeEng = append(t.freeEng, i)
}

func (t *Traffic) contractID() string {
	t.ctSeq++
	return "ct-" + strconv.Itoa(100000+t.ctSeq)
}

func (t *Traffic) milestone(e *engagement) float64 {
	return math.Round(e.amount/float64(e.milestones)*100) / 100
}

// ---- sessions

// where returns the country, address and device of a's session now.
func (t *Traffic) where(a *member, at int64) (int, string, string) {
	if at < a.travelUntil {
		dev := a.devices[0]
		if a.travelDevice != "" {
			dev = a.travelDevice
		} else if len(a.devices) > 1 && t.rng.IntN(2) == 0 {
			dev = a.devices[1]
		}
		return a.travelCountry, a.travelIP, dev
	}
	if len(a.devices) > 1 && t.rng.IntN(10) < 3 {
		ip := a.ip
		if a.mobile {
			ip = t.carrierIP(a.country)
		}
		return a.country, ip, a.devices[1]
	}
	return a.country, a.ip, a.devices[0]
}

// carrierIP is one of the few addresses a mobile carrier shares among many subscribers.
func (t *Traffic) carrierIP(c int) string {
	pool := t.cgnat[c]
	if pool == nil {
		for range 40 {
			pool = append(pool, t.ip(c))
		}
		t.cgnat[c] = pool
	}
	return pool[t.rng.IntN(len(pool))]
}

// sessionFields adds where a is to fields.
func (t *Traffic) sessionFields(a *member, fields map[string]any) map[string]any {
	c, ip, dev := t.where(a, t.now)
	fields["ip"], fields["country"], fields["device_id"] = ip, countries[c].code, dev
	return fields
}

func (t *Traffic) login(a *member, at int64) *domain.ActivityEvent {
	// Now and then a holder travels for a few days; some buy a local phone.
	if at >= a.travelUntil && t.rng.IntN(1000) < 4 {
		t.travel(a, at, t.rng.IntN(8) == 0)
	}
	c, ip, dev := t.where(a, at)
	a.loggedIn = true
	return t.emit(at, a.idx, a.account.ID, "login", map[string]any{
		"ip": ip, "country": countries[c].code, "device_id": dev, "client": t.pick([]string{"web", "web", "ios", "android"})})
}

func (t *Traffic) travel(a *member, at int64, newPhone bool) {
	dest := t.pickCountry()
	for dest == a.country {
		dest = t.pickCountry()
	}
	a.travelUntil = at + t.uniform(24*time.Hour, 6*24*time.Hour)
	a.travelCountry, a.travelIP, a.travelDevice = dest, t.ip(dest), ""
	if newPhone {
		a.travelDevice = t.hex("dev_")
		a.devices = append(a.devices, a.travelDevice)
	}
}

// action is one thing a does in a session; nil when it found nothing to do.
func (t *Traffic) action(a *member, at int64) *domain.ActivityEvent {
	if r := t.rng.IntN(4000); r < 32 {
		return t.emit(at, a.idx, a.account.ID, "profile_edit", t.sessionFields(a, map[string]any{
			"fields": t.pick([]string{"title", "skills", "hourly_rate", "description", "portfolio", "photo", "skills,description"})}))
	} else if r < 34 && a.role != roleClient {
		a.payout = t.hex("po_")
		return t.emit(at, a.idx, a.account.ID, "payout_method_change", t.sessionFields(a, map[string]any{
			"payout_instrument": a.payout, "method": t.pick([]string{"bank_account", "bank_account", "payoneer", "paypal"})}))
	}
	if a.role == roleClient {
		return t.clientAction(a, at)
	}
	return t.freelancerAction(a, at)
}

func (t *Traffic) pickEng(a *member, ok func(e *engagement) bool) int32 {
	n := len(a.eng)
	if n == 0 {
		return -1
	}
	o := t.rng.IntN(n)
	for k := range n {
		i := a.eng[(o+k)%n]
		if ok(&t.eng[i]) {
			return i
		}
	}
	return -1
}

func (t *Traffic) freelancerAction(a *member, at int64) *domain.ActivityEvent {
	if i := t.pickEng(a, func(e *engagement) bool { return e.state == engDone && !e.revF }); i >= 0 && t.rng.IntN(3) == 0 {
		return t.review(a, i, at, false)
	}
	if i := t.pickEng(a, func(e *engagement) bool { return e.state == engInvited }); i >= 0 && t.rng.IntN(2) == 0 {
		t.eng[i].state = engProposed
		return t.proposal(a, i, at)
	}
	r := t.rng.IntN(10)
	if r < 7 {
		if i := t.pickEng(a, func(e *engagement) bool { return e.state != engDone }); i >= 0 {
			return t.message(a, i, at)
		}
	}
	if len(a.eng) < 8 && len(t.clients) > 0 && t.rng.IntN(3) != 0 {
		c := t.clients[t.rng.IntN(len(t.clients))]
		if c != a.idx {
			return t.proposal(a, t.newEngagement(c, a.idx), at)
		}
	}
	return nil
}

func (t *Traffic) clientAction(a *member, at int64) *domain.ActivityEvent {
	if i := t.pickEng(a, func(e *engagement) bool { return e.state == engDone && !e.revC }); i >= 0 && t.rng.IntN(2) == 0 {
		return t.review(a, i, at, true)
	}
	if i := t.pickEng(a, func(e *engagement) bool { return e.state == engProposed }); i >= 0 && t.rng.IntN(2) == 0 {
		e := &t.eng[i]
		if t.rng.IntN(10) < 6 {
			e.state, e.contract = engActive, t.contractID()
			return t.emit(at, a.idx, a.account.ID, "contract", map[string]any{
				"counterpart": t.accts[e.freelancer].account.ID, "contract": e.contract, "amount": e.amount,
				"currency": e.currency, "milestones": float64(e.milestones), "kind": t.pick([]string{"fixed", "fixed", "hourly"})})
		}
		f := e.freelancer
		t.endEngagement(i)
		return t.emit(at, a.idx, a.account.ID, "message", map[string]any{
			"counterpart": t.accts[f].account.ID, "text": t.fill(t.pick(declineMessages), firstName(&t.accts[f]), "")})
	}
	if i := t.pickEng(a, func(e *engagement) bool { return e.state == engActive }); i >= 0 && t.rng.IntN(3) == 0 {
		return t.pay(a, i, at)
	}
	if i := t.pickEng(a, func(e *engagement) bool { return e.state != engDone }); i >= 0 && t.rng.IntN(4) != 0 {
		return t.message(a, i, at)
	}
	if len(a.eng) < 3 && len(t.freelancers) > 0 && t.rng.IntN(3) == 0 {
		f := t.freelancers[t.rng.IntN(len(t.freelancers))]
		i := t.newEngagement(a.idx, f)
		t.eng[i].state = engInvited
		skill := t.accts[f].account.Profile["skills"]
		if k := indexByte(skill, ','); k > 0 {
			skill = skill[:k]
		}
		return t.emit(at, a.idx, a.account.ID, "message", map[string]any{
			"counterpart": t.accts[f].account.ID, "text": t.fill(t.pick(inviteMessages), firstName(&t.accts[f]), skill)})
	}
	return nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func firstName(a *member) string {
	n := a.account.DisplayName
	if k := indexByte(n, ' '); k > 0 {
		return n[:k]
	}
	return n
}

func (t *Traffic) other(e *engagement, me int32) *member {
	if e.client == me {
		return &t.accts[e.freelancer]
	}
	return &t.accts[e.client]
}

func (t *Traffic) message(a *member, i int32, at int64) *domain.ActivityEvent {
	e := &t.eng[i]
	o := t.other(e, a.idx)
	var text string
	if t.rng.IntN(4000) == 0 {
		text = t.fill(t.pick(noiseMessages), firstName(o), "")
	} else {
		set := freelancerMessages
		if a.role == roleClient {
			set = clientMessages
		}
		lang := "en"
		if l := a.account.Language; l == o.account.Language && set[l] != nil && t.rng.IntN(2) == 0 {
			lang = l
		}
		text = t.fill(t.pick(set[lang]), firstName(o), "")
	}
	f := map[string]any{"counterpart": o.account.ID, "text": text}
	if e.contract != "" {
		f["contract"] = e.contract
	}
	return t.emit(at, a.idx, a.account.ID, "message", f)
}

func (t *Traffic) proposal(a *member, i int32, at int64) *domain.ActivityEvent {
	e := &t.eng[i]
	t.jobSeq++
	skill := a.account.Profile["skills"]
	if k := indexByte(skill, ','); k > 0 {
		skill = skill[:k]
	}
	return t.emit(at, a.idx, a.account.ID, "proposal", map[string]any{
		"counterpart": t.accts[e.client].account.ID, "job": "job-" + strconv.Itoa(500000+t.jobSeq),
		"amount": e.amount, "currency": e.currency, "text": t.fill(t.pick(proposalTexts), firstName(&t.accts[e.client]), skill)})
}

// pay pays the next milestone; a card is sometimes declined and retried a few minutes later.
func (t *Traffic) pay(a *member, i int32, at int64) *domain.ActivityEvent {
	e := &t.eng[i]
	f := map[string]any{"counterpart": t.accts[e.freelancer].account.ID, "contract": e.contract,
		"amount": t.milestone(e), "currency": e.currency, "method": "card", "card": a.card, "status": "succeeded"}
	switch r := t.rng.IntN(1000); {
	case r < 4 && e.paid > 0:
		// A dispute about an earlier milestone, through the card issuer.
		f["status"] = "chargeback"
	case r < 60:
		f["status"] = t.pick([]string{"failed", "declined"})
		t.retry(a, i, at, 1)
	default:
		if t.rng.IntN(4) == 0 {
			f["method"] = "sepa_debit"
			delete(f, "card")
		}
		t.paid(i)
	}
	return t.emit(at, a.idx, a.account.ID, "payment", f)
}

func (t *Traffic) retry(a *member, i int32, at int64, n int) {
	e := &t.eng[i]
	ok := t.rng.IntN(10) < 6
	f := map[string]any{"counterpart": t.accts[e.freelancer].account.ID, "contract": e.contract,
		"amount": t.milestone(e), "currency": e.currency, "method": "card", "card": a.card, "status": "succeeded"}
	if !ok {
		f["status"] = t.pick([]string{"failed", "declined"})
	}
	p := t.plan(at+t.uniform(time.Minute, 12*time.Minute), a.idx, "payment", f, "")
	contract := e.contract
	p.skip = func(t *Traffic) bool { return t.eng[i].contract != contract || t.eng[i].state != engActive }
	p.after = func(t *Traffic, at int64) {
		if ok {
			t.paid(i)
		} else if n < 4 && t.rng.IntN(3) != 0 {
			t.retry(a, i, at, n+1)
		}
	}
}

func (t *Traffic) paid(i int32) {
	e := &t.eng[i]
	if e.paid < e.milestones {
		e.paid++
	}
	if e.paid >= e.milestones {
		e.state = engDone
	}
}

func (t *Traffic) review(a *member, i int32, at int64, byClient bool) *domain.ActivityEvent {
	e := &t.eng[i]
	o := t.other(e, a.idx)
	rating := 5
	switch r := t.rng.IntN(100); {
	case r < 2:
		rating = 1
	case r < 4:
		rating = 2
	case r < 10:
		rating = 3
	case r < 32:
		rating = 4
	}
	if byClient {
		e.revC = true
	} else {
		e.revF = true
	}
	f := map[string]any{"counterpart": o.account.ID, "contract": e.contract, "rating": float64(rating),
		"text": t.pick(reviewTexts[rating])}
	if e.revC && e.revF || t.rng.IntN(4) == 0 {
		t.endEngagement(i) // both reviewed, or the other never will
	}
	return t.emit(at, a.idx, a.account.ID, "review", f)
}

func (t *Traffic) signup(i int32, at int64) *domain.ActivityEvent {
	a := &t.accts[i]
	a.active, a.loggedIn = true, true
	ev := t.emit(at, i, a.account.ID, "signup", map[string]any{
		"ip": a.ip, "country": countries[a.country].code, "device_id": a.devices[0], "email_domain": emailDomain(a.account.Email)})
	switch a.trait {
	case honest, evader, exEmployee, misleadingNew:
		t.enlist(a)
		t.push(at+t.uniform(2*time.Minute, 40*time.Minute), kSession, i, 0, nil)
	}
	t.afterSignup(a, at)
	return ev
}

func emailDomain(e string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == '@' {
			return e[i+1:]
		}
	}
	return ""
}

// ---- the queue: a binary heap by time, then by order of scheduling

type itemHeap []item

func (h itemHeap) less(i, j int) bool {
	return h[i].at < h[j].at || h[i].at == h[j].at && h[i].seq < h[j].seq
}

func (h *itemHeap) push(it item) {
	*h = append(*h, it)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

func (h *itemHeap) pop() item {
	q := *h
	top := q[0]
	n := len(q) - 1
	q[0] = q[n]
	q[n] = item{}
	q = q[:n]
	q.down(0)
	*h = q
	return top
}

func (h itemHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h itemHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}
