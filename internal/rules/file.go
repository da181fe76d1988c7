package rules

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// DefaultRulesYAML is the shipped rule pack for a freelance marketplace.
//
//go:embed default_rules.yaml
var DefaultRulesYAML []byte

// DefaultRules returns the shipped rule pack; a test keeps it valid against the default policy.
func DefaultRules() []Rule {
	rs, err := ParseFile("default_rules.yaml", DefaultRulesYAML)
	if err != nil {
		panic("rules: the embedded default_rules.yaml is invalid:\n" + err.Error())
	}
	return rs
}

// Limits on a rules file.
const (
	MaxFileSize     = 1 << 20
	MaxRulesPerFile = 1000
)

// FileProblem is one thing wrong in a rules file, at its line and column.
type FileProblem struct {
	File      string
	Line, Col int
	Rule      string // the rule's name, when known
	Message   string
}

func (p FileProblem) String() string {
	if p.Rule != "" {
		return fmt.Sprintf("%s:%d:%d: rule %q: %s", p.File, p.Line, p.Col, p.Rule, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
}

// FileError lists every problem of one rules file, in file order.
type FileError struct {
	Problems []FileProblem
}

func (e *FileError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// LoadFile reads and checks the rules file at path against the default policy.
func LoadFile(path string) ([]Rule, error) {
	return LoadFileFor(path, nil, DefaultLimits)
}

// LoadFileFor reads and checks the rules file at path against pol under lim.
func LoadFileFor(path string, pol *policy.Policy, lim Limits) ([]Rule, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("rules: %s is %d bytes; a rules file may be at most %d", path, st.Size(), MaxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return ParseFileFor(path, data, pol, lim)
}

// ParseFile reads and checks a rules file against the default policy; name only labels the
// problems.
func ParseFile(name string, data []byte) ([]Rule, error) {
	return ParseFileFor(name, data, nil, DefaultLimits)
}

// ParseFileFor reads a rules file and compiles every rule in it against pol under lim. On any
// problem it returns a *FileError listing them all at their lines: a compile error in an
// expression at the expression's own line where it can be placed, else at the rule's.
//
// The file is one mapping with a list of rules:
//
//	rules:
//	  - name: payment_velocity
//	    version: 1            # optional, 1 by default
//	    mode: shadow          # active (default) or shadow
//	    description: …
//	    expr: features.payments_1h >= 10
//	    outcome: {score: 60, tag: payment_velocity, review: true, violation: fraud}
func ParseFileFor(name string, data []byte, pol *policy.Policy, lim Limits) (rules []Rule, err error) {
	fp := &fileParser{name: name, data: data}
	defer func() {
		// goccy/go-yaml panics on some malformed input; report it instead of crashing.
		if v := recover(); v != nil {
			rules, err = nil, &FileError{Problems: []FileProblem{{File: name, Line: 1, Col: 1, Message: fmt.Sprintf("YAML syntax: the parser gave up on this file (%v)", v)}}}
		}
	}()
	rules = fp.parse(pol, lim)
	if len(fp.problems) > 0 {
		sort.SliceStable(fp.problems, func(i, j int) bool {
			a, b := fp.problems[i], fp.problems[j]
			return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
		})
		return nil, &FileError{Problems: fp.problems}
	}
	return rules, nil
}

type fileParser struct {
	name     string
	data     []byte
	problems []FileProblem
}

func (fp *fileParser) report(n ast.Node, rule, format string, args ...any) {
	line, col := nodePos(n)
	fp.problems = append(fp.problems, FileProblem{File: fp.name, Line: line, Col: col, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func nodePos(n ast.Node) (line, col int) {
	if n == nil {
		return 1, 1
	}
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0].Key != nil {
		return nodePos(m.Values[0].Key)
	}
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position.Line, max(t.Position.Column, 1)
	}
	return 1, 1
}

var ruleKeys = []string{"name", "version", "mode", "description", "expr", "outcome"}

func (fp *fileParser) parse(pol *policy.Policy, lim Limits) []Rule {
	if len(fp.data) > MaxFileSize {
		fp.report(nil, "", "the file is %d bytes; a rules file may be at most %d", len(fp.data), MaxFileSize)
		return nil
	}
	f, err := parser.ParseBytes(fp.data, 0)
	if err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			line, col := 1, 1
			if t := yerr.GetToken(); t != nil && t.Position != nil {
				line, col = t.Position.Line, max(t.Position.Column, 1)
			}
			fp.problems = append(fp.problems, FileProblem{File: fp.name, Line: line, Col: col, Message: "YAML syntax: " + yerr.GetMessage()})
		} else {
			fp.report(nil, "", "YAML syntax: %v", err)
		}
		return nil
	}
	if len(f.Docs) == 0 || f.Docs[0] == nil || f.Docs[0].Body == nil {
		fp.report(nil, "", "the file is empty; a rules file is a mapping with a list under rules:")
		return nil
	}
	if len(f.Docs) > 1 {
		fp.report(f.Docs[1], "", "a rules file holds one YAML document; remove the second --- and what follows")
	}
	top, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		fp.report(f.Docs[0].Body, "", "the top level must be a mapping with a list under rules:")
		return nil
	}
	var list *ast.SequenceNode
	for _, kv := range top.Values {
		k := keyName(kv)
		if k != "rules" {
			fp.report(kv.Key, "", "unknown key %q; a rules file has only rules:", k)
			continue
		}
		if list, ok = kv.Value.(*ast.SequenceNode); !ok {
			fp.report(kv.Value, "", "rules must be a list of rules (each item starting with -)")
			return nil
		}
	}
	if list == nil {
		fp.report(top, "", "no rules: key; a rules file is a mapping with a list under rules:")
		return nil
	}
	if len(list.Values) > MaxRulesPerFile {
		fp.report(list, "", "%d rules; a file may hold at most %d", len(list.Values), MaxRulesPerFile)
		return nil
	}
	var rules []Rule
	seen := map[string]int{}
	for _, item := range list.Values {
		r, ok := fp.rule(item, pol, lim)
		if !ok {
			continue
		}
		if line, dup := seen[r.Name]; dup {
			fp.report(item, r.Name, "defined twice (first at line %d); rule names must be unique", line)
			continue
		}
		seen[r.Name], _ = nodePos(item)
		rules = append(rules, r)
	}
	return rules
}

func keyName(kv *ast.MappingValueNode) string {
	if kv.Key == nil {
		return ""
	}
	if s, ok := kv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return kv.Key.String()
}

// rule decodes and compiles one item of the list.
func (fp *fileParser) rule(item ast.Node, pol *policy.Policy, lim Limits) (Rule, bool) {
	m, ok := item.(*ast.MappingNode)
	if !ok {
		fp.report(item, "", "each rule must be a mapping with %s", strings.Join(ruleKeys, ", "))
		return Rule{}, false
	}
	fields := map[string]*ast.MappingValueNode{}
	name := ""
	for _, kv := range m.Values {
		if s, ok := kv.Value.(*ast.StringNode); ok && keyName(kv) == "name" {
			name = s.Value
		}
	}
	bad := false
	for _, kv := range m.Values {
		k := keyName(kv)
		if !contains(ruleKeys, k) {
			msg := fmt.Sprintf("unknown key %q; a rule has %s", k, strings.Join(ruleKeys, ", "))
			if c := domain.Closest(k, ruleKeys); c != "" {
				msg = fmt.Sprintf("unknown key %q (did you mean %s?)", k, c)
			}
			fp.report(kv.Key, name, "%s", msg)
			bad = true
			continue
		}
		fields[k] = kv
	}
	if bad {
		return Rule{}, false
	}
	var r Rule
	if err := yaml.NodeToValue(m, &r, yaml.DisallowUnknownField()); err != nil {
		var yerr yaml.Error
		if errors.As(err, &yerr) && yerr.GetToken() != nil && yerr.GetToken().Position != nil {
			t := yerr.GetToken()
			fp.problems = append(fp.problems, FileProblem{File: fp.name, Line: t.Position.Line, Col: max(t.Position.Column, 1), Rule: name, Message: yerr.GetMessage()})
		} else {
			fp.report(item, name, "%v", err)
		}
		return Rule{}, false
	}
	if fields["version"] == nil {
		r.Version = 1
	}
	if _, err := CompileWith(r, pol, lim); err != nil {
		var ce *CompileError
		if !errors.As(err, &ce) {
			fp.report(item, name, "%v", err)
			return Rule{}, false
		}
		for _, p := range ce.Problems {
			fp.place(item, fields, name, p)
		}
		return Rule{}, false
	}
	return r, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// place reports a compile problem at the best place in the file: inside the expression when
// it has a position, else at the field's value, else at the rule.
func (fp *fileParser) place(item ast.Node, fields map[string]*ast.MappingValueNode, name string, p Problem) {
	field, sub, _ := strings.Cut(p.Field, ".")
	kv := fields[field]
	if kv == nil {
		fp.report(item, name, "%s", p.String())
		return
	}
	line, col := nodePos(kv.Value)
	if m, ok := kv.Value.(*ast.MappingNode); ok && sub != "" {
		for _, skv := range m.Values {
			if keyName(skv) == sub {
				line, col = nodePos(skv.Value)
			}
		}
	}
	msg := p.Field + ": " + p.Message
	if field == "expr" && p.Line > 0 {
		line, col = fp.exprPos(kv.Value, p.Line, p.Col)
		msg = fmt.Sprintf("expr (%d:%d): %s", p.Line, p.Col, p.Message)
	}
	fp.problems = append(fp.problems, FileProblem{File: fp.name, Line: line, Col: col, Rule: name, Message: msg})
}

// exprPos maps line:col inside an expression to the file.
func (fp *fileParser) exprPos(v ast.Node, line, col int) (int, int) {
	switch n := v.(type) {
	case *ast.LiteralNode:
		hl, _ := nodePos(n)
		if strings.HasPrefix(n.Start.Value, "|") {
			// A literal block keeps lines: expression line k is the k-th line after the header.
			// Columns count from the block's indentation, that of its first line.
			return hl + line, fp.indent(hl+1) + col
		}
		return hl + 1, fp.indent(hl+1) + 1 // folded: the lines are joined; point at its start
	case *ast.StringNode:
		l, c := nodePos(n)
		if line == 1 {
			if t := n.GetToken(); t != nil && (t.Type == token.DoubleQuoteType || t.Type == token.SingleQuoteType) {
				c++
			}
			return l, c + col - 1
		}
		return l, c
	}
	return nodePos(v)
}

// indent counts the leading spaces of line n (1-based) of the file.
func (fp *fileParser) indent(n int) int {
	lines := bytes.SplitN(fp.data, []byte("\n"), n+1)
	if n < 1 || n > len(lines) {
		return 0
	}
	l := lines[n-1]
	return len(l) - len(bytes.TrimLeft(l, " "))
}
