// Package standing is the pure enforcement engine: given an account's state, a command and the
// time, it decides what changes — measures applied or lifted, deadlines, notices — or refuses
// what the invariants forbid. It does no I/O.
package standing

import (
	"fmt"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// State is what the engine needs to know about one account.
type State struct {
	Account domain.Account
	// Measures are the account's measures that were not lifted; the engine looks at time.
	Measures []domain.Measure
	// Case is the case the command belongs to, when it names one.
	Case *domain.Case
}

// Command is one thing an operator, a rule or a deadline asks of the engine.
type Command interface{ Common() *Base }

// Base is what every command carries.
type Base struct {
	Actor  string // who asks: "apikey:name", "operator:name", "rule:name", "deadline"
	Reason string // why, in words the holder may read
}

// Common returns what every command carries.
func (b *Base) Common() *Base { return b }

// Apply applies one measure of a named type. Closure is not applied this way (see Close).
type Apply struct {
	Base
	Type      domain.MeasureType
	Violation string
	CaseID    string
	// Off overrides the capabilities switched off; nil takes the policy's default for Type.
	Off *domain.CapSet
	// Duration is a restriction's or suspension's length, or a warning's expiry; zero takes
	// the policy's value where it has one.
	Duration time.Duration
	// Window is a hold's time to respond, or a closure_pending's notice period; zero takes
	// the policy's. A notice period shorter than the policy's is refused.
	Window    time.Duration
	Weight    int // a warning's strike weight; zero takes the violation's
	Automated bool
}

// Escalate records a strike for a violation and applies the ladder's step for the strikes
// the account then has.
type Escalate struct {
	Base
	Violation string
	CaseID    string
	Automated bool
}

// Close closes an account permanently: after a closure_pending notice period ran out, or at
// once with an emergency approval by two different operators and a recorded ground.
type Close struct {
	Base
	Violation string
	CaseID    string
	Emergency *domain.Emergency
}

// Lift ends one measure early.
type Lift struct {
	Base
	MeasureID string
}

// Reinstate lifts every restricting measure, closure included.
type Reinstate struct {
	Base
}

// Pause stops a hold's or closure notice's clock while the holder's response is reviewed.
type Pause struct {
	Base
	MeasureID string
}

// Resume restarts a paused clock with the time that was left when it stopped.
type Resume struct {
	Base
	MeasureID string
}

// MissDeadline escalates a hold whose response deadline passed: the hold gives way to a
// closure notice with its notice period — never straight to closure.
type MissDeadline struct {
	Base
	MeasureID string
}

// Effects is what a command changes, for the store to write in one transaction.
type Effects struct {
	Action          string // the audit action
	Applied         []domain.Measure
	Lifted          []domain.Measure // as they are after lifting
	Updated         []domain.Measure // paused or resumed, as they are after
	Deadlines       []domain.Deadline
	CancelDeadlines []string // measure ids whose pending deadlines no longer apply
	Notices         []domain.Notice
}

// IDs makes new ids with a prefix; the store's generator in production, a counter in tests.
type IDs func(prefix string) string

// MaxReasonLen bounds a command's reason.
const MaxReasonLen = 5000

// Decide applies cmd to st at now under pol.
func Decide(pol *policy.Policy, st State, cmd Command, now time.Time, ids IDs) (Effects, error) {
	b := cmd.Common()
	var v domain.Validation
	if b.Actor == "" {
		v.Add("actor", "is required")
	}
	if b.Reason == "" {
		v.Add("reason", "is required: the holder and the audit record must say why")
	} else if len(b.Reason) > MaxReasonLen {
		v.Add("reason", "at most %d bytes", MaxReasonLen)
	}
	if err := v.Err(); err != nil {
		return Effects{}, err
	}
	d := decider{pol: pol, st: st, now: now, ids: ids}
	if _, isReinstate := cmd.(*Reinstate); !isReinstate && d.closed() != nil {
		return Effects{}, domain.Errorf(domain.ECONFLICT,
			"account %s is closed; only a reinstatement with a recorded reason (or an upheld appeal) changes that", st.Account.ID)
	}
	switch c := cmd.(type) {
	case *Apply:
		return d.apply(c)
	case *Escalate:
		return d.escalate(c)
	case *Close:
		return d.close(c)
	case *Lift:
		return d.lift(c)
	case *Reinstate:
		return d.reinstate(c)
	case *Pause:
		return d.pause(c)
	case *Resume:
		return d.resume(c)
	case *MissDeadline:
		return d.missDeadline(c)
	}
	return Effects{}, fmt.Errorf("standing: unknown command %T", cmd)
}

type decider struct {
	pol *policy.Policy
	st  State
	now time.Time
	ids IDs
	eff Effects
}

func (d *decider) active(t domain.MeasureType) *domain.Measure {
	for i := range d.st.Measures {
		if m := &d.st.Measures[i]; m.Type == t && m.Active(d.now) {
			return m
		}
	}
	return nil
}

func (d *decider) closed() *domain.Measure { return d.active(domain.Closure) }

func (d *decider) strikes() int {
	n := 0
	for _, m := range d.st.Measures {
		if m.Type == domain.Warning && m.Active(d.now) {
			n += m.Weight
		}
	}
	return n
}

func (d *decider) violation(name string) (*policy.Violation, error) {
	if name == "" && d.st.Case != nil {
		name = d.st.Case.Violation
	}
	if name == "" {
		return nil, domain.Invalid("violation", "is required")
	}
	return d.pol.Violation(name)
}

func (d *decider) apply(c *Apply) (Effects, error) {
	vt, err := d.violation(c.Violation)
	if err != nil {
		return Effects{}, err
	}
	if err := checkAutomation(vt, c.Automated); err != nil {
		return Effects{}, err
	}
	m := domain.Measure{
		ID: d.ids("msr"), AccountID: d.st.Account.ID, CaseID: c.CaseID, Type: c.Type, Violation: vt.Name,
		StartsAt: d.now, Reason: c.Reason, Automated: c.Automated, CreatedBy: c.Actor,
	}
	m.Off = d.pol.Off(c.Type)
	if c.Off != nil {
		m.Off = *c.Off
	}
	switch c.Type {
	case domain.Warning:
		m.Weight = c.Weight
		if m.Weight == 0 {
			m.Weight = vt.Strike.Weight
		}
		if m.Weight < 1 || m.Weight > 100 {
			return Effects{}, domain.Invalid("strike_weight", "must be between 1 and 100, got %d", m.Weight)
		}
		m.EndsAt = d.at(orDefault(c.Duration, vt.Strike.Expires))
	case domain.Restriction:
		if m.Off == 0 {
			return Effects{}, domain.Invalid("capabilities_off", "a restriction must switch off at least one capability")
		}
		if c.Duration > 0 {
			m.EndsAt = d.at(c.Duration)
		}
	case domain.Hold:
		m.DueAt = d.at(orDefault(c.Window, vt.ResponseWindow))
	case domain.Suspension:
		if c.Duration <= 0 {
			return Effects{}, domain.Invalid("duration", "a suspension needs a positive duration: it ends by itself")
		}
		m.EndsAt = d.at(c.Duration)
	case domain.ClosurePending:
		if cp := d.active(domain.ClosurePending); cp != nil {
			return Effects{}, domain.Errorf(domain.ECONFLICT,
				"account %s already has a closure notice running until %s (measure %s)", m.AccountID, cp.DueAt.Format(time.RFC3339), cp.ID)
		}
		min := vt.NoticePeriod.For(d.st.Account.Type)
		if c.Window != 0 && c.Window < min {
			return Effects{}, domain.Invalid("window", "the notice period before closure may not be shorter than the policy's %s for a %s account", min, d.st.Account.Type)
		}
		m.DueAt = d.at(orDefault(c.Window, min))
	case domain.Closure:
		return Effects{}, domain.Invalid("type", "a closure is not applied directly: schedule it with closure_pending, or request an emergency closure")
	default:
		return Effects{}, domain.Invalid("type", "unknown measure type %q", c.Type)
	}
	if c.Duration < 0 || c.Window < 0 {
		return Effects{}, domain.Invalid("duration", "durations must not be negative")
	}
	d.eff.Action = "measure.apply"
	d.add(m, vt, d.st.Case)
	return d.eff, nil
}

func (d *decider) escalate(c *Escalate) (Effects, error) {
	vt, err := d.violation(c.Violation)
	if err != nil {
		return Effects{}, err
	}
	if err := checkAutomation(vt, c.Automated); err != nil {
		return Effects{}, err
	}
	total := d.strikes() + vt.Strike.Weight
	step := vt.Ladder[0]
	for _, s := range vt.Ladder {
		if s.Strikes <= total {
			step = s
		}
	}
	strike := domain.Measure{
		ID: d.ids("msr"), AccountID: d.st.Account.ID, CaseID: c.CaseID, Type: domain.Warning, Violation: vt.Name,
		Weight: vt.Strike.Weight, StartsAt: d.now, EndsAt: d.at(vt.Strike.Expires),
		Reason: c.Reason, Automated: c.Automated, CreatedBy: c.Actor,
	}
	d.eff.Action = "measure.escalate"
	d.add(strike, vt, d.st.Case)
	if step.Measure == domain.Warning || (step.Measure == domain.ClosurePending && d.active(domain.ClosurePending) != nil) {
		return d.eff, nil
	}
	m := domain.Measure{
		ID: d.ids("msr"), AccountID: d.st.Account.ID, CaseID: c.CaseID, Type: step.Measure, Violation: vt.Name,
		Off: step.Off, StartsAt: d.now, Reason: c.Reason, Automated: c.Automated, CreatedBy: c.Actor,
	}
	switch step.Measure {
	case domain.Hold:
		m.DueAt = d.at(vt.ResponseWindow)
	case domain.ClosurePending:
		m.DueAt = d.at(vt.NoticePeriod.For(d.st.Account.Type))
	case domain.Restriction, domain.Suspension:
		if step.Duration > 0 {
			m.EndsAt = d.at(step.Duration)
		}
	}
	d.add(m, vt, d.st.Case)
	return d.eff, nil
}

// checkAutomation refuses a measure decided by automated means where the policy asks a person
// to review each one.
func checkAutomation(vt *policy.Violation, automated bool) error {
	if automated && !vt.Automation {
		return domain.Errorf(domain.EFORBIDDEN,
			"the policy asks a person to review every %s measure (automation: review); open a case for review instead", vt.Name)
	}
	return nil
}

func (d *decider) close(c *Close) (Effects, error) {
	cp := d.active(domain.ClosurePending)
	if e := c.Emergency; e != nil {
		switch {
		case e.Ground == "":
			return Effects{}, domain.Invalid("ground", "an emergency closure needs a recorded legal ground")
		case e.RequestedBy == "" || e.ApprovedBy == "":
			return Effects{}, domain.Errorf(domain.ECONFLICT, "an emergency closure needs a requesting and an approving operator")
		case e.RequestedBy == e.ApprovedBy:
			return Effects{}, domain.Errorf(domain.ECONFLICT, "an emergency closure must be approved by a second operator, not by %s who requested it", e.RequestedBy)
		}
	} else if cp == nil {
		return Effects{}, domain.Errorf(domain.ECONFLICT,
			"account %s has no closure notice: a permanent closure must follow a closure_pending measure whose notice period has run out", d.st.Account.ID)
	} else if cp.PausedAt != nil {
		return Effects{}, domain.Errorf(domain.ECONFLICT,
			"the holder's response to the closure notice of account %s is under review; decide it first", d.st.Account.ID)
	} else if d.now.Before(*cp.DueAt) {
		return Effects{}, domain.Errorf(domain.ECONFLICT,
			"the closure notice for account %s runs until %s; it cannot be closed before then", d.st.Account.ID, cp.DueAt.Format(time.RFC3339))
	}
	name := c.Violation
	if name == "" && cp != nil {
		name = cp.Violation
	}
	vt, err := d.violation(name)
	if err != nil {
		return Effects{}, err
	}
	d.eff.Action = "account.close"
	if cp != nil {
		d.liftOne(*cp, c.Actor, "superseded by the closure")
	}
	m := domain.Measure{
		ID: d.ids("msr"), AccountID: d.st.Account.ID, CaseID: c.CaseID, Type: domain.Closure, Violation: vt.Name,
		Off: domain.AllCaps, StartsAt: d.now, Reason: c.Reason, CreatedBy: c.Actor, Emergency: c.Emergency,
	}
	d.add(m, vt, d.st.Case)
	return d.eff, nil
}

func (d *decider) lift(c *Lift) (Effects, error) {
	for _, m := range d.st.Measures {
		if m.ID != c.MeasureID {
			continue
		}
		if m.LiftedAt != nil || (m.EndsAt != nil && !d.now.Before(*m.EndsAt)) {
			return Effects{}, domain.Errorf(domain.ECONFLICT, "measure %s has already ended", m.ID)
		}
		d.eff.Action = "measure.lift"
		d.liftOne(m, c.Actor, c.Reason)
		return d.eff, nil
	}
	return Effects{}, domain.Errorf(domain.ENOTFOUND, "account %s has no measure %s", d.st.Account.ID, c.MeasureID)
}

func (d *decider) reinstate(c *Reinstate) (Effects, error) {
	for _, m := range d.st.Measures {
		if m.Type != domain.Warning && m.Active(d.now) {
			d.liftOne(m, c.Actor, c.Reason)
		}
	}
	if len(d.eff.Lifted) == 0 {
		return Effects{}, domain.Errorf(domain.ECONFLICT, "account %s has no restricting measure to lift", d.st.Account.ID)
	}
	d.eff.Action = "account.reinstate"
	return d.eff, nil
}

func (d *decider) liftOne(m domain.Measure, actor, reason string) {
	d.liftWith(m, actor, reason, "measure_lifted", m.Restricts())
}

// liftWith lifts m and, when tell is set, tells the holder with a notice of kind.
func (d *decider) liftWith(m domain.Measure, actor, reason, kind string, tell bool) {
	now := d.now
	m.LiftedAt, m.LiftedBy, m.LiftReason = &now, actor, reason
	d.eff.Lifted = append(d.eff.Lifted, m)
	d.eff.CancelDeadlines = append(d.eff.CancelDeadlines, m.ID)
	if tell {
		d.eff.Notices = append(d.eff.Notices, domain.Notice{
			ID: d.ids("ntc"), AccountID: m.AccountID, CaseID: m.CaseID, MeasureID: m.ID, Kind: kind,
			Language: d.st.Account.Language, CreatedAt: d.now,
			Statement: domain.Statement{Measure: m.Type, StartsAt: m.StartsAt, EndsAt: &now, Facts: reason,
				CapabilitiesOff: []domain.Capability{}, Remediation: []string{}, Redress: []string{}},
		})
	}
}

// clocked returns the active hold or closure notice with id, the measures that have a clock.
func (d *decider) clocked(id string) (domain.Measure, error) {
	for _, m := range d.st.Measures {
		if m.ID == id && m.Active(d.now) {
			if m.Type != domain.Hold && m.Type != domain.ClosurePending {
				return m, domain.Errorf(domain.ECONFLICT, "measure %s is a %s: only a hold or a closure notice has a deadline", id, m.Type)
			}
			return m, nil
		}
	}
	return domain.Measure{}, domain.Errorf(domain.ENOTFOUND, "account %s has no active measure %s", d.st.Account.ID, id)
}

func (d *decider) pause(c *Pause) (Effects, error) {
	m, err := d.clocked(c.MeasureID)
	if err != nil {
		return Effects{}, err
	}
	if m.PausedAt != nil {
		return Effects{}, domain.Errorf(domain.ECONFLICT, "the clock of measure %s stopped already at %s", m.ID, m.PausedAt.Format(time.RFC3339))
	}
	if !d.now.Before(*m.DueAt) {
		return Effects{}, domain.Errorf(domain.ECONFLICT, "the deadline of measure %s passed at %s", m.ID, m.DueAt.Format(time.RFC3339))
	}
	now := d.now
	m.PausedAt = &now
	d.eff.Action = "measure.pause"
	d.eff.Updated = append(d.eff.Updated, m)
	d.eff.CancelDeadlines = append(d.eff.CancelDeadlines, m.ID)
	return d.eff, nil
}

func (d *decider) resume(c *Resume) (Effects, error) {
	m, err := d.clocked(c.MeasureID)
	if err != nil {
		return Effects{}, err
	}
	if m.PausedAt == nil {
		return Effects{}, domain.Errorf(domain.ECONFLICT, "the clock of measure %s is running", m.ID)
	}
	due := d.now.Add(m.DueAt.Sub(*m.PausedAt))
	m.DueAt, m.PausedAt = &due, nil
	d.eff.Action = "measure.resume"
	d.eff.Updated = append(d.eff.Updated, m)
	d.deadlines(m)
	return d.eff, nil
}

func (d *decider) missDeadline(c *MissDeadline) (Effects, error) {
	m, err := d.clocked(c.MeasureID)
	if err != nil {
		return Effects{}, err
	}
	switch {
	case m.Type != domain.Hold:
		return Effects{}, domain.Errorf(domain.ECONFLICT, "measure %s is a %s, not a hold", m.ID, m.Type)
	case m.PausedAt != nil:
		return Effects{}, domain.Errorf(domain.ECONFLICT, "the clock of hold %s is stopped while a response is reviewed", m.ID)
	case d.now.Before(*m.DueAt):
		return Effects{}, domain.Errorf(domain.ECONFLICT, "the response deadline of hold %s is %s, not yet", m.ID, m.DueAt.Format(time.RFC3339))
	}
	vt, err := d.pol.Violation(m.Violation)
	if err != nil {
		return Effects{}, err
	}
	d.eff.Action = "deadline.missed"
	// the holder is told even when the hold switched nothing off: a closure notice follows
	d.liftWith(m, c.Actor, "the response deadline passed without a response; a closure notice follows", "deadline_missed", true)
	if d.active(domain.ClosurePending) != nil {
		return d.eff, nil
	}
	cp := domain.Measure{
		ID: d.ids("msr"), AccountID: m.AccountID, CaseID: m.CaseID, Type: domain.ClosurePending, Violation: m.Violation,
		Off: d.pol.Off(domain.ClosurePending) | m.Off, StartsAt: d.now, DueAt: d.at(vt.NoticePeriod.For(d.st.Account.Type)),
		Reason: c.Reason, CreatedBy: c.Actor,
	}
	d.add(cp, vt, d.st.Case)
	return d.eff, nil
}

// add records a new measure with its deadlines and its statement of reasons.
func (d *decider) add(m domain.Measure, vt *policy.Violation, cs *domain.Case) {
	d.eff.Applied = append(d.eff.Applied, m)
	d.deadlines(m)
	d.eff.Notices = append(d.eff.Notices, domain.Notice{
		ID: d.ids("ntc"), AccountID: m.AccountID, CaseID: m.CaseID, MeasureID: m.ID, Kind: "measure_applied",
		Language: d.st.Account.Language, CreatedAt: d.now, Statement: statement(d.pol, m, vt, cs, d.st.Account),
	})
}

// deadlines schedules what fires by itself for m: its end, its reminders and its deadline.
func (d *decider) deadlines(m domain.Measure) {
	deadline := func(kind domain.DeadlineKind, at time.Time) {
		d.eff.Deadlines = append(d.eff.Deadlines, domain.Deadline{
			ID: d.ids("ddl"), Kind: kind, AccountID: m.AccountID, CaseID: m.CaseID, MeasureID: m.ID,
			DueAt: at, Status: domain.DeadlinePending,
		})
	}
	switch m.Type {
	case domain.Warning:
		deadline(domain.StrikeExpires, *m.EndsAt)
	case domain.Restriction, domain.Suspension:
		if m.EndsAt != nil {
			deadline(domain.MeasureEnds, *m.EndsAt)
		}
	case domain.Hold:
		for _, r := range d.pol.Defaults.Reminders {
			if at := m.DueAt.Add(-r); at.After(d.now) {
				deadline(domain.Reminder, at)
			}
		}
		deadline(domain.ResponseDue, *m.DueAt)
	case domain.ClosurePending:
		for _, r := range d.pol.Defaults.Reminders {
			if at := m.DueAt.Add(-r); at.After(d.now) {
				deadline(domain.Reminder, at)
			}
		}
		deadline(domain.ClosureEffective, *m.DueAt)
	}
}

func (d *decider) at(dur time.Duration) *time.Time {
	t := d.now.Add(dur)
	return &t
}

func orDefault(v, def time.Duration) time.Duration {
	if v != 0 {
		return v
	}
	return def
}
