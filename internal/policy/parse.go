package policy

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/standing-org/standing/internal/domain"
)

// DefaultYAML is the shipped policy file, for `standing policy check` and the docs to show.
//
//go:embed default.yaml
var DefaultYAML []byte

const (
	// maxFileSize keeps a wrong path (a log, a binary) from being read as a policy.
	maxFileSize = 1 << 20
	// minBusinessNotice is the notice EU P2B Art. 4(2) asks before terminating a business user.
	minBusinessNotice = 720 * time.Hour
	// maxGround, maxExplanation and maxURL are the DSA Transparency Database's limits for
	// the fields the clause, the explanation and the clause URL end up in.
	maxGround       = 500
	maxExplanation  = 2000
	maxURL          = 500
	maxStrikeWeight = 100
)

var (
	violationName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	dsaKeyword    = regexp.MustCompile(`^KEYWORD_[A-Z0-9_]+$`)
	languageCode  = regexp.MustCompile(`^[a-z]{2}$`)
)

// dsaCategories are the statement categories the DSA Transparency Database accepts.
var dsaCategories = []string{
	"STATEMENT_CATEGORY_ANIMAL_WELFARE",
	"STATEMENT_CATEGORY_CONSUMER_INFORMATION",
	"STATEMENT_CATEGORY_CYBER_VIOLENCE",
	"STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
	"STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
	"STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
	"STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
	"STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
	"STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
	"STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
	"STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
	"STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
	"STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
	"STATEMENT_CATEGORY_SELF_HARM",
	"STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
	"STATEMENT_CATEGORY_VIOLENCE",
}

var severities = []string{string(Low), string(Medium), string(High), string(Critical)}

// ladderMeasures are the measure types a ladder may use: closure only follows closure_pending.
var ladderMeasures = []domain.MeasureType{domain.Warning, domain.Restriction, domain.Hold, domain.Suspension, domain.ClosurePending}

// The keys each mapping of the file may hold.
var (
	topKeys       = []string{"terms_version", "defaults", "violations"}
	defaultsKeys  = []string{"response_window", "notice_period", "reminders", "capabilities_off", "p2b_exception"}
	noticeKeys    = []string{"business", "private"}
	violationKeys = []string{"title", "severity", "terms", "dsa_category", "dsa_keywords", "explanation", "remediation",
		"automation", "strike", "response_window", "notice_period", "p2b_exception", "ladder", "repeat_notices", "translations"}
	termsKeys  = []string{"clause", "text", "url"}
	strikeKeys = []string{"weight", "expires"}
	stepKeys   = []string{"strikes", "measure", "capabilities_off", "duration"}
)

// builtinDefaults fill in whatever a policy's defaults section leaves out.
func builtinDefaults() Defaults {
	return Defaults{
		ResponseWindow: 336 * time.Hour,
		NoticePeriod:   NoticePeriod{Business: minBusinessNotice, Private: minBusinessNotice},
		Reminders:      []time.Duration{72 * time.Hour, 24 * time.Hour},
		Off: map[domain.MeasureType]domain.CapSet{
			domain.Warning:        0,
			domain.Restriction:    caps(domain.CapProposals),
			domain.Hold:           domain.AllCaps &^ caps(domain.CapLogin, domain.CapActiveContracts),
			domain.Suspension:     domain.AllCaps &^ caps(domain.CapLogin),
			domain.ClosurePending: domain.AllCaps &^ caps(domain.CapLogin, domain.CapActiveContracts),
			domain.Closure:        domain.AllCaps,
		},
	}
}

func caps(cs ...domain.Capability) domain.CapSet {
	var s domain.CapSet
	for _, c := range cs {
		b, err := domain.NewCapSet(string(c))
		if err != nil {
			panic(err) // only reached if a domain capability constant stops being known to domain
		}
		s |= b
	}
	return s
}

// Default returns the shipped policy; a test keeps default.yaml valid.
func Default() *Policy {
	p, err := Parse("default.yaml", DefaultYAML)
	if err != nil {
		panic("policy: the embedded default.yaml is invalid:\n" + err.Error())
	}
	return p
}

// Load reads and checks the policy file at path.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return Parse(path, data)
}

// Parse reads and checks a policy file. On any problem it returns Problems listing every one
// found, each at its line and column; filename only labels them.
func Parse(filename string, data []byte) (*Policy, error) {
	r := &reader{file: filename, aliases: map[*ast.AliasNode]ast.Node{}}
	pol := r.policy(data)
	if len(r.problems) > 0 {
		sort.SliceStable(r.problems, func(i, j int) bool {
			a, b := r.problems[i], r.problems[j]
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		})
		return nil, r.problems
	}
	return pol, nil
}

// reader walks the YAML tree of one file, collecting problems as it goes.
type reader struct {
	file     string
	problems Problems
	// aliases maps each alias to the value of the anchor it names.
	aliases map[*ast.AliasNode]ast.Node
}

func (r *reader) report(n ast.Node, path, format string, args ...any) {
	line, col := position(n)
	r.problems = append(r.problems, Problem{File: r.file, Line: line, Col: col, Path: path, Message: fmt.Sprintf(format, args...)})
}

// position is where n starts in the file, or 1:1 when n has no place.
func position(n ast.Node) (line, col int) {
	switch m := n.(type) {
	case nil:
		return 1, 1
	case *ast.DocumentNode:
		return tokenPosition(m.Start)
	case *ast.MappingNode:
		// A block mapping's own token is its first colon; its first key reads better.
		if !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0] != nil && m.Values[0].Key != nil {
			return position(m.Values[0].Key)
		}
	}
	return tokenPosition(n.GetToken())
}

func tokenPosition(t *token.Token) (line, col int) {
	if t == nil || t.Position == nil {
		return 1, 1
	}
	return t.Position.Line, t.Position.Column
}

// policy reads the whole file.
func (r *reader) policy(data []byte) *Policy {
	if len(data) > maxFileSize {
		r.report(nil, "", "the file is %d bytes; a policy file may be at most %d", len(data), maxFileSize)
		return nil
	}
	body, ok := r.parseYAML(data)
	if !ok {
		return nil
	}
	top, isMap := body.(*ast.MappingNode)
	if !isMap {
		r.report(body, "", "the top level must be a mapping with %s, not %s", strings.Join(topKeys, ", "), describe(body))
		return nil
	}
	m := r.mapping(field{key: top, node: top}, topKeys...)
	pol := &Policy{Violations: map[string]*Violation{}}
	pol.TermsVersion = r.nonEmpty(m.req("terms_version"))
	pol.Defaults = r.defaults(m.opt("defaults"))
	r.violations(m.req("violations"), pol)
	return pol
}

// parseYAML returns the body of the file's one document, reporting syntax errors.
func (r *reader) parseYAML(data []byte) (body ast.Node, ok bool) {
	defer func() {
		// goccy/go-yaml panics on some malformed input; the operator should get a problem, not a crash.
		if v := recover(); v != nil {
			r.report(nil, "", "YAML syntax: the parser gave up on this file (%v)", v)
			body, ok = nil, false
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			line, col := tokenPosition(yerr.GetToken())
			r.problems = append(r.problems, Problem{File: r.file, Line: line, Col: col, Message: "YAML syntax: " + yerr.GetMessage()})
		} else {
			r.report(nil, "", "YAML syntax: %v", err)
		}
		return nil, false
	}
	if len(f.Docs) == 0 || f.Docs[0] == nil || f.Docs[0].Body == nil {
		r.report(nil, "", "the file is empty; a policy needs %s", strings.Join(topKeys, ", "))
		return nil, false
	}
	if len(f.Docs) > 1 {
		r.report(f.Docs[1], "", "a policy file holds one YAML document; remove the second --- and what follows")
	}
	body = f.Docs[0].Body
	ast.Walk(&anchors{r: r, byName: map[string]ast.Node{}}, body)
	return r.resolve(body), true
}

// anchors resolves every alias to the value of the nearest anchor of that name before it, as
// YAML does. An anchor counts only once its value is complete, so aliases never loop.
type anchors struct {
	r      *reader
	byName map[string]ast.Node
}

func (a *anchors) Visit(n ast.Node) ast.Visitor {
	switch n := n.(type) {
	case nil:
		return nil
	case *ast.AnchorNode:
		if n.Value != nil {
			ast.Walk(a, n.Value)
		}
		if n.Name != nil && n.Name.GetToken() != nil {
			a.byName[n.Name.GetToken().Value] = n.Value
		}
		return nil
	case *ast.AliasNode:
		if n.Value == nil || n.Value.GetToken() == nil {
			return nil
		}
		name := n.Value.GetToken().Value
		target, ok := a.byName[name]
		if !ok {
			a.r.report(n, "", "alias *%s names no anchor &%s defined before it", name, name)
		}
		a.r.aliases[n] = target
		return nil
	}
	return a
}

// resolve looks through anchors, tags and aliases to the value meant; null becomes nil.
func (r *reader) resolve(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			n = r.aliases[v]
		case *ast.NullNode:
			return nil
		default:
			return n
		}
	}
}

// field is one value in the file with the key (or list entry) that holds it, so a missing or
// empty value can be placed too.
type field struct {
	name string   // the key's text; empty for list entries
	key  ast.Node // the key, or the list entry itself
	node ast.Node // the resolved value; nil when absent or null
	path string
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// entries returns a mapping's keys and values in file order, reporting a value that is not a
// mapping, keys that are not names and duplicate keys.
func (r *reader) entries(f field) []field {
	if f.node == nil {
		return nil
	}
	m, ok := f.node.(*ast.MappingNode)
	if !ok {
		r.report(f.node, f.path, "must be a mapping of key: value, not %s", describe(f.node))
		return nil
	}
	var out []field
	seen := map[string]bool{}
	for _, kv := range m.Values {
		if kv == nil || kv.Key == nil {
			continue
		}
		name, ok := r.keyName(kv.Key, f.path)
		if !ok {
			continue
		}
		path := join(f.path, name)
		if seen[name] {
			r.report(kv.Key, path, "duplicate key %q; each key may appear once", name)
			continue
		}
		seen[name] = true
		out = append(out, field{name: name, key: kv.Key, node: r.resolve(kv.Value), path: path})
	}
	return out
}

func (r *reader) keyName(k ast.MapKeyNode, path string) (string, bool) {
	if k.IsMergeKey() {
		r.report(k, path, "merge keys (<<) are not supported; write the keys out, or alias a whole value with *name")
		return "", false
	}
	switch n := r.resolve(k).(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if t := n.GetToken(); t != nil {
			return t.Value, true
		}
	}
	r.report(k, path, "a key must be a plain name")
	return "", false
}

// mapping is a mapping whose keys were checked against the ones it may hold.
type mapping struct {
	r       *reader
	field   field
	present bool
	fields  map[string]field
}

// mapping reads f as a mapping that may hold only the known keys; unknown keys are reported
// with the nearest known one.
func (r *reader) mapping(f field, known ...string) *mapping {
	m := &mapping{r: r, field: f, fields: map[string]field{}}
	_, m.present = f.node.(*ast.MappingNode)
	for _, e := range r.entries(f) {
		if !slices.Contains(known, e.name) {
			if near := domain.Closest(e.name, known); near != "" {
				r.report(e.key, e.path, "unknown key %q; did you mean %q?", e.name, near)
			} else {
				r.report(e.key, e.path, "unknown key %q; known keys here: %s", e.name, strings.Join(known, ", "))
			}
			continue
		}
		m.fields[e.name] = e
	}
	return m
}

// opt returns the field for key; its node is nil when the key is absent or null.
func (m *mapping) opt(key string) field {
	if f, ok := m.fields[key]; ok {
		return f
	}
	return field{name: key, key: m.field.key, path: join(m.field.path, key)}
}

// req is opt for a key that must be given.
func (m *mapping) req(key string) field {
	f := m.opt(key)
	switch {
	case f.node != nil || !m.present:
	case f.key != m.field.key:
		m.r.report(f.key, f.path, "needs a value")
	default:
		m.r.report(f.key, f.path, "missing; this key is required")
	}
	return f
}

// describe names a value's kind for "must be X, not Y" messages.
func describe(n ast.Node) string {
	switch n := n.(type) {
	case nil:
		return "nothing"
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode:
		return fmt.Sprintf("the text %q", clip(n.Value))
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + tokenText(n)
	case *ast.BoolNode:
		return tokenText(n)
	}
	return "a YAML " + n.Type().String()
}

func tokenText(n ast.Node) string {
	if t := n.GetToken(); t != nil {
		return t.Value
	}
	return ""
}

// clip shortens long text quoted back in a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// scalar reads a scalar as the text it was written as, so that clause: 4.10 stays "4.10";
// want says what was expected, for the message when it is not a scalar.
func (r *reader) scalar(f field, want string) (string, bool) {
	switch n := f.node.(type) {
	case nil:
		return "", false
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		if n.Value != nil {
			return n.Value.Value, true
		}
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return tokenText(n), true
	}
	r.report(f.node, f.path, "must be %s, not %s", want, describe(f.node))
	return "", false
}

func (r *reader) text(f field) (string, bool) { return r.scalar(f, "text") }

// nonEmpty reads text that, when given, must say something.
func (r *reader) nonEmpty(f field) string {
	s, ok := r.text(f)
	if ok && strings.TrimSpace(s) == "" {
		r.report(f.node, f.path, "must not be empty")
	}
	return s
}

func (r *reader) integer(f field) (int, bool) {
	n, isInt := f.node.(*ast.IntegerNode)
	switch {
	case f.node == nil:
		return 0, false
	case !isInt:
		r.report(f.node, f.path, "must be a whole number, not %s", describe(f.node))
		return 0, false
	}
	switch v := n.Value.(type) {
	case int64:
		if v >= -1<<31 && v < 1<<31 {
			return int(v), true
		}
	case uint64:
		if v < 1<<31 {
			return int(v), true
		}
	}
	r.report(f.node, f.path, "%s is out of range", tokenText(n))
	return 0, false
}

// duration reads a positive Go duration.
func (r *reader) duration(f field) (time.Duration, bool) {
	s, ok := r.scalar(f, "a duration such as 720h")
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.report(f.node, f.path, "%q is not a Go duration (use hours, e.g. 720h)", clip(s))
		return 0, false
	}
	if d <= 0 {
		r.report(f.node, f.path, "must be longer than zero, got %s", s)
		return 0, false
	}
	return d, true
}

// list returns a list's entries, reporting a value that is not a list and empty entries.
func (r *reader) list(f field) []field {
	var out []field
	switch n := f.node.(type) {
	case nil:
	case *ast.SequenceNode:
		for i, v := range n.Values {
			e := field{key: v, node: r.resolve(v), path: fmt.Sprintf("%s[%d]", f.path, i)}
			if e.node == nil {
				r.report(e.key, e.path, "empty list entry")
				continue
			}
			out = append(out, e)
		}
	default:
		r.report(f.node, f.path, "must be a list, not %s", describe(f.node))
	}
	return out
}

// off reads the capabilities a measure of type t switches off.
func (r *reader) off(t domain.MeasureType, f field) domain.CapSet {
	var set domain.CapSet
	for _, e := range r.list(f) {
		name, ok := r.text(e)
		if !ok {
			continue
		}
		c, err := domain.NewCapSet(name)
		if err != nil {
			r.report(e.node, e.path, "unknown capability %q; valid: all, %s", clip(name), capabilityNames())
			continue
		}
		set |= c
	}
	if t == domain.Restriction && set == 0 && f.node != nil {
		r.report(f.node, f.path, "a restriction must switch off at least one capability")
	}
	return set
}

func capabilityNames() string {
	names := make([]string, len(domain.Capabilities))
	for i, c := range domain.Capabilities {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

func measureNames(ts []domain.MeasureType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// hours writes a duration the way the file does, e.g. 168h.
func hours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

func (r *reader) defaults(f field) Defaults {
	d := builtinDefaults()
	m := r.mapping(f, defaultsKeys...)
	if v, ok := r.duration(m.opt("response_window")); ok {
		d.ResponseWindow = v
	}
	d.P2BException = r.nonEmpty(m.opt("p2b_exception"))
	d.NoticePeriod = r.noticePeriod(m.opt("notice_period"), d.NoticePeriod, d.P2BException)
	if rf := m.opt("reminders"); rf.node != nil {
		d.Reminders = []time.Duration{}
		for _, e := range r.list(rf) {
			if v, ok := r.duration(e); ok {
				d.Reminders = append(d.Reminders, v)
			}
		}
	}
	for _, e := range r.entries(m.opt("capabilities_off")) {
		t, ok := domain.ParseMeasureType(e.name)
		if !ok {
			r.report(e.key, e.path, "unknown measure type %q; valid: %s", e.name, measureNames(domain.MeasureTypes))
			continue
		}
		if e.node != nil {
			d.Off[t] = r.off(t, e)
		}
	}
	return d
}

// noticePeriod reads a notice period over inherited, key by key. A business notice under 30
// days needs a P2B Art. 4(4) ground, given as exception.
func (r *reader) noticePeriod(f field, inherited NoticePeriod, exception string) NoticePeriod {
	np := inherited
	m := r.mapping(f, noticeKeys...)
	if v, ok := r.duration(m.opt("private")); ok {
		np.Private = v
	}
	b := m.opt("business")
	if v, ok := r.duration(b); ok {
		np.Business = v
		if v < minBusinessNotice && exception == "" {
			r.report(b.node, b.path, "%s is under the 30 days (720h) EU P2B Art. 4(2) requires before closing a business account; "+
				"raise it, or state the legal ground for the exception in p2b_exception", hours(v))
		}
	}
	return np
}

func (r *reader) violations(f field, pol *Policy) {
	if m, ok := f.node.(*ast.MappingNode); ok && len(m.Values) == 0 {
		r.report(f.key, f.path, "the policy needs at least one violation")
	}
	for _, e := range r.entries(f) {
		if !violationName.MatchString(e.name) {
			r.report(e.key, e.path, "violation name %q must be lower case letters, digits and _, starting with a letter (e.g. fake_reviews)", clip(e.name))
		}
		v := r.violation(e, pol.Defaults)
		pol.Violations[e.name] = v
		pol.Order = append(pol.Order, e.name)
	}
}

func (r *reader) violation(f field, d Defaults) *Violation {
	if f.node == nil {
		r.report(f.key, f.path, "is empty; a violation needs title, severity, terms, dsa_category, explanation, remediation, strike and ladder")
	}
	m := r.mapping(f, violationKeys...)
	v := &Violation{Name: f.name}
	v.Title = r.nonEmpty(m.req("title"))

	sf := m.req("severity")
	if s, ok := r.text(sf); ok {
		if !slices.Contains(severities, s) {
			r.report(sf.node, sf.path, "unknown severity %q; valid: %s", clip(s), strings.Join(severities, ", "))
		}
		v.Severity = Severity(s)
	}

	v.Terms = r.terms(m.req("terms"))

	cf := m.req("dsa_category")
	if s, ok := r.text(cf); ok {
		switch {
		case slices.Contains(dsaCategories, s):
			v.DSACategory = s
		case slices.Contains(dsaCategories, "STATEMENT_CATEGORY_"+s):
			r.report(cf.node, cf.path, "unknown DSA category %q; did you mean STATEMENT_CATEGORY_%s?", s, s)
		default:
			r.report(cf.node, cf.path, "unknown DSA category %q; valid: %s", clip(s), strings.Join(dsaCategories, ", "))
		}
	}
	for _, e := range r.list(m.opt("dsa_keywords")) {
		if s, ok := r.text(e); ok {
			if !dsaKeyword.MatchString(s) {
				r.report(e.node, e.path, "%q is not a DSA keyword; keywords are KEYWORD_ followed by upper case, e.g. KEYWORD_OTHER", clip(s))
			}
			v.DSAKeywords = append(v.DSAKeywords, s)
		}
	}

	ef := m.req("explanation")
	if v.Explanation = r.nonEmpty(ef); len(v.Explanation) > maxExplanation {
		r.report(ef.node, ef.path, "is %d characters; at most %d fit the DSA statement of reasons", len(v.Explanation), maxExplanation)
	}

	rf := m.req("remediation")
	if _, ok := rf.node.(*ast.SequenceNode); ok && len(r.list(rf)) == 0 {
		r.report(rf.node, rf.path, "needs at least one step the account holder can take")
	}
	for _, e := range r.list(rf) {
		v.Remediation = append(v.Remediation, r.nonEmpty(e))
	}

	af := m.opt("automation")
	switch s, _ := r.text(af); s {
	case "", "review":
	case "allowed":
		v.Automation = true
	default:
		r.report(af.node, af.path, "unknown automation %q; valid: review (a person confirms every measure), allowed (detection rules may apply measures)", clip(s))
	}

	v.Strike = r.strike(m.req("strike"))

	v.ResponseWindow = d.ResponseWindow
	if w, ok := r.duration(m.opt("response_window")); ok {
		v.ResponseWindow = w
	}
	v.P2BException = d.P2BException
	if s := r.nonEmpty(m.opt("p2b_exception")); s != "" {
		v.P2BException = s
	}
	v.NoticePeriod = r.noticePeriod(m.opt("notice_period"), d.NoticePeriod, v.P2BException)
	v.Ladder = r.ladder(m.req("ladder"), d)
	v.Translations = r.translations(m.opt("translations"))
	if rf := m.opt("repeat_notices"); rf.node != nil {
		rm := r.mapping(rf, "count", "within")
		cf := rm.req("count")
		if n, ok := r.integer(cf); ok {
			if n < 2 {
				r.report(cf.node, cf.path, "must be 2 or more: one notice is not a repeat, got %d", n)
			}
			v.RepeatNotices.Count = n
		}
		v.RepeatNotices.Within, _ = r.duration(rm.req("within"))
	}
	return v
}

// translations reads a violation's texts in other languages, keyed by ISO 639-1 code.
func (r *reader) translations(f field) map[string]Text {
	if f.node == nil {
		return nil
	}
	out := map[string]Text{}
	for _, e := range r.entries(f) {
		if !languageCode.MatchString(e.name) {
			r.report(e.key, e.path, "%q is not a language: use a two-letter ISO 639-1 code in lower case, e.g. de", clip(e.name))
		}
		m := r.mapping(e, "title", "terms_text", "explanation", "remediation")
		t := Text{Title: r.nonEmpty(m.opt("title")), TermsText: r.nonEmpty(m.opt("terms_text")), Explanation: r.nonEmpty(m.opt("explanation"))}
		for _, step := range r.list(m.opt("remediation")) {
			t.Remediation = append(t.Remediation, r.nonEmpty(step))
		}
		out[e.name] = t
	}
	return out
}

func (r *reader) terms(f field) Terms {
	m := r.mapping(f, termsKeys...)
	var t Terms
	t.Clause = r.nonEmpty(m.req("clause"))
	tf := m.req("text")
	// The notice quotes clause and text together as the contractual ground.
	if t.Text = r.nonEmpty(tf); len(t.Clause)+1+len(t.Text) > maxGround {
		r.report(tf.node, tf.path, "clause and text together are %d characters; at most %d fit the DSA statement of reasons", len(t.Clause)+1+len(t.Text), maxGround)
	}
	uf := m.req("url")
	if s, ok := r.text(uf); ok {
		u, err := url.Parse(s)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			r.report(uf.node, uf.path, "%q is not an absolute http(s) URL, e.g. https://marketplace.example/terms#4-1", clip(s))
		case len(s) > maxURL:
			r.report(uf.node, uf.path, "is %d characters; at most %d fit the DSA statement of reasons", len(s), maxURL)
		}
		t.URL = s
	}
	return t
}

func (r *reader) strike(f field) Strike {
	m := r.mapping(f, strikeKeys...)
	var s Strike
	wf := m.req("weight")
	if w, ok := r.integer(wf); ok {
		if w < 1 || w > maxStrikeWeight {
			r.report(wf.node, wf.path, "must be from 1 to %d, got %d", maxStrikeWeight, w)
		}
		s.Weight = w
	}
	s.Expires, _ = r.duration(m.req("expires"))
	return s
}

func (r *reader) ladder(f field, d Defaults) []Step {
	steps := r.list(f)
	if _, ok := f.node.(*ast.SequenceNode); ok && len(steps) == 0 {
		r.report(f.node, f.path, "needs at least one step, the first at strikes: 0")
	}
	out := make([]Step, 0, len(steps))
	prev := -1
	for i, e := range steps {
		m := r.mapping(e, stepKeys...)
		var s Step
		sf := m.req("strikes")
		if n, ok := r.integer(sf); ok {
			switch {
			case i == 0 && n != 0:
				r.report(sf.node, sf.path, "the first step must be at strikes: 0, so that a first violation has a measure; got %d", n)
			case i > 0 && n <= prev:
				r.report(sf.node, sf.path, "%d does not exceed the previous step's %d; strikes must increase from step to step", n, prev)
			}
			s.Strikes, prev = n, max(prev, n)
		}

		mf := m.req("measure")
		if name, ok := r.text(mf); ok {
			switch t, known := domain.ParseMeasureType(name); {
			case !known:
				r.report(mf.node, mf.path, "unknown measure type %q; valid in a ladder: %s", clip(name), measureNames(ladderMeasures))
			case t == domain.Closure:
				r.report(mf.node, mf.path, "a ladder may not contain closure: a permanent closure only follows closure_pending once its notice period has run out; use closure_pending")
			default:
				s.Measure = t
			}
		}

		s.Off = d.Off[s.Measure]
		if of := m.opt("capabilities_off"); of.node != nil {
			s.Off = r.off(s.Measure, of)
		}

		df := m.opt("duration")
		if v, ok := r.duration(df); ok {
			switch s.Measure {
			case domain.Restriction, domain.Suspension:
				s.Duration = v
			case domain.Warning:
				r.report(df.node, df.path, "a warning has no duration: its strike lasts strike.expires")
			case domain.Hold:
				r.report(df.node, df.path, "a hold has no duration: it lasts until the holder's response is reviewed, with response_window to reply")
			case domain.ClosurePending:
				r.report(df.node, df.path, "closure_pending has no duration: it lasts the notice_period")
			}
		} else if df.node == nil && s.Measure == domain.Suspension {
			r.report(mf.node, df.path, "a suspension needs a duration: it ends by itself when that runs out")
		}
		out = append(out, s)
	}
	return out
}
