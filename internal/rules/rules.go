package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// Modes of a rule: an active rule's hits take effect; a shadow rule's hits are recorded as
// what it would have done.
const (
	Active = "active"
	Shadow = "shadow"
)

// Escalate as an outcome's measure applies the next step of the violation's ladder.
const Escalate = "escalate"

// Rule is one detection rule: a CEL expression over event, account and features that must
// return bool, and what follows when it does.
type Rule struct {
	Name        string  `yaml:"name" json:"name"`
	Version     int     `yaml:"version" json:"version"`
	Expr        string  `yaml:"expr" json:"expr"`
	Mode        string  `yaml:"mode" json:"mode"` // active (the default) or shadow
	Outcome     Outcome `yaml:"outcome" json:"outcome"`
	Description string  `yaml:"description" json:"description,omitempty"`
}

// Outcome is what a hit leads to. Score and Tag only annotate; Review opens a case for a
// person to review; Measure applies a measure without review, which the policy must allow for
// the violation (automation: allowed).
type Outcome struct {
	Score  int    `yaml:"score" json:"score,omitempty"`
	Tag    string `yaml:"tag" json:"tag,omitempty"`
	Review bool   `yaml:"review" json:"review,omitempty"`
	// Measure is "", a measure type (warning, restriction, hold, suspension) or "escalate".
	Measure   string `yaml:"measure" json:"measure,omitempty"`
	Violation string `yaml:"violation" json:"violation,omitempty"`
}

// Limits on a rule's plain fields.
const (
	MaxNameLen        = 64
	MaxTagLen         = 64
	MaxDescriptionLen = 2000
	MaxScore          = 1000
)

var (
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]*$`)
	tagRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.:-]*$`)
)

// Problem is one thing wrong with a rule. Field names the rule's field (expr, outcome.measure,
// …); Line and Col place it inside the expression (1-based) when the problem has a place.
type Problem struct {
	Field     string
	Line, Col int
	Message   string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s %d:%d: %s", p.Field, p.Line, p.Col, p.Message)
	}
	return p.Field + ": " + p.Message
}

// CompileError lists everything wrong with one rule.
type CompileError struct {
	Rule     string
	Problems []Problem
}

func (e *CompileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule %q: ", e.Rule)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Compiled is a rule that compiled and passed its checks; it is safe for concurrent use.
type Compiled struct {
	Rule Rule
	// Cost is the estimated cost range of one evaluation.
	Cost cost.Estimate
	// Features lists the features the expression reads, by index into FeatureDefs.
	Features []int
	// Types are the only event types the rule can match; nil: any.
	Types []string
	prg   cel.Program // tracks its cost and stops at the limit
	// fast skips cost tracking. It runs when the inputs are within the sizes the estimate
	// assumed, where the estimate bounds the cost, and only for rules estimated within the
	// limit; nil otherwise.
	fast   cel.Program
	limits Limits
}

// defaultPolicy is the shipped policy, parsed once.
var defaultPolicy = sync.OnceValue(policy.Default)

// Compile checks r against pol (the shipped default policy when nil) under DefaultLimits.
func Compile(r Rule, pol *policy.Policy) (*Compiled, error) {
	return CompileWith(r, pol, DefaultLimits)
}

// CompileWith checks r against pol under lim: its fields, its expression (syntax, names,
// result type, estimated cost) and its outcome against the policy. On failure it returns a
// *CompileError naming every problem found.
func CompileWith(r Rule, pol *policy.Policy, lim Limits) (*Compiled, error) {
	lim = lim.withDefaults()
	if pol == nil {
		pol = defaultPolicy()
	}
	name := r.Name
	if name == "" {
		name = "(unnamed)"
	}
	ce := &CompileError{Rule: name}
	add := func(field, format string, args ...any) {
		ce.Problems = append(ce.Problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case r.Name == "":
		add("name", "a rule needs a name")
	case len(r.Name) > MaxNameLen:
		add("name", "at most %d characters", MaxNameLen)
	case !nameRE.MatchString(r.Name):
		add("name", "use lower-case letters, digits and _ . - starting with a letter, got %q", r.Name)
	}
	if r.Version < 1 {
		add("version", "must be 1 or more, got %d", r.Version)
	}
	switch r.Mode {
	case "", Active, Shadow:
	default:
		add("mode", "must be %q or %q, got %q", Active, Shadow, r.Mode)
	}
	if len(r.Description) > MaxDescriptionLen {
		add("description", "at most %d bytes", MaxDescriptionLen)
	}
	checkOutcome(r.Outcome, pol, add)

	var c *Compiled
	if strings.TrimSpace(r.Expr) == "" {
		add("expr", "a rule needs an expression that returns bool, e.g. features.logins_1h > 20")
	} else if len(r.Expr) > lim.MaxExprLen {
		add("expr", "the expression is %d bytes; at most %d", len(r.Expr), lim.MaxExprLen)
	} else {
		var probs []Problem
		c, probs = compileExpr(r.Expr, lim)
		ce.Problems = append(ce.Problems, probs...)
	}
	if len(ce.Problems) > 0 {
		return nil, ce
	}
	c.Rule = r
	if c.Rule.Mode == "" {
		c.Rule.Mode = Active
	}
	return c, nil
}

// checkOutcome checks o against the policy.
func checkOutcome(o Outcome, pol *policy.Policy, add func(field, format string, args ...any)) {
	if o.Score < 0 || o.Score > MaxScore {
		add("outcome.score", "must be 0 to %d, got %d", MaxScore, o.Score)
	}
	if o.Tag != "" && (len(o.Tag) > MaxTagLen || !tagRE.MatchString(o.Tag)) {
		add("outcome.tag", "use at most %d lower-case letters, digits and _ . : -, got %q", MaxTagLen, o.Tag)
	}
	if o.Score == 0 && o.Tag == "" && !o.Review && o.Measure == "" {
		add("outcome", "the outcome does nothing: give it a score, a tag, review: true or a measure")
	}
	var v *policy.Violation
	if o.Violation != "" {
		if v = pol.Violations[o.Violation]; v == nil {
			add("outcome.violation", "unknown violation %q; the policy has %s", o.Violation, strings.Join(pol.Order, ", "))
		}
	} else if o.Review || o.Measure != "" {
		add("outcome.violation", "review and measure need the violation the case is about; the policy has %s", strings.Join(pol.Order, ", "))
	}
	if o.Measure == "" {
		return
	}
	if o.Measure != Escalate {
		t, ok := domain.ParseMeasureType(o.Measure)
		switch {
		case !ok:
			add("outcome.measure", "unknown measure %q; use warning, restriction, hold, suspension or escalate (the violation's next ladder step)", o.Measure)
			return
		case t == domain.Closure || t == domain.ClosurePending:
			add("outcome.measure", "a rule may not start a closure (%s): a closure follows a person's decision and a notice period; use review: true or escalate", o.Measure)
			return
		}
	}
	if v != nil && !v.Automation {
		add("outcome.measure", "the policy says automation: review for violation %q, so a rule may not apply %q by itself; use review: true (open a case for review) instead", o.Violation, o.Measure)
	}
}

// compileExpr parses, checks and cost-estimates expr and builds its program.
func compileExpr(expr string, lim Limits) (*Compiled, []Problem) {
	e, err := env()
	if err != nil {
		return nil, []Problem{{Field: "expr", Message: "the rules environment failed to build: " + err.Error()}}
	}
	src := common.NewTextSource(expr)
	parsed, iss := e.ParseSource(src)
	if iss != nil && iss.Err() != nil {
		return nil, issueProblems(iss.Errors(), src)
	}
	checked, iss := e.Check(parsed)
	if iss != nil && iss.Err() != nil {
		if probs := unknownNames(parsed); len(probs) > 0 {
			return nil, probs
		}
		return nil, issueProblems(iss.Errors(), src)
	}
	if t := checked.OutputType(); !t.IsExactType(cel.BoolType) {
		hint := ""
		if t.IsExactType(cel.DynType) {
			hint = " (a value from event.data has no known type: compare it, e.g. event.data.flag == true)"
		}
		return nil, []Problem{{Field: "expr", Message: fmt.Sprintf("the expression must return bool, but returns %s%s", t, hint)}}
	}
	est, err := e.EstimateCost(checked, estimator{lim})
	if err != nil {
		return nil, []Problem{{Field: "expr", Message: "could not estimate the cost: " + err.Error()}}
	}
	if est.Max > lim.MaxEstimatedCost {
		n := fmt.Sprint(est.Max)
		if est.Max == ^uint64(0) {
			n = "unbounded"
		}
		return nil, []Problem{{Field: "expr", Message: fmt.Sprintf("this rule could run away: estimated cost %s exceeds %d; narrow it (fewer or smaller loops over event.data, no loops inside loops)", n, lim.MaxEstimatedCost)}}
	}
	prg, err := e.Program(checked,
		cel.CostLimit(lim.CostLimit),
		cel.InterruptCheckFrequency(64),
		cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, []Problem{{Field: "expr", Message: err.Error()}}
	}
	c := &Compiled{Cost: est, Features: referencedFeatures(checked), Types: eventTypes(parsed.NativeRep().Expr()), prg: prg, limits: lim}
	if est.Max <= lim.CostLimit {
		if c.fast, err = e.Program(checked, cel.InterruptCheckFrequency(64), cel.EvalOptions(cel.OptOptimize)); err != nil {
			return nil, []Problem{{Field: "expr", Message: err.Error()}}
		}
	}
	return c, nil
}

// issueProblems turns CEL's errors into problems with 1-based positions and a caret line.
func issueProblems(errs []*common.Error, src common.Source) []Problem {
	var probs []Problem
	for _, e := range errs {
		line, col := e.Location.Line(), e.Location.Column()+1
		msg := e.Message
		// CEL counts columns in characters; the caret line counts them the same way.
		if snippet, ok := src.Snippet(line); ok && len(snippet) <= 200 {
			msg += "\n    | " + strings.ReplaceAll(snippet, "\t", " ") + "\n    | " + strings.Repeat(" ", max(0, col-1)) + "^"
		}
		probs = append(probs, Problem{Field: "expr", Line: line, Col: col, Message: msg})
	}
	if len(probs) > 5 {
		probs = append(probs[:5], Problem{Field: "expr", Message: fmt.Sprintf("… and %d more errors", len(probs)-5)})
	}
	return probs
}

// namespaces are the roots whose fields are declared one by one.
var namespaces = map[string]string{"event": "event field", "account": "account field", "features": "feature"}

// unknownNames finds references like features.logins_1hh that CEL reports only as an
// undeclared "features", and says what exists instead.
func unknownNames(parsed *cel.Ast) []Problem {
	e, _ := env()
	declared := map[string]bool{}
	for _, v := range e.Variables() {
		declared[v.Name()] = true
	}
	var probs []Problem
	info := parsed.NativeRep().SourceInfo()
	celast.PostOrderVisit(parsed.NativeRep().Expr(), celast.NewExprVisitor(func(x celast.Expr) {
		if x.Kind() != celast.SelectKind || x.AsSelect().IsTestOnly() {
			return
		}
		op := x.AsSelect().Operand()
		if op.Kind() != celast.IdentKind {
			return
		}
		root, field := op.AsIdent(), x.AsSelect().FieldName()
		what, ok := namespaces[root]
		if !ok || declared[root+"."+field] {
			return
		}
		var names []string
		for n := range declared {
			if rest, ok := strings.CutPrefix(n, root+"."); ok {
				names = append(names, rest)
			}
		}
		sort.Strings(names)
		msg := fmt.Sprintf("unknown %s %s.%s", what, root, field)
		if c := domain.Closest(field, names); c != "" {
			msg += fmt.Sprintf(" (did you mean %s.%s?)", root, c)
		}
		if root == "features" {
			msg += "; see FeatureDefs for the list"
		} else {
			msg += "; " + root + " has " + strings.Join(names, ", ")
		}
		loc := info.GetStartLocation(x.ID())
		line, col := loc.Line(), loc.Column()+1
		// The select's own position is its dot; point at the root instead.
		if l := info.GetStartLocation(op.ID()); l.Line() > 0 {
			line, col = l.Line(), l.Column()+1
		}
		probs = append(probs, Problem{Field: "expr", Line: line, Col: col, Message: msg})
	}))
	sort.SliceStable(probs, func(i, j int) bool {
		return probs[i].Line < probs[j].Line || probs[i].Line == probs[j].Line && probs[i].Col < probs[j].Col
	})
	return probs
}

// referencedFeatures lists the features a checked expression reads.
func referencedFeatures(checked *cel.Ast) []int {
	seen := map[int]bool{}
	for _, ref := range checked.NativeRep().ReferenceMap() {
		if name, ok := strings.CutPrefix(ref.Name, "features."); ok {
			if i, ok := featureIndex[name]; ok {
				seen[i] = true
			}
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// Input is what one evaluation sees.
type Input struct {
	Event    *domain.ActivityEvent
	Account  *domain.Account // nil when unknown: its fields read as empty
	Features *Features       // nil reads as all zeros
}

// Errors an evaluation can stop with; they wrap the underlying cause.
var (
	ErrCostLimit   = errors.New("rule exceeded the runtime cost limit")
	ErrInterrupted = errors.New("rule evaluation interrupted")
)

// Eval evaluates the rule on in. It stops with an error wrapping ErrCostLimit when the rule's
// runtime cost passes the limit, and with one wrapping ErrInterrupted and ctx's error when
// ctx ends first.
func (c *Compiled) Eval(ctx context.Context, in Input) (bool, error) {
	return c.eval(ctx, newActivation(in))
}

// interruptAbove is the estimated cost above which an evaluation watches its context: a rule
// estimated cheaper finishes in microseconds whatever the input (the cost limit sees to the
// rest), and watching costs a context per evaluation.
const interruptAbove = 10_000

func (c *Compiled) eval(ctx context.Context, act *activation) (bool, error) {
	prg := c.prg
	if c.fast != nil && act.fits(c.limits) {
		prg = c.fast
	}
	var out ref.Val
	var err error
	if ctx.Done() != nil && c.Cost.Max > interruptAbove {
		out, _, err = prg.ContextEval(ctx, act)
	} else {
		out, _, err = prg.Eval(act)
	}
	if err != nil {
		var cancelled interpreter.EvalCancelledError
		switch {
		case errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded,
			strings.Contains(err.Error(), "cost limit exceeded"):
			return false, fmt.Errorf("rule %q v%d: %w of %d: it stopped before finishing (%v)", c.Rule.Name, c.Rule.Version, ErrCostLimit, c.limits.CostLimit, err)
		case ctx.Err() != nil:
			return false, fmt.Errorf("rule %q v%d: %w: %w", c.Rule.Name, c.Rule.Version, ErrInterrupted, ctx.Err())
		}
		return false, fmt.Errorf("rule %q v%d: %w", c.Rule.Name, c.Rule.Version, err)
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("rule %q v%d: returned %s, not bool", c.Rule.Name, c.Rule.Version, out.Type())
	}
	return bool(b), nil
}

// Hit is one rule that matched one event: the evidence a case records.
type Hit struct {
	Rule    string  `json:"rule"`
	Version int     `json:"version"`
	Mode    string  `json:"mode"`
	Shadow  bool    `json:"shadow,omitempty"` // would have done Outcome; record, do not act
	Outcome Outcome `json:"outcome"`
	// RuleSet is the version of the rule set the rule belonged to.
	RuleSet   int64     `json:"rule_set"`
	EventID   string    `json:"event_id"`
	AccountID string    `json:"account_id"`
	At        time.Time `json:"at"`
	// Features are the values of the features the rule reads, as it saw them.
	Features map[string]any `json:"features,omitempty"`
	// LinkedClosed names the closed accounts behind linked_closed_accounts, when the rule
	// reads it.
	LinkedClosed []string `json:"linked_closed,omitempty"`
}

// RuleSet is one version of the engine's rules.
type RuleSet struct {
	Version int64
	Rules   []*Compiled
}

// Engine holds the current rule set and evaluates events against it. Set swaps the whole
// set atomically; an evaluation uses the set it started with.
type Engine struct {
	pol    *policy.Policy
	limits Limits
	mu     sync.Mutex // serialises Set
	set    atomic.Pointer[RuleSet]
}

// NewEngine returns an engine with no rules; zero fields of lim take DefaultLimits.
func NewEngine(pol *policy.Policy, lim Limits) *Engine {
	if pol == nil {
		pol = defaultPolicy()
	}
	e := &Engine{pol: pol, limits: lim.withDefaults()}
	e.set.Store(&RuleSet{})
	return e
}

// Set compiles rules and makes them the current set, returning its version. If any rule
// fails, or two share a name, nothing changes and the error lists every failure.
func (e *Engine) Set(rules []Rule) (int64, error) {
	return e.SetVersion(0, rules)
}

// SetVersion is Set with the version given, e.g. the rule set's number in the database, so
// that hits name the same version on every node and across restarts; 0 takes the next one.
func (e *Engine) SetVersion(version int64, rules []Rule) (int64, error) {
	var errs []error
	compiled := make([]*Compiled, 0, len(rules))
	names := map[string]bool{}
	for _, r := range rules {
		if names[r.Name] {
			errs = append(errs, fmt.Errorf("rule %q: defined twice; rule names must be unique", r.Name))
			continue
		}
		names[r.Name] = true
		c, err := CompileWith(r, e.pol, e.limits)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		compiled = append(compiled, c)
	}
	if len(errs) > 0 {
		return 0, errors.Join(errs...)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	v := version
	if v == 0 {
		v = e.set.Load().Version + 1
	}
	e.set.Store(&RuleSet{Version: v, Rules: compiled})
	return v, nil
}

// Rules returns the current rule set.
func (e *Engine) Rules() *RuleSet { return e.set.Load() }

// Evaluate evaluates every rule of the current set on one event. It returns the hits, shadow
// ones marked, and, joined, the errors of rules that could not finish (each naming its rule);
// the other rules' hits are returned all the same.
func (e *Engine) Evaluate(ctx context.Context, ev *domain.ActivityEvent, acct *domain.Account, f *Features) ([]Hit, error) {
	set := e.set.Load()
	act := newActivation(Input{Event: ev, Account: acct, Features: f})
	var hits []Hit
	var errs []error
	for _, c := range set.Rules {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrInterrupted, err))
			break
		}
		if c.Types != nil && (ev == nil || !slices.Contains(c.Types, ev.Type)) {
			continue // the rule requires another event type: it cannot match
		}
		hit, err := c.eval(ctx, act)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !hit {
			continue
		}
		h := Hit{Rule: c.Rule.Name, Version: c.Rule.Version, Mode: c.Rule.Mode, Shadow: c.Rule.Mode == Shadow,
			Outcome: c.Rule.Outcome, RuleSet: set.Version, Features: make(map[string]any, len(c.Features))}
		if ev != nil {
			h.EventID, h.AccountID, h.At = ev.ID, ev.Subject, ev.Time
		}
		for _, i := range c.Features {
			h.Features[featureDefs[i].Name] = act.feature(i).Value()
			if i == fLinkedClosedAccounts && f != nil {
				h.LinkedClosed = f.LinkedClosed
			}
		}
		hits = append(hits, h)
	}
	return hits, errors.Join(errs...)
}
