package domain

import (
	"time"
)

// Standing is an account's overall state, derived from its active measures.
type Standing string

const (
	Good              Standing = "good"
	Warned            Standing = "warned"
	Restricted        Standing = "restricted"
	OnHold            Standing = "on_hold"
	Suspended         Standing = "suspended"
	StandingClosePend Standing = "closure_pending"
	Closed            Standing = "closed"
)

// severity orders standings; higher is worse.
var severity = map[Standing]int{Good: 0, Warned: 1, Restricted: 2, OnHold: 3, Suspended: 4, StandingClosePend: 5, Closed: 6}

var standingOf = map[MeasureType]Standing{
	Warning: Warned, Restriction: Restricted, Hold: OnHold,
	Suspension: Suspended, ClosurePending: StandingClosePend, Closure: Closed,
}

// Severity returns how severe s is; good is 0.
func (s Standing) Severity() int { return severity[s] }

// StandingOf returns the standing a measure of type t puts an account in.
func StandingOf(t MeasureType) Standing { return standingOf[t] }

// StandingView is what the marketplace reads on its hot path.
type StandingView struct {
	AccountID    string              `json:"account_id"`
	Standing     Standing            `json:"standing"`
	Capabilities map[Capability]bool `json:"capabilities"`
	Strikes      int                 `json:"strikes"`
	// Measures are the active measures, most severe first.
	Measures []Measure `json:"measures"`
	// NextChangeAt is when a measure ends by itself and the standing may change without a
	// write; a cache must not keep this view past it.
	NextChangeAt *time.Time `json:"next_change_at,omitempty"`
	Version      int64      `json:"version"`
	AsOf         time.Time  `json:"as_of"`
}

// Derive computes the standing from measures at now: the most severe active measure names the
// standing, and the capabilities are those no active measure switches off.
func Derive(accountID string, version int64, measures []Measure, now time.Time) StandingView {
	v := StandingView{AccountID: accountID, Standing: Good, Version: version, AsOf: now, Measures: []Measure{}}
	allowed := AllCaps
	for _, m := range measures {
		if m.EndsAt != nil && m.LiftedAt == nil && now.Before(*m.EndsAt) && !now.Before(m.StartsAt) {
			if v.NextChangeAt == nil || m.EndsAt.Before(*v.NextChangeAt) {
				t := *m.EndsAt
				v.NextChangeAt = &t
			}
		}
		if !m.Active(now) {
			continue
		}
		allowed &^= m.Off
		if m.Type == Warning {
			v.Strikes += m.Weight
		}
		if s := StandingOf(m.Type); s.Severity() > v.Standing.Severity() {
			v.Standing = s
		}
		v.Measures = append(v.Measures, m)
	}
	sortBySeverity(v.Measures)
	v.Capabilities = allowed.Map()
	return v
}

func sortBySeverity(ms []Measure) {
	// insertion sort: an account has a handful of active measures
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && StandingOf(ms[j].Type).Severity() > StandingOf(ms[j-1].Type).Severity(); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}
