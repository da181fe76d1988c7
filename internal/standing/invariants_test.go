package standing

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// TestInvariants drives the engine with random commands and clock moves, keeping a model of
// what the store would hold (every measure ever applied, lifted ones marked), and checks the
// design's invariants after every step.
func TestInvariants(t *testing.T) {
	var cov coverage
	rapid.Check(t, func(rt *rapid.T) {
		m := newMachine(rt, &cov)
		rt.Repeat(rapid.StateMachineActions(m))
	})
	t.Logf("coverage: %s", &cov)
	if cov.steps.Load() < 2000 {
		return // too few commands (-short, or a small -rapid.checks) to expect every state
	}
	want := []*atomic.Int64{&cov.closed, &cov.closedAfterNotice, &cov.emergency, &cov.reinstatedClosed,
		&cov.paused, &cov.resumed, &cov.missed, &cov.missedToNotice, &cov.forbidden}
	if cov.steps.Load() >= 20000 {
		// a clock paused, its DueAt passed, then a Close or a MissDeadline: rarer than the
		// rest, so expected of longer runs only (-rapid.checks=2000 makes about 50000 commands)
		want = append(want, &cov.closeWhilePaused, &cov.missWhilePaused)
	}
	for _, n := range want {
		if n.Load() == 0 {
			t.Errorf("the random runs never reached some states: %s", &cov)
			return
		}
	}
}

// coverage counts, across runs, states the property should reach; a property that never
// closes an account proves little about closures.
type coverage struct {
	steps, refused, closed, closedAfterNotice, emergency, reinstatedClosed, escalations, ladderMeasures atomic.Int64
	// the clock: pauses, resumes, missed deadlines (and those that opened a closure notice),
	// closures and missed deadlines refused because the clock stood still when DueAt passed
	paused, resumed, missed, missedToNotice, closeWhilePaused, missWhilePaused atomic.Int64
	// automated measures refused for a review-only violation
	forbidden atomic.Int64
}

func (c *coverage) String() string {
	return fmt.Sprintf("%d commands (%d refused), %d refused on a closed account, %d closures after notice, %d emergency closures, %d reinstated closed accounts, %d escalations (%d beyond a strike), "+
		"%d pauses, %d resumes, %d missed deadlines (%d opened a closure notice), %d closures refused on a paused notice, %d missed deadlines refused on a paused hold, %d automated measures forbidden",
		c.steps.Load(), c.refused.Load(), c.closed.Load(), c.closedAfterNotice.Load(), c.emergency.Load(), c.reinstatedClosed.Load(), c.escalations.Load(), c.ladderMeasures.Load(),
		c.paused.Load(), c.resumed.Load(), c.missed.Load(), c.missedToNotice.Load(), c.closeWhilePaused.Load(), c.missWhilePaused.Load(), c.forbidden.Load())
}

// machine is the model: what the store holds after storing each command's Effects.
type machine struct {
	pol  *policy.Policy
	acct domain.Account
	cs   *domain.Case
	now  time.Time
	// all holds every measure ever applied, in order, lifted ones with LiftedAt set and paused
	// or resumed ones as they are after.
	all []domain.Measure
	// deadlines holds every deadline ever scheduled, cancelled ones with their status set.
	deadlines []domain.Deadline
	n         int
	cov       *coverage
}

// violationNames are the test policy's violations; impersonation is review-only.
var violationNames = []string{"spam", "fraud", "harassment", "impersonation"}

func newMachine(t *rapid.T, cov *coverage) *machine {
	m := &machine{pol: testPolicy(), now: t0, cov: cov}
	m.acct = testAccount(rapid.SampledFrom([]domain.AccountType{domain.Business, domain.Private}).Draw(t, "account_type"))
	if rapid.Bool().Draw(t, "has_case") {
		m.cs = &domain.Case{ID: "case-1", AccountID: m.acct.ID, Violation: rapid.SampledFrom(violationNames).Draw(t, "case_violation"),
			Source: domain.SourceTrustedFlag, Automated: true}
	}
	return m
}

func (m *machine) ids(prefix string) string {
	m.n++
	return fmt.Sprintf("%s_%d", prefix, m.n)
}

func (m *machine) unlifted() []domain.Measure {
	var out []domain.Measure
	for _, x := range m.all {
		if x.LiftedAt == nil {
			out = append(out, x)
		}
	}
	return out
}

func (m *machine) activeOf(t domain.MeasureType) *domain.Measure {
	for i := range m.all {
		if x := &m.all[i]; x.Type == t && x.Active(m.now) {
			return x
		}
	}
	return nil
}

func (m *machine) strikes() int {
	n := 0
	for _, x := range m.all {
		if x.Type == domain.Warning && x.Active(m.now) {
			n += x.Weight
		}
	}
	return n
}

// ---- random parameters ----

func drawBase(t *rapid.T) Base {
	actor := rapid.SampledFrom([]string{"operator:alice", "operator:bob", "rule:bulk", "deadline", "apikey:crm"}).Draw(t, "actor")
	reason := "the holder sent 40 identical messages"
	// now and then a base the engine must refuse
	switch rapid.IntRange(0, 19).Draw(t, "base_fault") {
	case 0:
		actor = ""
	case 1:
		reason = ""
	}
	return Base{Actor: actor, Reason: reason}
}

func drawViolation(t *rapid.T) string {
	return rapid.SampledFrom([]string{"spam", "fraud", "harassment", "impersonation", "spam", "fraud", "harassment", "", "jaywalking"}).Draw(t, "violation")
}

// drawDuration is mostly zero (the policy's value) or positive, sometimes negative.
func drawDuration(t *rapid.T, label string) time.Duration {
	switch rapid.IntRange(0, 9).Draw(t, label+"_kind") {
	case 0, 1, 2, 3:
		return 0
	case 4:
		return -time.Duration(rapid.IntRange(1, 30).Draw(t, label+"_neg")) * time.Second
	default:
		return time.Duration(rapid.Int64Range(1, 40_000).Draw(t, label+"_ms")) * time.Millisecond
	}
}

func drawOff(t *rapid.T) *domain.CapSet {
	if rapid.IntRange(0, 3).Draw(t, "off_override") != 0 {
		return nil
	}
	off := domain.CapSet(rapid.IntRange(0, int(domain.AllCaps)).Draw(t, "off"))
	return &off
}

func drawEmergency(t *rapid.T) *domain.Emergency {
	ops := []string{"operator:alice", "operator:bob", "operator:carol", ""}
	e := &domain.Emergency{
		Ground:      rapid.SampledFrom([]string{"court order 12/26", "imminent fraud against buyers", ""}).Draw(t, "ground"),
		RequestedBy: rapid.SampledFrom(ops).Draw(t, "requested_by"),
	}
	if rapid.IntRange(0, 3).Draw(t, "same_operator") == 0 {
		e.ApprovedBy = e.RequestedBy
	} else {
		e.ApprovedBy = rapid.SampledFrom(ops).Draw(t, "approved_by")
	}
	return e
}

func validEmergency(e *domain.Emergency) bool {
	return e != nil && e.Ground != "" && e.RequestedBy != "" && e.ApprovedBy != "" && e.RequestedBy != e.ApprovedBy
}

// ---- actions ----

// Advance moves the clock by up to 40s, or exactly to (or just before) a measure's DueAt or
// EndsAt, or just past the DueAt of a paused clock, where the pause must hold off a closure or
// a missed deadline.
func (m *machine) Advance(t *rapid.T) {
	var targets, paused []time.Time
	for _, x := range m.unlifted() {
		for _, at := range []*time.Time{x.DueAt, x.EndsAt} {
			if at != nil && at.After(m.now) {
				targets = append(targets, *at)
			}
		}
		if x.PausedAt != nil && x.DueAt.After(m.now) {
			paused = append(paused, *x.DueAt)
		}
	}
	if len(paused) > 0 && rapid.IntRange(0, 2).Draw(t, "past_a_paused_due") == 0 {
		m.now = rapid.SampledFrom(paused).Draw(t, "paused_due").Add(time.Millisecond)
		return
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].Before(targets[j]) })
	if len(targets) > 0 && rapid.Bool().Draw(t, "to_a_deadline") {
		at := rapid.SampledFrom(targets).Draw(t, "deadline")
		if rapid.IntRange(0, 3).Draw(t, "just_before") == 0 && at.Add(-time.Microsecond).After(m.now) {
			at = at.Add(-time.Microsecond)
		}
		m.now = at
		return
	}
	m.now = m.now.Add(time.Duration(rapid.Int64Range(0, 40_000).Draw(t, "advance_ms")) * time.Millisecond)
}

// Apply applies a measure of any type, the invalid ones included.
func (m *machine) Apply(t *rapid.T) {
	types := append(slices.Clone(domain.MeasureTypes), "ban", "")
	c := &Apply{
		Base: drawBase(t), Type: rapid.SampledFrom(types).Draw(t, "type"), Violation: drawViolation(t),
		Off: drawOff(t), Duration: drawDuration(t, "duration"), Window: drawDuration(t, "window"),
		Weight:    rapid.SampledFrom([]int{0, 0, 0, 1, 2, 5, 100, 101, -1}).Draw(t, "weight"),
		Automated: rapid.Bool().Draw(t, "automated"),
	}
	if m.cs != nil && rapid.Bool().Draw(t, "in_case") {
		c.CaseID = m.cs.ID
	}
	m.apply(t, c)
}

// ApplyClosurePending schedules a closure, often with the policy's notice period, sometimes a
// shorter (refused) or longer one; it makes closures reachable in short runs.
func (m *machine) ApplyClosurePending(t *rapid.T) {
	min := m.pol.Defaults.NoticePeriod.For(m.acct.Type)
	w := rapid.SampledFrom([]time.Duration{0, 0, min, min - time.Microsecond, min + 5*time.Second, time.Second}).Draw(t, "window")
	m.apply(t, &Apply{Base: drawBase(t), Type: domain.ClosurePending, Violation: drawViolation(t), Window: w})
}

// ApplyHold puts a hold with a known violation, often with a short window and sometimes
// switching off other capabilities than the policy's (none, even); it gives Pause, Resume and
// MissDeadline holds to work on.
func (m *machine) ApplyHold(t *rapid.T) {
	w := rapid.SampledFrom([]time.Duration{0, time.Second, 2500 * time.Millisecond, 5 * time.Second}).Draw(t, "window")
	var off *domain.CapSet
	switch rapid.IntRange(0, 3).Draw(t, "hold_off") {
	case 0:
		off = ptr(domain.CapSet(0))
	case 1:
		off = ptr(caps(domain.CapLogin, domain.CapMessaging))
	}
	m.apply(t, &Apply{Base: drawBase(t), Type: domain.Hold, Violation: rapid.SampledFrom(violationNames).Draw(t, "violation"), Window: w, Off: off})
}

func (m *machine) apply(t *rapid.T, c *Apply) {
	closed := m.activeOf(domain.Closure) != nil
	cp := m.activeOf(domain.ClosurePending)
	want := m.applyRefusals(c, cp)
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	m.wantRefusals(t, c, err, want)
	if err != nil {
		return
	}
	if len(eff.Applied) != 1 || eff.Applied[0].Type != c.Type || len(eff.Lifted) != 0 || len(eff.Updated) != 0 {
		t.Fatalf("apply %s: want exactly that measure applied, got %+v", c.Type, eff)
	}
	a := eff.Applied[0]
	wantOff := m.pol.Off(c.Type)
	if c.Off != nil {
		wantOff = *c.Off
	}
	if a.Off != wantOff {
		t.Fatalf("applied %s switches off %v, want %v", a.Type, a.Off.List(), wantOff.List())
	}
	if c.Type == domain.ClosurePending {
		min := m.pol.Violations[a.Violation].NoticePeriod.For(m.acct.Type)
		if a.DueAt.Sub(a.StartsAt) < min {
			t.Fatalf("closure_pending with a notice period of %s, under the policy's %s", a.DueAt.Sub(a.StartsAt), min)
		}
	}
}

// applyRefusals lists the codes the engine must refuse c with, one for each thing wrong with
// it (none: it must be accepted), on an account that is not closed. The engine may check in
// any order, so a command with several faults may be refused with any of their codes.
func (m *machine) applyRefusals(c *Apply, cp *domain.Measure) []string {
	name := m.violationName(c.Violation)
	vt, err := m.pol.Violation(name)
	if name == "" || err != nil {
		return []string{domain.EINVALID} // without a violation nothing else can be judged
	}
	var codes []string
	if c.Automated && !vt.Automation {
		codes = append(codes, domain.EFORBIDDEN)
	}
	switch c.Type {
	case domain.Warning:
		w := c.Weight
		if w == 0 {
			w = vt.Strike.Weight
		}
		if w < 1 || w > 100 {
			codes = append(codes, domain.EINVALID)
		}
	case domain.Restriction:
		off := m.pol.Off(c.Type)
		if c.Off != nil {
			off = *c.Off
		}
		if off == 0 {
			codes = append(codes, domain.EINVALID)
		}
	case domain.Hold:
	case domain.Suspension:
		if c.Duration <= 0 {
			codes = append(codes, domain.EINVALID)
		}
	case domain.ClosurePending:
		if cp != nil {
			codes = append(codes, domain.ECONFLICT)
		}
		if c.Window != 0 && c.Window < vt.NoticePeriod.For(m.acct.Type) {
			codes = append(codes, domain.EINVALID)
		}
	default: // closure, or an unknown type
		codes = append(codes, domain.EINVALID)
	}
	if c.Duration < 0 || c.Window < 0 {
		codes = append(codes, domain.EINVALID)
	}
	return codes
}

// wantRefusals checks err against the codes the command must be refused with: accepted when
// there are none, else refused with one of them. EFORBIDDEN comes exactly when an automated
// command names a review-only violation: it is refused with nothing else when the command is
// otherwise valid, and it is never the answer to a command a rule may give.
func (m *machine) wantRefusals(t *rapid.T, cmd Command, err error, want []string) {
	t.Helper()
	code := domain.ErrorCode(err)
	switch {
	case len(want) == 0 && err != nil:
		t.Fatalf("valid %T %+v refused: %v", cmd, cmd, err)
	case len(want) > 0 && err == nil:
		t.Fatalf("%T %+v accepted, want refused with one of %v", cmd, cmd, want)
	case err != nil && !slices.Contains(want, code):
		t.Fatalf("%T %+v refused with %s (%v), want one of %v", cmd, cmd, code, err, want)
	}
	if code == domain.EFORBIDDEN {
		m.cov.forbidden.Add(1)
	}
}

func (m *machine) violationName(v string) string {
	if v == "" && m.cs != nil {
		return m.cs.Violation
	}
	return v
}

// Escalate records a strike and walks the ladder.
func (m *machine) Escalate(t *rapid.T) {
	c := &Escalate{Base: drawBase(t), Violation: drawViolation(t), Automated: rapid.Bool().Draw(t, "automated")}
	closed := m.activeOf(domain.Closure) != nil
	cpRunning := m.activeOf(domain.ClosurePending) != nil
	strikes := m.strikes()
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	vt, verr := m.pol.Violation(m.violationName(c.Violation))
	var refuse []string
	switch {
	case verr != nil || m.violationName(c.Violation) == "":
		refuse = []string{domain.EINVALID}
	case c.Automated && !vt.Automation:
		refuse = []string{domain.EFORBIDDEN}
	}
	m.wantRefusals(t, c, err, refuse)
	if err != nil {
		return
	}
	m.cov.escalations.Add(1)
	// the ladder's step for the strikes the account has, this one included
	total := strikes + vt.Strike.Weight
	var step *policy.Step
	for i := range vt.Ladder {
		if vt.Ladder[i].Strikes <= total {
			step = &vt.Ladder[i]
		}
	}
	want := []domain.MeasureType{domain.Warning}
	if step != nil && step.Measure != domain.Warning && !(step.Measure == domain.ClosurePending && cpRunning) {
		want = append(want, step.Measure)
	}
	var got []domain.MeasureType
	for _, a := range eff.Applied {
		got = append(got, a.Type)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("escalate %s with %d strikes (%d with this one): applied %v, want %v", vt.Name, strikes, total, got, want)
	}
	if s := eff.Applied[0]; s.Weight != vt.Strike.Weight || s.EndsAt == nil || !s.EndsAt.Equal(m.now.Add(vt.Strike.Expires)) {
		t.Fatalf("strike = %+v, want weight %d expiring in %s", s, vt.Strike.Weight, vt.Strike.Expires)
	}
	if len(want) == 2 {
		m.cov.ladderMeasures.Add(1)
		if a := eff.Applied[1]; a.Off != step.Off {
			t.Fatalf("ladder %s switches off %v, want the step's %v", a.Type, a.Off.List(), step.Off.List())
		}
	}
}

// Close closes the account, with or without an emergency approval.
func (m *machine) Close(t *rapid.T) {
	c := &Close{Base: drawBase(t), Violation: drawViolation(t)}
	if rapid.Bool().Draw(t, "emergency") {
		c.Emergency = drawEmergency(t)
	}
	m.close(t, c)
}

// CloseAfterNotice asks for a closure without an emergency, with a known violation: the
// common way an account ends up closed.
func (m *machine) CloseAfterNotice(t *rapid.T) {
	m.close(t, &Close{Base: drawBase(t), Violation: rapid.SampledFrom(violationNames).Draw(t, "violation")})
}

func (m *machine) close(t *rapid.T, c *Close) {
	closed := m.activeOf(domain.Closure) != nil
	cp := m.activeOf(domain.ClosurePending)
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	// a closure without a named violation takes the closure notice's, else the case's
	name := c.Violation
	if name == "" && cp != nil {
		name = cp.Violation
	}
	name = m.violationName(name)
	_, verr := m.pol.Violation(name)
	// a notice runs out when its clock runs and its DueAt passed; a paused clock stands still
	elapsed := cp != nil && cp.PausedAt == nil && !m.now.Before(*cp.DueAt)
	wantOK := verr == nil && name != "" && (validEmergency(c.Emergency) || c.Emergency == nil && elapsed)
	if wantOK != (err == nil) {
		t.Fatalf("close (emergency %+v, closure notice %+v, elapsed %v) at %s: err = %v, want refused: %v",
			c.Emergency, cp, elapsed, m.now.Sub(t0), err, !wantOK)
	}
	if err != nil && c.Emergency == nil && cp != nil && cp.PausedAt != nil && !m.now.Before(*cp.DueAt) {
		m.cov.closeWhilePaused.Add(1)
	}
	if err != nil {
		if c.Emergency != nil && c.Emergency.Ground == "" && verr == nil && name != "" {
			if domain.ErrorCode(err) != domain.EINVALID || !hasField(err, "ground") {
				t.Fatalf("an emergency without a ground: want EINVALID naming ground, got %v", err)
			}
		}
		return
	}
	if len(eff.Applied) != 1 || eff.Applied[0].Type != domain.Closure {
		t.Fatalf("close applied %+v, want one closure", eff.Applied)
	}
	var lifted []string
	for _, x := range eff.Lifted {
		lifted = append(lifted, x.ID)
	}
	if cp != nil && !slices.Equal(lifted, []string{cp.ID}) || cp == nil && len(lifted) != 0 {
		t.Fatalf("close lifted %v, want the closure notice only (%v)", lifted, cp)
	}
	if c.Emergency != nil {
		m.cov.emergency.Add(1)
	} else {
		m.cov.closedAfterNotice.Add(1)
	}
}

// Lift lifts a known measure (lifted, ended or active) or an unknown id.
func (m *machine) Lift(t *rapid.T) {
	id := "msr_unknown"
	if len(m.all) > 0 && rapid.IntRange(0, 4).Draw(t, "unknown_id") != 0 {
		id = rapid.SampledFrom(m.all).Draw(t, "measure").ID
	}
	c := &Lift{Base: drawBase(t), MeasureID: id}
	closed := m.activeOf(domain.Closure) != nil
	var target *domain.Measure
	for _, x := range m.unlifted() {
		if x.ID == id {
			target = &x
		}
	}
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	switch {
	case target == nil:
		if domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("lift of %s, lifted or unknown: want %s, got %v", id, domain.ENOTFOUND, err)
		}
	case target.EndsAt != nil && !m.now.Before(*target.EndsAt):
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("lift of %s, which ended at %s (now %s): want %s, got %v", id, target.EndsAt.Sub(t0), m.now.Sub(t0), domain.ECONFLICT, err)
		}
	default:
		if err != nil {
			t.Fatalf("lift of active %s refused: %v", id, err)
		}
		if len(eff.Lifted) != 1 || eff.Lifted[0].ID != id || len(eff.Applied) != 0 {
			t.Fatalf("lift of %s: effects %+v", id, eff)
		}
	}
}

// Reinstate lifts every restricting measure.
func (m *machine) Reinstate(t *rapid.T) {
	c := &Reinstate{Base: drawBase(t)}
	var want []string
	for _, x := range m.all {
		if x.Type != domain.Warning && x.Active(m.now) {
			want = append(want, x.ID)
		}
	}
	closed := m.activeOf(domain.Closure) != nil
	strikes := m.strikes()
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) {
		return
	}
	if (len(want) > 0) != (err == nil) {
		t.Fatalf("reinstate with active measures %v: err = %v", want, err)
	}
	if err != nil {
		return
	}
	var got []string
	for _, x := range eff.Lifted {
		got = append(got, x.ID)
	}
	if !slices.Equal(got, want) || len(eff.Applied) != 0 {
		t.Fatalf("reinstate lifted %v and applied %d, want %v lifted and none applied", got, len(eff.Applied), want)
	}
	if s := m.strikes(); s != strikes {
		t.Fatalf("reinstate changed the strikes from %d to %d", strikes, s)
	}
	if closed {
		m.cov.reinstatedClosed.Add(1)
	}
}

// drawClockID picks the measure a Pause, Resume or MissDeadline names: mostly an unlifted hold
// or closure notice (of the type wanted, when there is one), else any measure ever applied
// (lifted and ended ones included) or an unknown id.
func (m *machine) drawClockID(t *rapid.T, prefer domain.MeasureType) string {
	var clocked, preferred []string
	for _, x := range m.unlifted() {
		if x.Type == domain.Hold || x.Type == domain.ClosurePending {
			clocked = append(clocked, x.ID)
		}
		if x.Type == prefer {
			preferred = append(preferred, x.ID)
		}
	}
	switch k := rapid.IntRange(0, 9).Draw(t, "id_kind"); {
	case k < 5 && len(preferred) > 0:
		return rapid.SampledFrom(preferred).Draw(t, "preferred_id")
	case k < 7 && len(clocked) > 0:
		return rapid.SampledFrom(clocked).Draw(t, "clocked_id")
	case k < 9 && len(m.all) > 0:
		return rapid.SampledFrom(m.all).Draw(t, "measure").ID
	}
	return rapid.SampledFrom([]string{"msr_unknown", ""}).Draw(t, "unknown_id")
}

// clockTarget returns a copy of the measure id names, as the model holds it, and the code a
// command on its clock must be refused with for what the measure is: ENOTFOUND when no
// measure in force has that id, ECONFLICT when it is in force but has no clock.
func (m *machine) clockTarget(id string) (domain.Measure, string) {
	for _, x := range m.unlifted() {
		if x.ID != id || !x.Active(m.now) {
			continue
		}
		if x.Type != domain.Hold && x.Type != domain.ClosurePending {
			return cloneMeasure(x), domain.ECONFLICT
		}
		return cloneMeasure(x), ""
	}
	return domain.Measure{}, domain.ENOTFOUND
}

// wantCode checks that err has the code, or that there is none when code is "".
func wantCode(t *rapid.T, cmd Command, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); code == "" && err != nil || code != "" && got != code {
		t.Fatalf("%T %+v: want error code %q, got %v", cmd, cmd, code, err)
	}
}

// updatedOnly checks that eff changes the clock of x only: x as it is after, and nothing
// applied, lifted or told.
func updatedOnly(t *rapid.T, cmd Command, eff Effects, want domain.Measure) {
	t.Helper()
	if len(eff.Updated) != 1 || len(eff.Applied) != 0 || len(eff.Lifted) != 0 || len(eff.Notices) != 0 {
		t.Fatalf("%T: want %s updated and nothing else, got %+v", cmd, want.ID, eff)
	}
	if !reflect.DeepEqual(eff.Updated[0], want) {
		t.Fatalf("%T: updated %+v, want %+v", cmd, eff.Updated[0], want)
	}
}

// Pause stops a clock: the holder responded and the response is reviewed.
func (m *machine) Pause(t *rapid.T) {
	prefer := rapid.SampledFrom([]domain.MeasureType{domain.Hold, domain.ClosurePending, domain.ClosurePending}).Draw(t, "prefer")
	c := &Pause{Base: drawBase(t), MeasureID: m.drawClockID(t, prefer)}
	closed := m.activeOf(domain.Closure) != nil
	x, code := m.clockTarget(c.MeasureID)
	if code == "" && (x.PausedAt != nil || !m.now.Before(*x.DueAt)) {
		code = domain.ECONFLICT // stopped already, or its deadline passed
	}
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	wantCode(t, c, err, code)
	if err != nil {
		return
	}
	now := m.now
	x.PausedAt = &now
	updatedOnly(t, c, eff, x)
	if eff.Action != "measure.pause" || len(eff.Deadlines) != 0 || !slices.Equal(eff.CancelDeadlines, []string{x.ID}) {
		t.Fatalf("pause of %s: effects %+v, want its deadlines cancelled and none scheduled", x.ID, eff)
	}
	m.cov.paused.Add(1)
}

// Resume restarts a clock with the time that was left when it stopped.
func (m *machine) Resume(t *rapid.T) {
	var paused []string
	for _, x := range m.unlifted() {
		if x.PausedAt != nil {
			paused = append(paused, x.ID)
		}
	}
	id := m.drawClockID(t, domain.Hold)
	if len(paused) > 0 && rapid.Bool().Draw(t, "a_paused_one") {
		id = rapid.SampledFrom(paused).Draw(t, "paused_id")
	}
	c := &Resume{Base: drawBase(t), MeasureID: id}
	closed := m.activeOf(domain.Closure) != nil
	x, code := m.clockTarget(c.MeasureID)
	if code == "" && x.PausedAt == nil {
		code = domain.ECONFLICT // its clock runs
	}
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	wantCode(t, c, err, code)
	if err != nil {
		return
	}
	now := m.now
	left := x.DueAt.Sub(*x.PausedAt)
	if len(eff.Updated) != 1 {
		t.Fatalf("resume of %s updated %+v", x.ID, eff.Updated)
	}
	u := eff.Updated[0]
	// the time that was left when the clock stopped, exactly
	if u.DueAt == nil || u.DueAt.Sub(now) != left {
		t.Fatalf("resume of %s paused at %s with %s left: due at %v, %s from now", x.ID, x.PausedAt.Sub(t0), left, u.DueAt, u.DueAt.Sub(now))
	}
	due := now.Add(left)
	x.DueAt, x.PausedAt = &due, nil
	updatedOnly(t, c, eff, x)
	if eff.Action != "measure.resume" {
		t.Fatalf("resume: action %q", eff.Action)
	}
	// fresh deadlines: the reminders still ahead and the deadline itself, at the new DueAt
	final := map[domain.MeasureType]domain.DeadlineKind{domain.Hold: domain.ResponseDue, domain.ClosurePending: domain.ClosureEffective}[x.Type]
	var want []string
	for _, r := range m.pol.Defaults.Reminders {
		if at := due.Add(-r); at.After(now) {
			want = append(want, fmt.Sprintf("%s@%s", domain.Reminder, at.Sub(t0)))
		}
	}
	want = append(want, fmt.Sprintf("%s@%s", final, due.Sub(t0)))
	var got []string
	for _, d := range eff.Deadlines {
		got = append(got, fmt.Sprintf("%s@%s", d.Kind, d.DueAt.Sub(t0)))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("resume of %s due at %s: deadlines %v, want %v", x.ID, due.Sub(t0), got, want)
	}
	m.cov.resumed.Add(1)
}

// MissDeadline escalates a hold whose response deadline passed.
func (m *machine) MissDeadline(t *rapid.T) {
	c := &MissDeadline{Base: drawBase(t), MeasureID: m.drawClockID(t, domain.Hold)}
	closed := m.activeOf(domain.Closure) != nil
	cp := m.activeOf(domain.ClosurePending)
	x, code := m.clockTarget(c.MeasureID)
	if code == "" && (x.Type != domain.Hold || x.PausedAt != nil || m.now.Before(*x.DueAt)) {
		code = domain.ECONFLICT // not a hold, its clock stands still, or not yet due
	}
	eff, err := m.decide(t, c)
	if baseInvalid(c.Base) || closed {
		return
	}
	wantCode(t, c, err, code)
	if err != nil {
		if x.Type == domain.Hold && x.PausedAt != nil && !m.now.Before(*x.DueAt) {
			m.cov.missWhilePaused.Add(1)
		}
		return
	}
	m.cov.missed.Add(1)
	if eff.Action != "deadline.missed" || len(eff.Updated) != 0 {
		t.Fatalf("missed deadline: effects %+v", eff)
	}
	// the hold is lifted, and the holder told why
	if len(eff.Lifted) != 1 || eff.Lifted[0].ID != x.ID {
		t.Fatalf("missed deadline of %s lifted %+v, want the hold only", x.ID, eff.Lifted)
	}
	var kinds []string
	for _, n := range eff.Notices {
		if n.MeasureID == x.ID {
			kinds = append(kinds, n.Kind)
		}
	}
	if !slices.Equal(kinds, []string{"deadline_missed"}) {
		t.Fatalf("missed deadline of %s: notices about the hold %v, want one deadline_missed", x.ID, kinds)
	}
	// never straight to closure: a closure notice follows, unless one runs already
	for _, a := range eff.Applied {
		if a.Type == domain.Closure {
			t.Fatalf("a missed deadline closed the account: %+v", a)
		}
	}
	if cp != nil {
		if len(eff.Applied) != 0 {
			t.Fatalf("missed deadline with closure notice %s running applied %+v", cp.ID, eff.Applied)
		}
		return
	}
	if len(eff.Applied) != 1 || eff.Applied[0].Type != domain.ClosurePending {
		t.Fatalf("missed deadline of %s applied %+v, want one closure_pending", x.ID, eff.Applied)
	}
	a := eff.Applied[0]
	if notice := m.pol.Violations[x.Violation].NoticePeriod.For(m.acct.Type); a.DueAt.Sub(m.now) != notice {
		t.Fatalf("closure notice after a missed deadline runs %s, want the %s policy's %s for a %s account", a.DueAt.Sub(m.now), x.Violation, notice, m.acct.Type)
	}
	if a.Off&x.Off != x.Off || a.Violation != x.Violation || a.CaseID != x.CaseID {
		t.Fatalf("closure notice %+v does not follow hold %+v (capabilities at least the hold's, same violation and case)", a, x)
	}
	m.cov.missedToNotice.Add(1)
}

// ---- the checks every command goes through ----

func baseInvalid(b Base) bool { return b.Actor == "" || b.Reason == "" || len(b.Reason) > MaxReasonLen }

// decide runs cmd against the model's state, checks the invariants that hold for every
// command, and stores the effects in the model.
func (m *machine) decide(t *rapid.T, cmd Command) (Effects, error) {
	t.Helper()
	m.cov.steps.Add(1)
	st := State{Account: m.acct, Measures: m.unlifted(), Case: m.cs}
	snapshot := cloneMeasures(st.Measures)
	closure := m.activeOf(domain.Closure)
	cp := m.activeOf(domain.ClosurePending)
	elapsedCP := cp != nil && cp.PausedAt == nil && !cp.DueAt.After(m.now)
	_, isReinstate := cmd.(*Reinstate)

	eff, err := Decide(m.pol, st, cmd, m.now, m.ids)

	if !reflect.DeepEqual(st.Measures, snapshot) {
		t.Fatalf("Decide changed the state it was given")
	}
	b := cmd.Common()
	switch {
	case baseInvalid(*b):
		// missing reason/actor: EINVALID naming the field, whatever the state
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("%T with actor %q reason %q: want %s, got %v", cmd, b.Actor, b.Reason, domain.EINVALID, err)
		}
		for field, missing := range map[string]bool{"actor": b.Actor == "", "reason": b.Reason == ""} {
			if missing && !hasField(err, field) {
				t.Fatalf("the error does not name the missing %s: %v", field, err)
			}
		}
	case closure != nil && !isReinstate:
		// once closed, every command but Reinstate is refused
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("%T on an account closed by %s: want %s, got %v", cmd, closure.ID, domain.ECONFLICT, err)
		}
		m.cov.closed.Add(1)
	}
	if err != nil {
		m.cov.refused.Add(1)
		// a refused command changes nothing and says why with a code
		if code := domain.ErrorCode(err); code == domain.EINTERNAL || code == "" {
			t.Fatalf("%T refused with an internal error: %v", cmd, err)
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Message == "" {
			t.Fatalf("%T refused without a message: %v", cmd, err)
		}
		if !isZero(eff) {
			t.Fatalf("%T refused (%v) but returned effects %+v", cmd, err, eff)
		}
		return eff, err
	}
	m.checkEffects(t, cmd, eff, elapsedCP)
	m.store(eff)
	return eff, nil
}

func (m *machine) checkEffects(t *rapid.T, cmd Command, eff Effects, elapsedCP bool) {
	t.Helper()
	now := m.now
	if eff.Action == "" || len(eff.Applied)+len(eff.Lifted)+len(eff.Updated) == 0 {
		t.Fatalf("%T succeeded without an action or a change: %+v", cmd, eff)
	}
	known := map[string]bool{}
	for _, x := range m.all {
		known[x.ID] = true
	}
	applied := map[string]domain.Measure{}
	for _, a := range eff.Applied {
		if known[a.ID] || applied[a.ID].ID != "" {
			t.Fatalf("applied measure id %s is not new", a.ID)
		}
		applied[a.ID] = a
		// applied measures start now and end, or fall due, after they start
		if !a.StartsAt.Equal(now) {
			t.Fatalf("%s %s starts at %s, not now (%s)", a.Type, a.ID, a.StartsAt, now)
		}
		if a.EndsAt != nil && !a.EndsAt.After(a.StartsAt) || a.DueAt != nil && !a.DueAt.After(a.StartsAt) {
			t.Fatalf("%s %s ends at %v or falls due at %v, not after its start %s", a.Type, a.ID, a.EndsAt, a.DueAt, a.StartsAt)
		}
		if a.AccountID != m.acct.ID || a.LiftedAt != nil || a.PausedAt != nil || a.Reason == "" || a.CreatedBy == "" {
			t.Fatalf("applied measure %+v", a)
		}
		if !slices.Contains(domain.MeasureTypes, a.Type) {
			t.Fatalf("applied a measure of unknown type %q", a.Type)
		}
		if _, ok := m.pol.Violations[a.Violation]; !ok {
			t.Fatalf("applied a measure for unknown violation %q", a.Violation)
		}
		switch a.Type {
		case domain.Warning:
			if a.Weight < 1 || a.EndsAt == nil {
				t.Fatalf("a strike without a weight or an expiry: %+v", a)
			}
		case domain.Hold, domain.ClosurePending:
			if a.DueAt == nil {
				t.Fatalf("%s without a deadline: %+v", a.Type, a)
			}
		case domain.Suspension:
			if a.EndsAt == nil {
				t.Fatalf("a suspension that never ends: %+v", a)
			}
		case domain.Closure:
			// only Close closes an account: a missed deadline or a ladder step never does
			if _, ok := cmd.(*Close); !ok {
				t.Fatalf("%T applied closure %s", cmd, a.ID)
			}
			// I1: a closure follows an elapsed (and running) closure notice, or a two-operator emergency
			if !validEmergency(a.Emergency) && !elapsedCP {
				t.Fatalf("I1: closure %s with emergency %+v and no elapsed closure_pending at %s", a.ID, a.Emergency, now)
			}
			if a.Off != domain.AllCaps || a.EndsAt != nil {
				t.Fatalf("a closure that leaves capabilities or ends: %+v", a)
			}
		}
	}

	// I2: every restricting measure comes with its notice, and notices say what Art. 17 asks
	noticed := map[string]int{}
	for _, n := range eff.Notices {
		if n.AccountID != m.acct.ID || !n.CreatedAt.Equal(now) || n.Language != m.acct.Language || n.ID == "" {
			t.Fatalf("notice %+v", n)
		}
		switch n.Kind {
		case "measure_applied":
			a, ok := applied[n.MeasureID]
			if !ok {
				t.Fatalf("measure_applied notice for %s, which was not applied", n.MeasureID)
			}
			noticed[n.MeasureID]++
			s := n.Statement
			if s.Facts == "" || s.TermsURL == "" || len(s.Redress) == 0 {
				t.Fatalf("I2: the statement for %s lacks facts, terms or redress: %+v", a.ID, s)
			}
			if s.Measure != a.Type || !s.StartsAt.Equal(a.StartsAt) || !slices.Equal(s.CapabilitiesOff, a.Off.List()) {
				t.Fatalf("the statement for %s does not describe it: %+v", a.ID, s)
			}
		case "measure_lifted":
			if !slices.ContainsFunc(eff.Lifted, func(x domain.Measure) bool { return x.ID == n.MeasureID }) {
				t.Fatalf("measure_lifted notice for %s, which was not lifted", n.MeasureID)
			}
		case "deadline_missed":
			_, missed := cmd.(*MissDeadline)
			if !missed || !slices.ContainsFunc(eff.Lifted, func(x domain.Measure) bool { return x.ID == n.MeasureID && x.Type == domain.Hold }) {
				t.Fatalf("%T: deadline_missed notice for %s, which is not a hold lifted for a missed deadline", cmd, n.MeasureID)
			}
		default:
			t.Fatalf("notice of unknown kind %q", n.Kind)
		}
	}
	for _, a := range eff.Applied {
		if a.Restricts() && noticed[a.ID] != 1 {
			t.Fatalf("I2: restricting %s %s has %d measure_applied notices, want 1", a.Type, a.ID, noticed[a.ID])
		}
	}

	// updated measures: an active hold or closure notice whose clock stopped or restarted now,
	// changed in nothing but its clock
	updated := map[string]domain.Measure{}
	for _, u := range eff.Updated {
		i := slices.IndexFunc(m.all, func(x domain.Measure) bool { return x.ID == u.ID })
		if i < 0 || m.all[i].LiftedAt != nil || !m.all[i].Active(now) || applied[u.ID].ID != "" || updated[u.ID].ID != "" {
			t.Fatalf("updated %s, which is unknown, lifted, ended, new or updated twice", u.ID)
		}
		if slices.ContainsFunc(eff.Lifted, func(x domain.Measure) bool { return x.ID == u.ID }) {
			t.Fatalf("%s is both updated and lifted", u.ID)
		}
		if u.Type != domain.Hold && u.Type != domain.ClosurePending {
			t.Fatalf("updated the clock of %s %s, which has none", u.Type, u.ID)
		}
		if u.PausedAt != nil && !u.PausedAt.Equal(now) {
			t.Fatalf("%s paused at %s, not now", u.ID, u.PausedAt)
		}
		if u.PausedAt != nil && !slices.Contains(eff.CancelDeadlines, u.ID) {
			t.Fatalf("paused %s without cancelling its deadlines %v", u.ID, eff.CancelDeadlines)
		}
		orig := cloneMeasure(m.all[i])
		orig.PausedAt, orig.DueAt = u.PausedAt, u.DueAt
		if !reflect.DeepEqual(orig, u) {
			t.Fatalf("updating changed more than the clock: %+v → %+v", m.all[i], u)
		}
		updated[u.ID] = u
	}

	// deadlines: for a measure applied or resumed here, never for a paused one, in the future,
	// at the measure's own times
	kinds := map[string][]domain.DeadlineKind{}
	seen := map[string]bool{}
	for _, d := range eff.Deadlines {
		a, ok := applied[d.MeasureID]
		if !ok {
			a, ok = updated[d.MeasureID]
		}
		if !ok {
			t.Fatalf("deadline %+v for a measure not applied or updated by this command", d)
		}
		if a.PausedAt != nil {
			t.Fatalf("deadline %+v for %s, whose clock is paused", d, a.ID)
		}
		if seen[d.ID] || d.ID == "" || d.Status != domain.DeadlinePending || d.AccountID != m.acct.ID || d.CaseID != a.CaseID {
			t.Fatalf("deadline %+v", d)
		}
		seen[d.ID] = true
		if !d.DueAt.After(now) {
			t.Fatalf("deadline %s %s due at %s, not after now %s", d.Kind, d.ID, d.DueAt, now)
		}
		kinds[a.ID] = append(kinds[a.ID], d.Kind)
		var want *time.Time
		switch d.Kind {
		case domain.Reminder:
			if a.DueAt == nil || !d.DueAt.Before(*a.DueAt) {
				t.Fatalf("reminder at %s for %s due at %v", d.DueAt, a.ID, a.DueAt)
			}
			continue
		case domain.ResponseDue, domain.ClosureEffective:
			want = a.DueAt
		case domain.MeasureEnds, domain.StrikeExpires:
			want = a.EndsAt
		default:
			t.Fatalf("deadline of unexpected kind %q", d.Kind)
		}
		if want == nil || !d.DueAt.Equal(*want) {
			t.Fatalf("%s deadline of %s %s at %s, want %v", d.Kind, a.Type, a.ID, d.DueAt, want)
		}
	}
	for _, a := range append(slices.Clone(eff.Applied), eff.Updated...) {
		var want []domain.DeadlineKind
		switch a.Type {
		case domain.Warning:
			want = []domain.DeadlineKind{domain.StrikeExpires}
		case domain.Restriction, domain.Suspension:
			if a.EndsAt != nil {
				want = []domain.DeadlineKind{domain.MeasureEnds}
			}
		case domain.Hold:
			want = []domain.DeadlineKind{domain.ResponseDue}
		case domain.ClosurePending:
			want = []domain.DeadlineKind{domain.ClosureEffective}
		}
		if a.PausedAt != nil {
			want = nil
		}
		got := slices.DeleteFunc(slices.Clone(kinds[a.ID]), func(k domain.DeadlineKind) bool { return k == domain.Reminder })
		if !slices.Equal(got, want) {
			t.Fatalf("%s %s has deadlines %v, want %v (and reminders)", a.Type, a.ID, kinds[a.ID], want)
		}
	}

	// lifted measures were in force, are lifted now, and their deadlines are cancelled
	for _, l := range eff.Lifted {
		i := slices.IndexFunc(m.all, func(x domain.Measure) bool { return x.ID == l.ID })
		if i < 0 || m.all[i].LiftedAt != nil {
			t.Fatalf("lifted %s, which is unknown or lifted already", l.ID)
		}
		if !m.all[i].Active(now) {
			t.Fatalf("lifted %s, which was not in force at %s", l.ID, now)
		}
		if l.LiftedAt == nil || !l.LiftedAt.Equal(now) || l.LiftedBy == "" || l.LiftReason == "" {
			t.Fatalf("lifted measure %+v", l)
		}
		if !slices.Contains(eff.CancelDeadlines, l.ID) {
			t.Fatalf("lifted %s without cancelling its deadlines %v", l.ID, eff.CancelDeadlines)
		}
		if l.Restricts() && !slices.ContainsFunc(eff.Notices, func(n domain.Notice) bool {
			return (n.Kind == "measure_lifted" || n.Kind == "deadline_missed") && n.MeasureID == l.ID
		}) {
			t.Fatalf("lifted restricting %s without telling the holder", l.ID)
		}
		orig := cloneMeasure(m.all[i])
		orig.LiftedAt, orig.LiftedBy, orig.LiftReason = l.LiftedAt, l.LiftedBy, l.LiftReason
		if !reflect.DeepEqual(orig, l) {
			t.Fatalf("lifting changed more than the lift fields: %+v → %+v", m.all[i], l)
		}
	}
}

// store does what the caller does with Effects, in its order: marks lifted measures lifted,
// replaces updated ones, cancels the pending deadlines of the measures named, adds applied
// measures and schedules the new deadlines.
func (m *machine) store(eff Effects) {
	for _, x := range append(slices.Clone(eff.Lifted), eff.Updated...) {
		for i := range m.all {
			if m.all[i].ID == x.ID {
				m.all[i] = cloneMeasure(x)
			}
		}
	}
	for _, id := range eff.CancelDeadlines {
		for i := range m.deadlines {
			if d := &m.deadlines[i]; d.MeasureID == id && d.Status == domain.DeadlinePending {
				d.Status = domain.DeadlineCancelled
			}
		}
	}
	m.all = append(m.all, cloneMeasures(eff.Applied)...)
	m.deadlines = append(m.deadlines, eff.Deadlines...)
}

// Check runs after every action: the standing derived from the model.
func (m *machine) Check(t *rapid.T) {
	v := domain.Derive(m.acct.ID, 0, m.all, m.now)
	want := domain.Good
	allowed := domain.AllCaps
	strikes := 0
	var closures, pendings int
	for _, x := range m.all {
		if !x.Active(m.now) {
			continue
		}
		if s := domain.StandingOf(x.Type); s.Severity() > want.Severity() {
			want = s
		}
		allowed &^= x.Off
		if x.Type == domain.Warning {
			strikes += x.Weight
		}
		switch x.Type {
		case domain.Closure:
			closures++
		case domain.ClosurePending:
			pendings++
		}
	}
	if v.Standing != want {
		t.Fatalf("standing %s, want %s (the most severe active measure)", v.Standing, want)
	}
	if !reflect.DeepEqual(v.Capabilities, allowed.Map()) {
		t.Fatalf("capabilities %v, want %v", v.Capabilities, allowed.Map())
	}
	if v.Strikes != strikes {
		t.Fatalf("strikes %d, want %d", v.Strikes, strikes)
	}
	if v.Standing == domain.Closed {
		for c, on := range v.Capabilities {
			if on {
				t.Fatalf("a closed account keeps capability %s", c)
			}
		}
	}
	if closures > 1 || pendings > 1 {
		t.Fatalf("%d active closures and %d active closure notices; at most one of each", closures, pendings)
	}
	m.checkClocks(t)
	// I1 over the whole history, not only the step that applied the closure
	for _, x := range m.all {
		if x.Type != domain.Closure || validEmergency(x.Emergency) {
			continue
		}
		ok := slices.ContainsFunc(m.all, func(p domain.Measure) bool {
			return p.Type == domain.ClosurePending && p.LiftedAt != nil && p.LiftedAt.Equal(x.StartsAt) && !p.DueAt.After(x.StartsAt) && p.PausedAt == nil
		})
		if !ok {
			t.Fatalf("I1: closure %s at %s has no emergency and no closure notice that ran out before it", x.ID, x.StartsAt)
		}
	}
}

// checkClocks checks the model's holds and closure notices and the deadlines that serve them.
func (m *machine) checkClocks(t *rapid.T) {
	pending := map[string][]domain.Deadline{}
	for _, d := range m.deadlines {
		if d.Status == domain.DeadlinePending {
			pending[d.MeasureID] = append(pending[d.MeasureID], d)
		}
	}
	for _, x := range m.all {
		clocked := x.Type == domain.Hold || x.Type == domain.ClosurePending
		if x.LiftedAt != nil && len(pending[x.ID]) > 0 {
			t.Fatalf("lifted %s %s keeps pending deadlines %+v", x.Type, x.ID, pending[x.ID])
		}
		if !clocked {
			if x.DueAt != nil || x.PausedAt != nil {
				t.Fatalf("%s %s has a clock: due %v, paused %v", x.Type, x.ID, x.DueAt, x.PausedAt)
			}
			continue
		}
		// DueAt never before StartsAt, a clock stops only between the two
		if x.DueAt == nil || x.DueAt.Before(x.StartsAt) {
			t.Fatalf("%s %s starts at %s and falls due at %v", x.Type, x.ID, x.StartsAt.Sub(t0), x.DueAt)
		}
		if x.PausedAt != nil && (x.PausedAt.Before(x.StartsAt) || !x.PausedAt.Before(*x.DueAt)) {
			t.Fatalf("%s %s paused at %s, outside [%s, %s)", x.Type, x.ID, x.PausedAt.Sub(t0), x.StartsAt.Sub(t0), x.DueAt.Sub(t0))
		}
		if x.LiftedAt != nil {
			continue
		}
		if x.PausedAt != nil {
			// a paused clock has nothing pending: whatever was scheduled for it is cancelled
			if len(pending[x.ID]) > 0 {
				t.Fatalf("%s %s paused at %s keeps pending deadlines %+v", x.Type, x.ID, x.PausedAt.Sub(t0), pending[x.ID])
			}
			continue
		}
		// a running clock has exactly one deadline that ends it, at its DueAt, and reminders before
		final := map[domain.MeasureType]domain.DeadlineKind{domain.Hold: domain.ResponseDue, domain.ClosurePending: domain.ClosureEffective}[x.Type]
		n := 0
		for _, d := range pending[x.ID] {
			switch {
			case d.Kind == final && d.DueAt.Equal(*x.DueAt):
				n++
			case d.Kind == domain.Reminder && d.DueAt.Before(*x.DueAt):
			default:
				t.Fatalf("%s %s due at %s has pending deadline %s at %s", x.Type, x.ID, x.DueAt.Sub(t0), d.Kind, d.DueAt.Sub(t0))
			}
		}
		if n != 1 {
			t.Fatalf("%s %s due at %s has %d pending %s deadlines, want 1: %+v", x.Type, x.ID, x.DueAt.Sub(t0), n, final, pending[x.ID])
		}
	}
}
