package rules

import (
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/standing-org/standing/internal/domain"
)

// activation resolves the rules' variables straight from the event, the account and the
// features, converting only what a rule reads. One activation serves every rule evaluated on
// one event, in one goroutine.
type activation struct {
	ev      *domain.ActivityEvent
	acct    *domain.Account
	f       *Features
	data    ref.Val
	profile ref.Val
	// fitsFor and fitsResult cache fits for one Limits.
	fitsFor    *Limits
	fitsResult bool
}

var (
	emptyEvent   = &domain.ActivityEvent{}
	emptyAccount = &domain.Account{}
	noFeatures   = &Features{}
)

func newActivation(in Input) *activation {
	a := &activation{ev: in.Event, acct: in.Account, f: in.Features}
	if a.ev == nil {
		a.ev = emptyEvent
	}
	if a.acct == nil {
		a.acct = emptyAccount
	}
	if a.f == nil {
		a.f = noFeatures
	}
	return a
}

func (a *activation) Parent() interpreter.Activation { return nil }

func (a *activation) ResolveName(name string) (any, bool) {
	if f, ok := strings.CutPrefix(name, "features."); ok {
		i, ok := featureIndex[f]
		if !ok {
			return nil, false
		}
		return a.feature(i), true
	}
	switch name {
	case "event.id":
		return types.String(a.ev.ID), true
	case "event.type":
		return types.String(a.ev.Type), true
	case "event.time":
		return types.Timestamp{Time: a.ev.Time}, true
	case "event.source":
		return types.String(a.ev.Source), true
	case "event.subject":
		return types.String(a.ev.Subject), true
	case "event.data":
		if a.data == nil {
			m := a.ev.Fields
			if m == nil {
				m = map[string]any{}
			}
			a.data = types.NewStringInterfaceMap(types.DefaultTypeAdapter, m)
		}
		return a.data, true
	case "account.id":
		return types.String(a.acct.ID), true
	case "account.type":
		return types.String(a.acct.Type), true
	case "account.country":
		return types.String(a.acct.Country), true
	case "account.language":
		return types.String(a.acct.Language), true
	case "account.identity_status":
		return types.String(a.acct.Identity), true
	case "account.age_days":
		return types.Int(a.ageDays()), true
	case "account.profile":
		if a.profile == nil {
			m := a.acct.Profile
			if m == nil {
				m = map[string]string{}
			}
			a.profile = types.NewStringStringMap(types.DefaultTypeAdapter, m)
		}
		return a.profile, true
	}
	return nil, false
}

// feature returns feature i as CEL sees it.
func (a *activation) feature(i int) ref.Val {
	if featureDefs[i].Kind == Flag {
		return types.Bool(a.f.Values[i] != 0)
	}
	return types.Int(a.f.Values[i])
}

// ageDays is whole days from the account's creation to the event, or the features' age_days
// (by first-seen event) when the creation time is unknown.
func (a *activation) ageDays() int64 {
	if a.acct.CreatedAt.IsZero() || a.ev.Time.IsZero() {
		return a.f.Values[fAgeDays]
	}
	d := a.ev.Time.Sub(a.acct.CreatedAt)
	if d < 0 {
		return 0
	}
	return int64(d.Hours() / 24)
}

// fits reports whether the inputs are within the sizes the cost estimate assumed under l, so
// that a rule's estimate bounds what evaluating it costs.
func (a *activation) fits(l Limits) bool {
	if a.fitsFor != nil && *a.fitsFor == l {
		return a.fitsResult
	}
	ok := a.checkFits(l)
	a.fitsFor, a.fitsResult = &l, ok
	return ok
}

func (a *activation) checkFits(l Limits) bool {
	ev, ac := a.ev, a.acct
	if len(ev.ID) > domain.MaxIDLen || len(ev.Subject) > domain.MaxIDLen || len(ev.Type) > 256 || len(ev.Source) > 256 ||
		len(ac.ID) > domain.MaxIDLen || len(ac.Type) > 256 || len(ac.Country) > 256 || len(ac.Language) > 256 || len(ac.Identity) > 256 ||
		len(ac.Profile) > domain.MaxProfileFields || uint64(len(ev.Fields)) > l.MaxDataKeys {
		return false
	}
	for k, v := range ac.Profile {
		if len(k) > 64 || len(v) > domain.MaxProfileValueLen {
			return false
		}
	}
	for k, v := range ev.Fields {
		if len(k) > MaxKeyLen || !fitsValue(v, l, 0) {
			return false
		}
	}
	return true
}

// fitsValue checks a decoded JSON value against l.
func fitsValue(v any, l Limits, depth int) bool {
	if depth > 64 {
		return false
	}
	switch x := v.(type) {
	case nil, bool, float64, int, int64, uint64:
		return true
	case string:
		return uint64(len(x)) <= l.MaxString
	case []any:
		if uint64(len(x)) > l.MaxList {
			return false
		}
		for _, e := range x {
			if !fitsValue(e, l, depth+1) {
				return false
			}
		}
		return true
	case map[string]any:
		if uint64(len(x)) > l.MaxDataKeys {
			return false
		}
		for k, e := range x {
			if len(k) > MaxKeyLen || !fitsValue(e, l, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
