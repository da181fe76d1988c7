package detect

import (
	"context"
	"sort"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/rules"
)

// Labels are known outcomes: for each violation, the accounts known to have committed it.
// Accounts not listed for a violation count as known not to have.
type Labels map[string]map[string]bool

// Backtest replays stored events against a rule set, every rule as if in shadow mode, and
// counts what each rule would have done.
type Backtest struct {
	Engine   *rules.Engine
	Features *rules.Store
	// Account looks up an account for the rules; nil when unknown.
	Account func(id string) *domain.Account
	seen    map[string]bool
	byRule  map[string]*RuleReport
	flagged map[string]map[string]bool // violation → accounts some rule flagged for it
	Events  int
	Errors  int
}

// RuleReport is one rule's figures.
type RuleReport struct {
	Rule      string  `json:"rule"`
	Violation string  `json:"violation,omitempty"`
	Hits      int     `json:"hits"`
	Accounts  int     `json:"accounts"`
	Cases     int     `json:"would_open_cases"` // accounts it would flag for review
	Measures  int     `json:"would_apply_measures"`
	Measure   string  `json:"measure,omitempty"`
	Precision float64 `json:"precision"` // -1 where no outcome is known
	Recall    float64 `json:"recall"`
	accounts  map[string]bool
}

// NewBacktest prepares a replay; standing answers linked-account questions.
func NewBacktest(eng *rules.Engine, account func(string) *domain.Account, standing func(string) domain.Standing) *Backtest {
	return &Backtest{Engine: eng, Features: rules.NewStore(rules.StoreConfig{Standing: standing}), Account: account,
		seen: map[string]bool{}, byRule: map[string]*RuleReport{}, flagged: map[string]map[string]bool{}}
}

// Feed replays one event.
func (b *Backtest) Feed(ctx context.Context, ev *domain.ActivityEvent) {
	b.Events++
	b.seen[ev.Subject] = true
	acct := b.Account(ev.Subject)
	if acct != nil {
		b.Features.SetCreated(acct.ID, acct.CreatedAt)
	}
	f := b.Features.ObserveSnapshot(ev)
	hits, err := b.Engine.Evaluate(ctx, ev, acct, &f)
	if err != nil {
		b.Errors++
	}
	for _, h := range hits {
		r := b.byRule[h.Rule]
		if r == nil {
			r = &RuleReport{Rule: h.Rule, Violation: h.Outcome.Violation, Measure: h.Outcome.Measure, accounts: map[string]bool{}}
			b.byRule[h.Rule] = r
		}
		r.Hits++
		if r.accounts[ev.Subject] {
			continue
		}
		r.accounts[ev.Subject] = true
		r.Accounts++
		if h.Outcome.Review || h.Outcome.Measure != "" {
			r.Cases++
			if h.Outcome.Violation != "" {
				if b.flagged[h.Outcome.Violation] == nil {
					b.flagged[h.Outcome.Violation] = map[string]bool{}
				}
				b.flagged[h.Outcome.Violation][ev.Subject] = true
			}
		}
		if h.Outcome.Measure != "" {
			r.Measures++
		}
	}
}

// PackReport is the figures of all rules for one violation together.
type PackReport struct {
	Violation string  `json:"violation"`
	Known     int     `json:"known_positive_accounts"`
	Flagged   int     `json:"flagged_accounts"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// Report returns per-rule figures and, per violation, the pack's; precision and recall are
// computed against labels over the accounts the replay saw (-1 when no outcome is known).
func (b *Backtest) Report(labels Labels) ([]RuleReport, []PackReport) {
	var rs []RuleReport
	for _, r := range b.byRule {
		r.Precision, r.Recall = score(r.accounts, labels[r.Violation], b.seen, r.Violation != "" && labels != nil)
		rs = append(rs, *r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Rule < rs[j].Rule })
	var ps []PackReport
	for v, pos := range labels {
		p := PackReport{Violation: v, Flagged: len(b.flagged[v])}
		for id := range pos {
			if b.seen[id] {
				p.Known++
			}
		}
		p.Precision, p.Recall = score(b.flagged[v], pos, b.seen, true)
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Violation < ps[j].Violation })
	return rs, ps
}

// score returns precision and recall of flagged against the known positives among seen.
func score(flagged, positive, seen map[string]bool, known bool) (float64, float64) {
	if !known {
		return -1, -1
	}
	tp, fp, fn := 0, 0, 0
	for id := range flagged {
		if positive[id] {
			tp++
		} else {
			fp++
		}
	}
	for id := range positive {
		if seen[id] && !flagged[id] {
			fn++
		}
	}
	precision, recall := -1.0, -1.0
	if tp+fp > 0 {
		precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		recall = float64(tp) / float64(tp+fn)
	}
	return precision, recall
}
