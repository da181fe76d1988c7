package rules

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

func rule(expr string, o Outcome) Rule {
	return Rule{Name: "r", Version: 1, Expr: expr, Outcome: o}
}

var scoreOnly = Outcome{Score: 10}

func TestCompileRefuses(t *testing.T) {
	cases := []struct {
		name string
		r    Rule
		want []string // each must appear in the error
	}{
		{"syntax error with position", rule(`event.type == `, scoreOnly), []string{"expr 1:15: Syntax error", "| event.type ==", "^"}},
		{"unbalanced", rule(`(features.logins_1h > 3`, scoreOnly), []string{"expr 1:", "Syntax error"}},
		{"result not bool", rule(`features.logins_1h`, scoreOnly), []string{"must return bool, but returns int"}},
		{"result dyn", rule(`event.data.flag`, scoreOnly), []string{"returns dyn", "event.data.flag == true"}},
		{"unknown feature", rule(`features.logins_1hh > 1`, scoreOnly), []string{"expr 1:1: unknown feature features.logins_1hh (did you mean features.logins_1h?)"}},
		{"unknown event field", rule(`event.type == "login" && event.tpye == "x"`, scoreOnly), []string{"expr 1:26: unknown event field event.tpye (did you mean event.type?)"}},
		{"unknown account field", rule(`account.contry == "DE"`, scoreOnly), []string{"unknown account field account.contry (did you mean account.country?)"}},
		{"unknown variable", rule(`evnt.type == "login"`, scoreOnly), []string{"undeclared reference to 'evnt.type'"}},
		{"wrong operand type", rule(`features.logins_1h > "3"`, scoreOnly), []string{"expr 1:20:", "no matching overload"}},
		{"unknown function", rule(`contact(event.data.?text.orValue(""))`, scoreOnly), []string{"undeclared reference to 'contact'"}},
		{"runaway nested loops", rule(`event.data.items.all(x, event.data.items.all(y, x != y))`, scoreOnly),
			[]string{"this rule could run away: estimated cost", "exceeds 1000000; narrow it"}},
		{"runaway triple loop", rule(`event.data.a.exists(x, event.data.a.exists(y, event.data.a.exists(z, x == y && y == z)))`, scoreOnly),
			[]string{"could run away"}},
		{"measure where the policy asks review", rule(`true`, Outcome{Measure: "hold", Violation: "fraud"}),
			[]string{`outcome.measure: the policy says automation: review for violation "fraud"`, "use review: true"}},
		{"escalate where the policy asks review", rule(`true`, Outcome{Measure: "escalate", Violation: "multiple_accounts"}),
			[]string{"automation: review", "use review: true"}},
		{"unknown violation", rule(`true`, Outcome{Review: true, Violation: "frod"}), []string{`unknown violation "frod"`, "fraud, misleading_profile"}},
		{"unknown measure", rule(`true`, Outcome{Measure: "ban", Violation: "spam"}), []string{`unknown measure "ban"`}},
		{"closure", rule(`true`, Outcome{Measure: "closure", Violation: "spam"}), []string{"may not start a closure"}},
		{"closure_pending", rule(`true`, Outcome{Measure: "closure_pending", Violation: "spam"}), []string{"may not start a closure"}},
		{"review without violation", rule(`true`, Outcome{Review: true}), []string{"outcome.violation: review and measure need the violation"}},
		{"outcome does nothing", rule(`true`, Outcome{}), []string{"the outcome does nothing"}},
		{"score out of range", rule(`true`, Outcome{Score: 5000}), []string{"outcome.score: must be 0 to 1000"}},
		{"bad tag", rule(`true`, Outcome{Tag: "Has Spaces"}), []string{"outcome.tag"}},
		{"empty expression", rule(` `, scoreOnly), []string{"expr: a rule needs an expression"}},
		{"no name", Rule{Version: 1, Expr: "true", Outcome: scoreOnly}, []string{`rule "(unnamed)"`, "name: a rule needs a name"}},
		{"bad name", Rule{Name: "Bad Name", Version: 1, Expr: "true", Outcome: scoreOnly}, []string{"name: use lower-case"}},
		{"version 0", Rule{Name: "r", Expr: "true", Outcome: scoreOnly}, []string{"version: must be 1 or more"}},
		{"bad mode", Rule{Name: "r", Version: 1, Mode: "passive", Expr: "true", Outcome: scoreOnly}, []string{`mode: must be "active" or "shadow"`}},
		{"too long", rule(strings.Repeat("true && ", 2000)+"true", scoreOnly), []string{"at most 8192"}},
		{"every problem at once", Rule{Name: "r", Mode: "x", Expr: "1", Outcome: Outcome{Measure: "hold", Violation: "fraud"}},
			[]string{"version:", "mode:", "outcome.measure:", "must return bool"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.r, nil)
			if err == nil {
				t.Fatalf("compiled; want an error with %q", c.want)
			}
			var ce *CompileError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error %T %v is not a *CompileError with problems", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestCompileAccepts(t *testing.T) {
	cases := []Rule{
		rule(`features.logins_1h > 20`, scoreOnly),
		rule(`event.time > timestamp("2026-01-01T00:00:00Z") && account.age_days < 2`, Outcome{Tag: "new"}),
		rule(`event.data.?amount.orValue(0) > 1000.0 && event.data.?currency.orValue("") == "EUR"`, Outcome{Review: true, Violation: "fraud"}),
		rule(`event.data.?items.orValue([]).exists(x, x == "gift card")`, scoreOnly),
		rule(`event.type == "message" && pay_outside(event.data.?text.orValue(""))`, Outcome{Measure: "escalate", Violation: "off_platform_payment"}),
		rule(`features.messages_distinct_counterparts_1h > 50`, Outcome{Measure: "warning", Violation: "spam"}),
		rule(`account.identity_status != "verified" && features.payouts_24h > 0`, Outcome{Measure: "restriction", Violation: "identity_unverified"}),
		rule(`account.profile.?title.orValue("").lowerAscii().contains("paypal")`, scoreOnly),
		rule(`event.data.?text.orValue("").matches("(?i)wire me")`, scoreOnly),
		{Name: "shadowed", Version: 3, Mode: Shadow, Expr: "features.new_device", Outcome: Outcome{Review: true, Violation: "fraud"}},
	}
	for _, r := range cases {
		// payouts_24h is not a feature: that case must fail, the rest pass.
		c, err := Compile(r, nil)
		if strings.Contains(r.Expr, "payouts_24h") {
			if err == nil {
				t.Errorf("%s: compiled a rule that reads a feature that does not exist", r.Expr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", r.Expr, err)
			continue
		}
		if c.Cost.Max > DefaultLimits.MaxEstimatedCost || c.Rule.Mode == "" {
			t.Errorf("%s: cost %v, mode %q", r.Expr, c.Cost, c.Rule.Mode)
		}
	}
}

func TestCompileUsesTheGivenPolicy(t *testing.T) {
	pol := policy.Default()
	// A copy of the default policy whose fraud rules may be automated.
	fraud := *pol.Violations["fraud"]
	fraud.Automation = true
	custom := &policy.Policy{Violations: map[string]*policy.Violation{"fraud": &fraud}, Order: []string{"fraud"}}
	r := rule(`features.chargebacks_1h >= 3`, Outcome{Measure: "hold", Violation: "fraud"})
	if _, err := Compile(r, nil); err == nil {
		t.Error("the default policy let a rule hold for fraud without review")
	}
	if _, err := Compile(r, custom); err != nil {
		t.Errorf("a policy with automation: allowed refused the measure: %v", err)
	}
}

func TestReferencedFeaturesAreEvidence(t *testing.T) {
	c, err := Compile(rule(`features.payments_1h >= 10 || features.chargebacks_1h >= 2 || features.payments_1h > 100`, scoreOnly), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, i := range c.Features {
		names = append(names, FeatureDefs()[i].Name)
	}
	if fmt.Sprint(names) != "[payments_1h chargebacks_1h]" {
		t.Errorf("features read: %v", names)
	}
}

func TestHelpers(t *testing.T) {
	cases := []struct {
		text                  string
		contact, handle, away bool
	}{
		{"Thanks, I'll send the draft tomorrow.", false, false, false},
		{"Write to me at jane.doe+work@gmail.com", true, false, false},
		{"jane dot doe at gmail dot com", true, false, false},
		{"order #A1234567890B ships today", false, false, false},
		{"jane at gmail dot com", true, false, false},
		{"Call me on +44 20 7946 0958", true, false, false},
		{"my number is 0176 1234 5678", true, false, false},
		{"Deadline 2026-09-14 12:00, budget 1,500 EUR", false, false, false},
		{"Add me on WhatsApp", true, false, false},
		{"Send it to my PayPal", false, true, false},
		{"venmo or zelle works", false, true, false},
		{"cash app $janedoe", false, true, false},
		{"echo $HOME and $this->name", false, false, false},
		{"pay via Wise please", false, true, false},
		{"that's a wise choice", false, false, false},
		{"IBAN DE89 3704 0044 0532 0130 00", false, true, false},
		{"USDT to 0x52908400098527886E0F7030069857D2E4169EE7", false, true, false},
		{"I know cryptography well", false, false, false},
		{"Can you pay me directly? We avoid the fees", false, false, true},
		{"let's continue outside the platform", false, false, true},
		{"bank transfer is easier", false, false, true},
		{"I pay outside of upwork", false, false, true},
	}
	for _, c := range cases {
		if got := contactInfo(c.text); got != c.contact {
			t.Errorf("contact_info(%q) = %v", c.text, got)
		}
		if got := paymentHandle(c.text); got != c.handle {
			t.Errorf("payment_handle(%q) = %v", c.text, got)
		}
		if got := payOutside(c.text); got != c.away {
			t.Errorf("pay_outside(%q) = %v", c.text, got)
		}
	}
}

// scenario is a short history of events; the rule under test is evaluated on each event, with
// features from a store fed with the events so far.
type scenario struct {
	events   []*domain.ActivityEvent
	accounts map[string]domain.Account
	closed   []string
}

// run evaluates every event of sc with the default rules and returns the hits per event.
func (sc scenario) run(t *testing.T) [][]Hit {
	t.Helper()
	closed := map[string]bool{}
	for _, id := range sc.closed {
		closed[id] = true
	}
	store := NewStore(StoreConfig{Standing: func(id string) domain.Standing {
		if closed[id] {
			return domain.Closed
		}
		return domain.Good
	}})
	for id, a := range sc.accounts {
		store.SetCreated(id, a.CreatedAt)
	}
	eng := NewEngine(nil, Limits{})
	if _, err := eng.Set(DefaultRules()); err != nil {
		t.Fatal(err)
	}
	var out [][]Hit
	for _, e := range sc.events {
		f := store.ObserveSnapshot(e)
		var acct *domain.Account
		if a, ok := sc.accounts[e.Subject]; ok {
			acct = &a
		}
		hits, err := eng.Evaluate(context.Background(), e, acct, &f)
		if err != nil {
			t.Fatalf("event %s: %v", e.ID, err)
		}
		out = append(out, hits)
	}
	return out
}

func hitOf(hits []Hit, name string) *Hit {
	for i := range hits {
		if hits[i].Rule == name {
			return &hits[i]
		}
	}
	return nil
}

func account(id, country string, identity domain.IdentityStatus, created time.Time, profile map[string]string) domain.Account {
	return domain.Account{ID: id, Type: domain.Private, Country: country, Language: "en", Identity: identity, CreatedAt: created, Profile: profile}
}

func messages(subject string, n, counterparts int, spacing time.Duration) []*domain.ActivityEvent {
	var evs []*domain.ActivityEvent
	for i := range n {
		evs = append(evs, ev(subject, "message", t0.Add(time.Duration(i)*spacing), "counterpart", fmt.Sprint("c", i%counterparts), "text", "Hello, is the job still open?"))
	}
	return evs
}

func payments(subject string, n int, spacing time.Duration, status string) []*domain.ActivityEvent {
	var evs []*domain.ActivityEvent
	for i := range n {
		evs = append(evs, ev(subject, "payment", t0.Add(time.Duration(i)*spacing), "amount", 49.0, "currency", "EUR", "status", status))
	}
	return evs
}

func TestDefaultRules(t *testing.T) {
	old := t0.Add(-400 * 24 * time.Hour)
	fresh := t0.Add(-2 * 24 * time.Hour)
	cases := []struct {
		rule     string
		positive scenario
		negative scenario
		evidence map[string]any // features the positive hit must record
	}{
		{
			rule: "account_takeover",
			positive: scenario{events: []*domain.ActivityEvent{
				ev("v", "login", t0.Add(-72*time.Hour), "device_id", "laptop", "country", "DE", "ip", "1.1.1.1"),
				ev("v", "login", t0, "device_id", "unknown-phone", "country", "NG", "ip", "2.2.2.2"),
				ev("v", "payout_method_change", t0.Add(10*time.Minute), "payout_instrument", "acct-fp-99"),
			}},
			// A new phone, at home: no new country.
			negative: scenario{events: []*domain.ActivityEvent{
				ev("v", "login", t0.Add(-72*time.Hour), "device_id", "laptop", "country", "DE"),
				ev("v", "login", t0, "device_id", "new-phone", "country", "DE"),
				ev("v", "payout_method_change", t0.Add(10*time.Minute), "payout_instrument", "acct-fp-99"),
			}},
			evidence: map[string]any{"new_devices_24h": int64(1), "new_countries_24h": int64(1), "payout_changes_24h": int64(1)},
		},
		{
			rule: "impossible_travel",
			positive: scenario{events: []*domain.ActivityEvent{
				ev("v", "login", t0, "country", "DE"), ev("v", "login", t0.Add(10*time.Minute), "country", "US"),
				ev("v", "login", t0.Add(20*time.Minute), "country", "JP"),
			}},
			negative: scenario{events: []*domain.ActivityEvent{
				ev("v", "login", t0, "country", "DE"), ev("v", "login", t0.Add(10*time.Minute), "country", "DE"),
				ev("v", "login", t0.Add(3*time.Hour), "country", "FR"), ev("v", "login", t0.Add(5*time.Hour), "country", "US"),
			}},
		},
		{
			rule:     "payment_velocity",
			positive: scenario{events: payments("p", 10, 3*time.Minute, "succeeded")},
			negative: scenario{events: payments("p", 10, 10*time.Minute, "succeeded")},
			evidence: map[string]any{"payments_1h": int64(10)},
		},
		{
			rule:     "payment_velocity", // failures
			positive: scenario{events: payments("p", 5, time.Minute, "declined")},
			negative: scenario{events: payments("p", 4, time.Minute, "declined")},
		},
		{
			rule: "off_platform_payment",
			positive: scenario{events: []*domain.ActivityEvent{
				ev("f", "message", t0, "counterpart", "c", "text", "Great! To save on fees, can you pay me directly? My PayPal is below."),
			}},
			negative: scenario{events: []*domain.ActivityEvent{
				ev("f", "message", t0, "counterpart", "c", "text", "Great! I'll start on the milestone today and send a draft on Friday."),
				ev("f", "login", t0, "text", "pay me directly"), // not a message
				ev("f", "message", t0, "counterpart", "c"),      // no text
			}},
		},
		{
			rule: "contact_info_shared",
			positive: scenario{events: []*domain.ActivityEvent{
				ev("f", "message", t0, "counterpart", "c", "text", "Easier by mail: lena.h@example.org"),
			}},
			negative: scenario{events: []*domain.ActivityEvent{
				ev("f", "message", t0, "counterpart", "c", "text", "The invoice number is 2026-09-14."),
			}},
		},
		{
			rule: "multiple_accounts_closed_link",
			positive: scenario{closed: []string{"banned"}, events: []*domain.ActivityEvent{
				ev("banned", "login", t0.Add(-20*24*time.Hour), "device_id", "fp-123"),
				ev("again", "signup", t0, "device_id", "fp-123", "country", "DE"),
			}},
			negative: scenario{closed: []string{"banned"}, events: []*domain.ActivityEvent{
				ev("banned", "login", t0.Add(-20*24*time.Hour), "device_id", "fp-123", "ip", "5.5.5.5"),
				ev("neighbour", "signup", t0, "device_id", "fp-456", "ip", "5.5.5.5"), // same IP only
				ev("friend", "login", t0, "device_id", "fp-789"),
				ev("friend2", "login", t0, "device_id", "fp-789"), // linked, but not to a closed account
			}},
			evidence: map[string]any{"linked_closed_accounts": int64(1)},
		},
		{
			rule: "fake_reviews_linked",
			positive: scenario{events: []*domain.ActivityEvent{
				ev("seller", "login", t0, "device_id", "shared"),
				ev("buyer", "login", t0.Add(time.Minute), "device_id", "shared"),
				ev("buyer", "review", t0.Add(2*time.Minute), "counterpart", "seller", "rating", 5),
			}},
			negative: scenario{events: []*domain.ActivityEvent{
				ev("seller", "login", t0, "device_id", "d1"),
				ev("buyer", "login", t0.Add(time.Minute), "device_id", "d2"),
				ev("buyer", "review", t0.Add(2*time.Minute), "counterpart", "seller", "rating", 5),
			}},
		},
		{
			rule: "fake_reviews_new_accounts",
			positive: scenario{
				accounts: map[string]domain.Account{
					"n1": account("n1", "DE", domain.IdentityUnverified, fresh, nil),
					"n2": account("n2", "DE", domain.IdentityUnverified, fresh, nil),
					"n3": account("n3", "DE", domain.IdentityUnverified, fresh, nil),
				},
				events: []*domain.ActivityEvent{
					ev("n1", "review", t0, "counterpart", "seller", "rating", 5),
					ev("n2", "review", t0.Add(time.Hour), "counterpart", "seller", "rating", 5),
					ev("n3", "review", t0.Add(2*time.Hour), "counterpart", "seller", "rating", 5),
				}},
			negative: scenario{
				accounts: map[string]domain.Account{
					"o1": account("o1", "DE", domain.IdentityVerified, old, nil),
					"o2": account("o2", "DE", domain.IdentityVerified, old, nil),
					"o3": account("o3", "DE", domain.IdentityVerified, old, nil),
					"n4": account("n4", "DE", domain.IdentityVerified, fresh, nil),
				},
				events: []*domain.ActivityEvent{
					ev("o1", "review", t0, "counterpart", "seller", "rating", 5),
					ev("o2", "review", t0.Add(time.Hour), "counterpart", "seller", "rating", 5),
					ev("o3", "review", t0.Add(2*time.Hour), "counterpart", "seller", "rating", 5),
					ev("n4", "review", t0.Add(3*time.Hour), "counterpart", "seller", "rating", 4),
				}},
			evidence: map[string]any{"counterpart_five_star_reviews_from_new_24h": int64(3)},
		},
		{
			rule: "fake_reviews_beneficiary",
			positive: scenario{
				accounts: map[string]domain.Account{
					"n1":     account("n1", "DE", domain.IdentityUnverified, fresh, nil),
					"n2":     account("n2", "DE", domain.IdentityUnverified, fresh, nil),
					"n3":     account("n3", "DE", domain.IdentityUnverified, fresh, nil),
					"seller": account("seller", "DE", domain.IdentityVerified, old, nil),
				},
				events: []*domain.ActivityEvent{
					ev("n1", "review", t0, "counterpart", "seller", "rating", 5),
					ev("n2", "review", t0.Add(time.Hour), "counterpart", "seller", "rating", 5),
					ev("n3", "review", t0.Add(2*time.Hour), "counterpart", "seller", "rating", 5),
					ev("seller", "login", t0.Add(3*time.Hour), "country", "DE", "device_id", "d-s"),
				}},
			negative: scenario{
				accounts: map[string]domain.Account{
					"o1":     account("o1", "DE", domain.IdentityVerified, old, nil),
					"o2":     account("o2", "DE", domain.IdentityVerified, old, nil),
					"o3":     account("o3", "DE", domain.IdentityVerified, old, nil),
					"seller": account("seller", "DE", domain.IdentityVerified, old, nil),
				},
				events: []*domain.ActivityEvent{
					ev("o1", "review", t0, "counterpart", "seller", "rating", 5),
					ev("o2", "review", t0.Add(time.Hour), "counterpart", "seller", "rating", 5),
					ev("o3", "review", t0.Add(2*time.Hour), "counterpart", "seller", "rating", 5),
					ev("seller", "login", t0.Add(3*time.Hour), "country", "DE", "device_id", "d-s"),
				}},
			evidence: map[string]any{"five_star_reviews_from_new_24h": int64(3)},
		},
		{
			rule: "misleading_profile_country",
			positive: scenario{
				accounts: map[string]domain.Account{"m": account("m", "NG", domain.IdentityVerified, old, map[string]string{"country": "US", "title": "Engineer"})},
				events:   []*domain.ActivityEvent{ev("m", "profile_edit", t0, "field", "country")},
			},
			negative: scenario{
				accounts: map[string]domain.Account{
					"m":  account("m", "US", domain.IdentityVerified, old, map[string]string{"country": "us"}),
					"u":  account("u", "NG", domain.IdentityPending, old, map[string]string{"country": "US"}),
					"np": account("np", "NG", domain.IdentityVerified, old, map[string]string{"title": "Engineer"}),
				},
				events: []*domain.ActivityEvent{ev("m", "profile_edit", t0), ev("u", "profile_edit", t0), ev("np", "profile_edit", t0)},
			},
		},
		{
			rule:     "bulk_messaging",
			positive: scenario{events: messages("s", 30, 30, 90*time.Second)},
			negative: scenario{events: append(messages("s", 29, 29, 90*time.Second), messages("s", 40, 1, time.Second)...)},
			evidence: map[string]any{"messages_distinct_counterparts_1h": int64(30)},
		},
	}
	tested := map[string]bool{}
	for _, c := range cases {
		tested[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			pos := c.positive.run(t)
			h := hitOf(pos[len(pos)-1], c.rule)
			if h == nil {
				t.Fatalf("did not hit the positive case; hits on the last event: %+v", pos[len(pos)-1])
			}
			for name, want := range c.evidence {
				if got := h.Features[name]; got != want {
					t.Errorf("evidence %s = %v (%T), want %v", name, got, got, want)
				}
			}
			last := c.positive.events[len(c.positive.events)-1]
			if h.Version != 1 || h.EventID != last.ID || h.AccountID != last.Subject || !h.At.Equal(last.Time) || h.RuleSet != 1 {
				t.Errorf("hit %+v does not name its rule version, event and rule set", h)
			}
			if c.rule == "multiple_accounts_closed_link" && fmt.Sprint(h.LinkedClosed) != "[banned]" {
				t.Errorf("LinkedClosed = %v", h.LinkedClosed)
			}
			for i, hits := range c.negative.run(t) {
				if hitOf(hits, c.rule) != nil {
					t.Errorf("hit the negative case at event %d (%s)", i, c.negative.events[i].ID)
				}
			}
		})
	}
	for _, r := range DefaultRules() {
		if !tested[r.Name] {
			t.Errorf("default rule %s has no positive and negative case", r.Name)
		}
	}
}

func TestDefaultRulesFollowThePolicy(t *testing.T) {
	pol := policy.Default()
	for _, r := range DefaultRules() {
		o := r.Outcome
		if o.Violation == "" {
			continue
		}
		v := pol.Violations[o.Violation]
		if o.Measure != "" && !v.Automation {
			t.Errorf("%s applies %s for %s, which the policy reviews", r.Name, o.Measure, o.Violation)
		}
		if v.Automation == false && !o.Review {
			t.Errorf("%s: %s needs review but the rule opens no case", r.Name, o.Violation)
		}
	}
}

func TestShadowMode(t *testing.T) {
	eng := NewEngine(nil, Limits{})
	v, err := eng.Set([]Rule{
		{Name: "live", Version: 2, Expr: `event.type == "login"`, Outcome: Outcome{Score: 5, Tag: "login"}},
		{Name: "trial", Version: 7, Mode: Shadow, Expr: `event.type == "login" && features.logins_1h >= 1`,
			Outcome: Outcome{Measure: "warning", Violation: "spam"}},
	})
	if err != nil || v != 1 {
		t.Fatalf("Set: %v, %v", v, err)
	}
	f := Features{}
	_ = f.Set("logins_1h", 4)
	hits, err := eng.Evaluate(context.Background(), ev("a", "login", t0), nil, &f)
	if err != nil || len(hits) != 2 {
		t.Fatalf("hits %+v, err %v", hits, err)
	}
	live, trial := hitOf(hits, "live"), hitOf(hits, "trial")
	if live.Shadow || live.Mode != Active || live.Version != 2 {
		t.Errorf("live hit %+v", live)
	}
	if !trial.Shadow || trial.Mode != Shadow || trial.Version != 7 || trial.Outcome.Measure != "warning" || trial.Features["logins_1h"] != int64(4) {
		t.Errorf("shadow hit %+v", trial)
	}
}

func TestEngineSetIsAllOrNothing(t *testing.T) {
	eng := NewEngine(nil, Limits{})
	good := Rule{Name: "good", Version: 1, Expr: "true", Outcome: scoreOnly}
	if v, err := eng.Set([]Rule{good}); err != nil || v != 1 {
		t.Fatalf("Set: %v %v", v, err)
	}
	_, err := eng.Set([]Rule{good, {Name: "bad", Version: 1, Expr: "1 +", Outcome: scoreOnly}, good})
	if err == nil || !strings.Contains(err.Error(), `rule "bad"`) || !strings.Contains(err.Error(), `rule "good": defined twice`) {
		t.Fatalf("Set with a bad rule and a duplicate: %v", err)
	}
	if rs := eng.Rules(); rs.Version != 1 || len(rs.Rules) != 1 {
		t.Errorf("a failed Set changed the rules: version %d, %d rules", rs.Version, len(rs.Rules))
	}
	if v, _ := eng.Set(nil); v != 2 {
		t.Errorf("next version %d", v)
	}
}

func TestEvaluateReportsRuleErrors(t *testing.T) {
	eng := NewEngine(nil, Limits{})
	if _, err := eng.Set([]Rule{
		{Name: "strict", Version: 1, Expr: `event.data.text == "x"`, Outcome: scoreOnly},
		{Name: "fine", Version: 1, Expr: `true`, Outcome: scoreOnly},
	}); err != nil {
		t.Fatal(err)
	}
	hits, err := eng.Evaluate(context.Background(), ev("a", "login", t0), nil, nil)
	if len(hits) != 1 || hits[0].Rule != "fine" {
		t.Errorf("hits %+v", hits)
	}
	if err == nil || !strings.Contains(err.Error(), `rule "strict" v1`) || !strings.Contains(err.Error(), "no such key") {
		t.Errorf("error %v", err)
	}
}

func TestAccountVariables(t *testing.T) {
	c, err := Compile(rule(`account.id == "a" && account.type == "business" && account.country == "DE" && account.language == "de" &&
		account.identity_status == "verified" && account.age_days == 10 && account.profile.title == "Dev" &&
		event.subject == "a" && event.source == "test" && event.time == timestamp("2026-09-14T10:00:30Z") && event.data.n == 3`, scoreOnly), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := domain.Account{ID: "a", Type: domain.Business, Country: "DE", Language: "de", Identity: domain.IdentityVerified,
		CreatedAt: t0.Add(-10*24*time.Hour - time.Hour), Profile: map[string]string{"title": "Dev"}}
	hit, err := c.Eval(context.Background(), Input{Event: ev("a", "login", t0, "n", 3.0), Account: &a})
	if err != nil || !hit {
		t.Errorf("Eval = %v, %v", hit, err)
	}
	// Without an account the fields are empty and the age comes from the features.
	c2, _ := Compile(rule(`account.id == "" && account.age_days == 4 && size(account.profile) == 0`, scoreOnly), nil)
	f := Features{}
	_ = f.Set("age_days", 4)
	if hit, err := c2.Eval(context.Background(), Input{Event: ev("a", "login", t0), Features: &f}); err != nil || !hit {
		t.Errorf("without account: %v, %v", hit, err)
	}
}

func runawayInput(n int) Input {
	items := make([]any, n)
	for i := range items {
		items[i] = float64(i)
	}
	e := ev("a", "message", t0)
	e.Fields["items"] = items
	return Input{Event: e}
}

func TestCostLimitStopsARunawayRule(t *testing.T) {
	// The estimate refuses this rule; compiled past it, the runtime limit must stop it.
	r := rule(`event.data.items.all(x, event.data.items.all(y, x != y || x == y))`, scoreOnly)
	if _, err := Compile(r, nil); err == nil {
		t.Fatal("the estimate let a nested loop over event data through")
	}
	c, err := CompileWith(r, nil, Limits{MaxEstimatedCost: math.MaxUint64})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	hit, err := c.Eval(context.Background(), runawayInput(5000)) // 25 million steps unchecked
	if !errors.Is(err, ErrCostLimit) || hit {
		t.Fatalf("Eval = %v, %v; want ErrCostLimit", hit, err)
	}
	if !strings.Contains(err.Error(), `rule "r" v1: rule exceeded the runtime cost limit of 1000000`) {
		t.Errorf("message: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
	// A small list is within the limit.
	if hit, err := c.Eval(context.Background(), runawayInput(100)); err != nil || !hit {
		t.Errorf("small list: %v, %v", hit, err)
	}
}

func TestContextStopsARunawayRule(t *testing.T) {
	r := rule(`event.data.items.all(x, event.data.items.all(y, x != y || x == y))`, scoreOnly)
	c, err := CompileWith(r, nil, Limits{MaxEstimatedCost: math.MaxUint64, CostLimit: math.MaxUint64})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Eval(ctx, runawayInput(50000)) // 2.5 billion steps
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Eval error %v; want ErrInterrupted and the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
}

func TestInputsBeyondTheAssumedSizesMeetTheRuntimeLimit(t *testing.T) {
	// Estimated within the limit for lists of up to MaxList items; the event brings far more.
	c, err := Compile(rule(`event.data.items.all(x, x >= 0)`, scoreOnly), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.fast == nil {
		t.Fatal("a rule estimated within the limit has no untracked program")
	}
	small := runawayInput(int(DefaultLimits.MaxList))
	if !newActivation(small).fits(DefaultLimits) {
		t.Error("an event within the assumed sizes does not fit")
	}
	if hit, err := c.Eval(context.Background(), small); err != nil || !hit {
		t.Errorf("within the sizes: %v, %v", hit, err)
	}
	big := runawayInput(600_000)
	if newActivation(big).fits(DefaultLimits) {
		t.Error("an event beyond the assumed sizes fits")
	}
	if _, err := c.Eval(context.Background(), big); !errors.Is(err, ErrCostLimit) {
		t.Errorf("beyond the sizes: %v; want ErrCostLimit", err)
	}
	long := Input{Event: ev("a", "message", t0, "text", strings.Repeat("a", int(DefaultLimits.MaxString)+1))}
	if newActivation(long).fits(DefaultLimits) {
		t.Error("a text longer than MaxString fits")
	}
}
