package demo

import (
	"math"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// The injected patterns: what cheats do, and the honest look-alikes that trip the same rules.

// closedSeed are the seed story's closed accounts with the fingerprints the marketplace knows
// them by: cl-2207 (closed for chargeback fraud) and ag-3009 (emergency closure; its payout
// account is the one a new account must not reuse).
var closedSeed = [2]struct {
	id, country, device, ip, payout string
}{
	{"cl-2207", "ES", "dev_5c2a9e71d04b38f6", "83.44.171.20", ""},
	{"ag-3009", "NL", "dev_a93f01c7e2b65d48", "77.161.23.90", "po_7e41c09ab35d2f68"},
}

// How an evader links to the closed account.
const (
	evDevice = iota // the same laptop: the rules see it
	evPayout        // the same payout account: the rules see it
	evIP            // only the same home network: the rules do not link by IP, so they miss it
)

// closedAttempts: the closed accounts keep trying to log in (the marketplace refuses and
// reports the attempt), and the agency tries to redirect its frozen balance. This is how their
// device and payout instrument become known to the features.
func (t *Traffic) closedAttempts() {
	for k := range closedSeed {
		t.closedAttempt(k, t.start+t.uniform(time.Minute, 20*time.Minute), true)
	}
}

func (t *Traffic) closedAttempt(k int, at int64, first bool) {
	c := closedSeed[k]
	p := &planned{acct: -1, subject: c.id, typ: "login", fields: map[string]any{
		"ip": c.ip, "country": c.country, "device_id": c.device, "client": "web", "result": "denied", "reason": "account_closed"}}
	p.after = func(t *Traffic, at int64) { t.closedAttempt(k, at+t.uniform(20*time.Hour, 60*time.Hour), false) }
	t.push(at, kPlanned, -1, 0, p)
	if c.payout != "" && (first || t.rng.IntN(3) == 0) {
		t.push(at+t.uniform(2*time.Minute, 6*time.Minute), kPlanned, -1, 0, &planned{acct: -1, subject: c.id, typ: "payout_method_change",
			fields: map[string]any{"ip": c.ip, "country": c.country, "device_id": c.device, "payout_instrument": c.payout,
				"method": "bank_account", "result": "denied", "reason": "account_closed"}})
	}
}

// evaderKit makes a the new account of a closed account's holder — or, for an ex-employee, an
// honest freelancer on the closed agency's old laptop.
func (t *Traffic) evaderKit(a *member) {
	k := t.rng.IntN(2)
	if a.trait == exEmployee {
		k = 1
	}
	c := closedSeed[k]
	a.country = countryIndex[c.country]
	a.role = roleClient
	if k == 1 {
		a.role = roleFreelancer
		if t.rng.IntN(2) == 0 && a.trait == evader {
			a.role = roleAgency
		}
	}
	t.kit(a)
	if a.trait == exEmployee {
		a.devices[0] = c.device
		return
	}
	r := t.rng.IntN(100)
	switch {
	case c.payout == "" && r < 70, c.payout != "" && r < 40:
		a.variant, a.devices[0] = evDevice, c.device
	case c.payout != "" && r < 75:
		a.variant, a.payout = evPayout, c.payout
	default:
		a.variant, a.ip = evIP, c.ip
	}
	if t.rng.IntN(2) == 0 {
		a.account.Identity = domain.IdentityPending
	}
}

// ringPlan is a review ring (sock puppets of one freelancer) or a review farm (accounts that
// sell five-star reviews to one freelancer).
type ringPlan struct {
	idx     int32
	owner   int32
	size    int
	base    int64
	farm    bool
	country int
	ip      string
}

var farmCountries = []string{"PK", "VN", "NG", "PH", "ID", "IN", "EG"}

func (t *Traffic) newRing(size int, farm bool) ringPlan {
	r := ringPlan{idx: int32(len(t.rings)), owner: -1, size: size, farm: farm}
	for range 100 {
		f := t.freelancers[t.rng.IntN(len(t.freelancers))]
		if a := &t.accts[f]; !a.cheating && !a.pool {
			r.owner, a.cheating = f, true
			break
		}
	}
	r.base = t.start + t.uniform(30*time.Minute, SignupHorizon-14*time.Hour)
	owner := &t.accts[r.owner]
	if farm {
		r.country = countryIndex[t.pick(farmCountries)]
		r.ip = t.ip(r.country)
	} else {
		r.country, r.ip = owner.country, owner.ip
	}
	t.rings = append(t.rings, r)
	return r
}

func (t *Traffic) ringMember(a *member, r ringPlan, k int) {
	a.role, a.country, a.group = roleClient, r.country, r.idx
	a.created = r.base + int64(k)*t.uniform(5*time.Minute, 50*time.Minute)
	t.kit(a)
	a.account.Identity = domain.IdentityUnverified
	if t.rng.IntN(5) == 0 {
		a.account.Identity = domain.IdentityPending
	}
	switch {
	case r.farm:
		a.ip = r.ip // the farm's proxy
	case t.rng.IntN(2) == 0:
		a.devices[0] = t.accts[r.owner].devices[0] // made on the owner's laptop
	default:
		a.ip = r.ip // on the owner's home network
	}
}

// afterSignup starts what a new account came to do.
func (t *Traffic) afterSignup(a *member, at int64) {
	switch a.trait {
	case evader:
		t.label("multiple_accounts", a.idx)
		if a.variant == evPayout {
			t.plan(at+t.uniform(30*time.Minute, 6*time.Hour), a.idx, "payout_method_change",
				t.sessionFields(a, map[string]any{"payout_instrument": a.payout, "method": "bank_account"}), "")
		}
	case spamBot:
		t.spam(a, at+t.uniform(2*time.Minute, 3*time.Hour), t.rng.IntN(4) == 0)
	case cardTester:
		t.cardTesting(a, at+t.uniform(5*time.Minute, 2*time.Hour), t.rng.IntN(4) == 0)
	case puppet, farmer:
		t.fakeReview(a, at)
	}
}

// fakeReview: a contract with the ring's owner, a payment, and five stars.
func (t *Traffic) fakeReview(a *member, at int64) {
	r := t.rings[a.group]
	owner := &t.accts[r.owner]
	ct := t.contractID()
	amount := float64(10 + t.rng.IntN(40))
	if !r.farm {
		amount = float64(50 + t.rng.IntN(300))
	}
	contractAt := at + t.uniform(10*time.Minute, 90*time.Minute)
	payAt := contractAt + t.uniform(10*time.Minute, 90*time.Minute)
	var reviewAt int64
	if r.farm {
		reviewAt = max(payAt+t.uniform(5*time.Minute, 40*time.Minute), r.base+6*hourMs+t.uniform(0, 10*time.Hour))
	} else {
		reviewAt = payAt + t.uniform(time.Hour, 8*time.Hour)
	}
	t.plan(contractAt, a.idx, "contract", map[string]any{"counterpart": owner.account.ID, "contract": ct, "amount": amount,
		"currency": owner.currency, "milestones": float64(1), "kind": "fixed"}, "")
	t.plan(payAt, a.idx, "payment", map[string]any{"counterpart": owner.account.ID, "contract": ct, "amount": amount,
		"currency": owner.currency, "method": "card", "card": a.card, "status": "succeeded"}, "")
	p := t.plan(reviewAt, a.idx, "review", map[string]any{"counterpart": owner.account.ID, "contract": ct, "rating": float64(5),
		"text": t.pick(fakeReviewTexts)}, "fake_reviews")
	p.after = func(t *Traffic, at int64) {
		t.label("fake_reviews", r.owner)
		if !r.farm && t.rng.IntN(10) < 7 {
			// The owner returns the favour: five stars for the "client".
			t.plan(at+t.uniform(10*time.Minute, 3*time.Hour), r.owner, "review", map[string]any{"counterpart": a.account.ID,
				"contract": ct, "rating": float64(5), "text": t.pick(reviewTexts[5])}, "fake_reviews")
		}
	}
}

// spam sends one pitch to many accounts: fast (30+ in an hour, which the rules see) or slow
// (never 30 within an hour, which they miss).
func (t *Traffic) spam(a *member, at int64, slow bool) {
	pitch := t.fill(t.pick(spamMessages), "", "")
	var everyone []int32
	everyone = append(append(everyone, t.freelancers...), t.clients...)
	if len(everyone) < 40 {
		return
	}
	k, gap := 32+t.rng.IntN(40), func() int64 { return t.uniform(10*time.Second, 70*time.Second) }
	if slow {
		k, gap = 60+t.rng.IntN(40), func() int64 { return t.uniform(140*time.Second, 190*time.Second) }
	}
	seen := map[int32]bool{a.idx: true}
	for sent := 0; sent < k; {
		o := everyone[t.rng.IntN(len(everyone))]
		if seen[o] {
			continue
		}
		seen[o] = true
		t.plan(at, a.idx, "message", map[string]any{"counterpart": t.accts[o].account.ID, "text": pitch}, "spam")
		at += gap()
		sent++
	}
}

// cardTesting tries stolen cards with small payments: fast (the rules see the burst) or slow
// (under every threshold).
func (t *Traffic) cardTesting(a *member, at int64, slow bool) {
	if len(t.freelancers) == 0 {
		return
	}
	to := t.accts[t.freelancers[t.rng.IntN(len(t.freelancers))]].account.ID
	k, gap, fails := 10+t.rng.IntN(15), func() int64 { return t.uniform(20*time.Second, 150*time.Second) }, 100
	if slow {
		k, gap, fails = 6+t.rng.IntN(4), func() int64 { return t.uniform(25*time.Minute, 50*time.Minute) }, 4
	}
	for range k {
		status := "succeeded"
		if fails > 0 && t.rng.IntN(100) < 65 {
			status = t.pick([]string{"failed", "declined"})
			fails--
		}
		t.plan(at, a.idx, "payment", map[string]any{"counterpart": to, "amount": float64(100+t.rng.IntN(400)) / 100,
			"currency": "USD", "method": "card", "card": t.hex("card_"), "status": status}, "fraud")
		at += gap()
	}
}

// ---- patterns of established accounts, injected as a Poisson process for as long as the
// traffic runs

type pattern struct {
	name    string
	per48h  float64 // accounts per 48 hours, as a fraction of the population
	inject  func(t *Traffic, at int64) bool
	comment string
}

var patterns = []pattern{
	{"account_takeover", 0.006, (*Traffic).takeover, "new device, new country and a payout change within hours; a quarter through a proxy in the victim's country"},
	{"chargebacks", 0.003, (*Traffic).chargebacks, "two or three chargebacks, within an hour or spread over a day"},
	{"card_testing", 0.001, func(t *Traffic, at int64) bool {
		a := t.pickAccount(func(a *member) bool { return a.role == roleClient })
		if a == nil {
			return false
		}
		t.cardTesting(a, at, t.rng.IntN(4) == 0)
		return true
	}, "an established client's account tries stolen cards"},
	{"off_platform", 0.012, (*Traffic).offPlatform, "one to three messages asking to pay outside; a quarter in words the rules do not know"},
	{"spam", 0.001, func(t *Traffic, at int64) bool {
		a := t.pickAccount(func(a *member) bool { return a.loggedIn })
		if a == nil {
			return false
		}
		c := t.pick(attackerCountries)
		t.plan(at, a.idx, "login", map[string]any{"ip": t.ip(countryIndex[c]), "country": c, "device_id": t.hex("dev_"), "client": "web"}, "")
		t.spam(a, at+t.uniform(time.Minute, 10*time.Minute), false)
		return true
	}, "a taken-over account sends a pitch to everyone"},
	{"review_swap", 0.001, (*Traffic).reviewSwap, "two established freelancers hire each other for five stars: the rules miss it"},
	{"noise_batch_payer", 0.0015, (*Traffic).batchPayer, "honest: a business releases ten or more milestones in one sitting"},
	{"noise_recruiter", 0.001, (*Traffic).recruiter, "honest: a business invites thirty or more freelancers to a job"},
	{"noise_traveller", 0.0015, (*Traffic).traveller, "honest: abroad, a new phone, and a new payout account"},
	{"noise_coworking", 0.0005, (*Traffic).coworking, "honest: a client and a freelancer from one coworking space work together and review each other"},
}

func (t *Traffic) injectGap(p int) int64 {
	rate := patterns[p].per48h * float64(len(t.accts)) * t.intensity / float64(2*dayMs) // per ms
	if rate <= 0 {
		return math.MaxInt64 / 4
	}
	return int64(t.rng.ExpFloat64() / rate)
}

func (t *Traffic) inject(p int, at int64) {
	patterns[p].inject(t, at)
}

// pickAccount picks an established, honest account that no pattern has used yet.
func (t *Traffic) pickAccount(ok func(a *member) bool) *member {
	for range 100 {
		a := &t.accts[t.rng.IntN(len(t.accts))]
		if a.active && !a.pool && !a.cheating && a.trait == honest && !a.misleading && ok(a) {
			a.cheating = true
			return a
		}
	}
	return nil
}

func (t *Traffic) takeover(at int64) bool {
	v := t.pickAccount(func(a *member) bool { return a.loggedIn && at >= a.travelUntil })
	if v == nil {
		return false
	}
	c := countries[v.country].code
	if t.rng.IntN(4) != 0 {
		for c == countries[v.country].code {
			c = t.pick(attackerCountries)
		}
	} // else a residential proxy in the victim's own country
	f := func() map[string]any {
		return map[string]any{"ip": t.ip(countryIndex[c]), "country": c, "device_id": "", "client": "web"}
	}
	dev := t.hex("dev_")
	ip := t.ip(countryIndex[c])
	login := f()
	login["device_id"], login["ip"] = dev, ip
	t.plan(at, v.idx, "login", login, "fraud")
	if t.rng.IntN(2) == 0 {
		again := f()
		again["device_id"], again["ip"] = dev, ip
		t.plan(at+t.uniform(time.Minute, 8*time.Minute), v.idx, "login", again, "")
	}
	instr := t.hex("po_")
	t.plan(at+t.uniform(4*time.Minute, 90*time.Minute), v.idx, "payout_method_change", map[string]any{"ip": ip, "country": c,
		"device_id": dev, "payout_instrument": instr, "method": t.pick([]string{"paypal", "bank_account", "payoneer"})}, "")
	return true
}

func (t *Traffic) chargebacks(at int64) bool {
	a := t.pickAccount(func(a *member) bool { return a.role == roleClient })
	if a == nil || len(t.freelancers) == 0 {
		return false
	}
	slow := t.rng.IntN(10) < 4
	for range 2 + t.rng.IntN(2) {
		to := t.freelancers[t.rng.IntN(len(t.freelancers))]
		if i := t.pickEng(a, func(e *engagement) bool { return e.state >= engActive }); i >= 0 {
			to = t.eng[i].freelancer
		}
		t.plan(at, a.idx, "payment", map[string]any{"counterpart": t.accts[to].account.ID, "contract": t.contractID(),
			"amount": float64(100 + t.rng.IntN(1400)), "currency": a.currency, "method": "card", "card": a.card,
			"status": "chargeback"}, "fraud")
		if slow {
			at += t.uniform(5*time.Hour, 20*time.Hour)
		} else {
			at += t.uniform(3*time.Minute, 25*time.Minute)
		}
	}
	return true
}

func (t *Traffic) offPlatform(at int64) bool {
	a := t.pickAccount(func(a *member) bool {
		return len(a.eng) > 0 && (a.role != roleClient || t.rng.IntN(4) == 0)
	})
	if a == nil {
		return false
	}
	subtle := t.rng.IntN(4) == 0
	for n := range 1 + t.rng.IntN(3) {
		i := t.pickEng(a, func(e *engagement) bool { return true })
		if i < 0 {
			break
		}
		o := t.other(&t.eng[i], a.idx)
		text := t.fill(t.pick(offPlatformMessages), firstName(o), "")
		if subtle || n > 0 && t.rng.IntN(10) < 3 {
			text = t.pick(subtleOffPlatformMessages)
		}
		f := map[string]any{"counterpart": o.account.ID, "text": text}
		if c := t.eng[i].contract; c != "" {
			f["contract"] = c
		}
		t.plan(at, a.idx, "message", f, "off_platform_payment")
		at += t.uniform(10*time.Minute, 10*time.Hour)
	}
	return true
}

// reviewSwap: two freelancers of long standing, on their own devices and networks, hire each
// other for a token job and leave five stars each.
func (t *Traffic) reviewSwap(at int64) bool {
	x := t.pickAccount(func(a *member) bool { return a.role != roleClient })
	if x == nil {
		return false
	}
	y := t.pickAccount(func(a *member) bool { return a.role != roleClient && a.idx != x.idx })
	if y == nil {
		return false
	}
	for k, pair := range [2][2]*member{{x, y}, {y, x}} {
		from, to := pair[0], pair[1]
		ct := t.contractID()
		amount := float64(20 + t.rng.IntN(60))
		start := at + int64(k)*t.uniform(time.Hour, 6*time.Hour)
		t.plan(start, from.idx, "contract", map[string]any{"counterpart": to.account.ID, "contract": ct, "amount": amount,
			"currency": to.currency, "milestones": float64(1), "kind": "fixed"}, "")
		t.plan(start+t.uniform(30*time.Minute, 3*time.Hour), from.idx, "payment", map[string]any{"counterpart": to.account.ID,
			"contract": ct, "amount": amount, "currency": to.currency, "method": "balance", "status": "succeeded"}, "")
		t.plan(start+t.uniform(4*time.Hour, 10*time.Hour), from.idx, "review", map[string]any{"counterpart": to.account.ID,
			"contract": ct, "rating": float64(5), "text": t.pick(reviewTexts[5])}, "fake_reviews")
	}
	return true
}

func (t *Traffic) batchPayer(at int64) bool {
	a := t.pickAccount(func(a *member) bool { return a.account.Type == domain.Business && a.card != "" })
	if a == nil || len(t.freelancers) == 0 {
		return false
	}
	for range 10 + t.rng.IntN(6) {
		to := &t.accts[t.freelancers[t.rng.IntN(len(t.freelancers))]]
		t.plan(at, a.idx, "payment", map[string]any{"counterpart": to.account.ID, "contract": t.contractID(),
			"amount": float64(max(to.rate, 10) * (4 + t.rng.IntN(30))), "currency": to.currency, "method": "card", "card": a.card,
			"status": "succeeded"}, "")
		at += t.uniform(30*time.Second, 4*time.Minute)
	}
	return true
}

func (t *Traffic) recruiter(at int64) bool {
	a := t.pickAccount(func(a *member) bool { return a.role == roleClient && a.account.Type == domain.Business })
	if a == nil || len(t.freelancers) < 60 {
		return false
	}
	seen := map[int32]bool{}
	skill := t.pick([]string{"React", "Python", "Figma", "SEO", "translation", "video editing"})
	for sent := 0; sent < 30+t.rng.IntN(11); {
		f := t.freelancers[t.rng.IntN(len(t.freelancers))]
		if seen[f] {
			continue
		}
		seen[f] = true
		sent++
		t.plan(at, a.idx, "message", map[string]any{"counterpart": t.accts[f].account.ID,
			"text": t.fill(t.pick(recruiterMessages), firstName(&t.accts[f]), skill)}, "")
		at += t.uniform(20*time.Second, 80*time.Second)
	}
	return true
}

func (t *Traffic) traveller(at int64) bool {
	a := t.pickAccount(func(a *member) bool { return a.role != roleClient && a.loggedIn && at >= a.travelUntil })
	if a == nil {
		return false
	}
	t.travel(a, at, true)
	where := func() map[string]any {
		return map[string]any{"ip": a.travelIP, "country": countries[a.travelCountry].code, "device_id": a.travelDevice}
	}
	login := where()
	login["client"] = t.pick([]string{"ios", "android"})
	t.plan(at, a.idx, "login", login, "")
	change := where()
	a.payout = t.hex("po_")
	change["payout_instrument"], change["method"] = a.payout, t.pick([]string{"bank_account", "payoneer"})
	t.plan(at+t.uniform(time.Hour, 10*time.Hour), a.idx, "payout_method_change", change, "")
	return true
}

// coworking: a client and a freelancer who share a coworking space (and its address) do a real
// job together and review each other: linked accounts, honest reviews.
func (t *Traffic) coworking(at int64) bool {
	c := t.pickAccount(func(a *member) bool { return a.role == roleClient })
	if c == nil {
		return false
	}
	f := t.pickAccount(func(a *member) bool { return a.role == roleFreelancer && a.country == c.country })
	if f == nil {
		return false
	}
	ip := t.ip(c.country)
	for k, a := range []*member{c, f} {
		t.plan(at+int64(k)*t.uniform(time.Minute, time.Hour), a.idx, "login", map[string]any{"ip": ip,
			"country": countries[a.country].code, "device_id": a.devices[0], "client": "web"}, "")
	}
	ct := t.contractID()
	amount := float64(max(f.rate, 10) * (5 + t.rng.IntN(20)))
	at += t.uniform(time.Hour, 3*time.Hour)
	t.plan(at, c.idx, "contract", map[string]any{"counterpart": f.account.ID, "contract": ct, "amount": amount,
		"currency": f.currency, "milestones": float64(1), "kind": "fixed"}, "")
	at += t.uniform(3*time.Hour, 20*time.Hour)
	t.plan(at, c.idx, "payment", map[string]any{"counterpart": f.account.ID, "contract": ct, "amount": amount,
		"currency": f.currency, "method": "card", "card": c.card, "status": "succeeded"}, "")
	t.plan(at+t.uniform(10*time.Minute, 2*time.Hour), c.idx, "review", map[string]any{"counterpart": f.account.ID, "contract": ct,
		"rating": float64(5), "text": t.pick(reviewTexts[5])}, "")
	t.plan(at+t.uniform(2*time.Hour, 6*time.Hour), f.idx, "review", map[string]any{"counterpart": c.account.ID, "contract": ct,
		"rating": float64(4 + t.rng.IntN(2)), "text": t.pick(reviewTexts[4])}, "")
	return true
}
