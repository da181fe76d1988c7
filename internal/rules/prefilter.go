package rules

import (
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"

	celast "cel.dev/cel-go/common/ast"
)

// eventTypes returns the event types a rule can match at all, when its expression requires
// `event.type == "x"` or `event.type in ["x", …]` at the top of its && chain; nil when it
// does not say. The engine skips the rule for every other type without evaluating it.
func eventTypes(e celast.Expr) []string {
	if e.Kind() != celast.CallKind {
		return nil
	}
	call := e.AsCall()
	switch call.FunctionName() {
	case operators.LogicalAnd:
		var out []string
		for _, a := range call.Args() {
			if ts := eventTypes(a); ts != nil {
				if out != nil {
					out = intersect(out, ts)
				} else {
					out = ts
				}
			}
		}
		return out
	case operators.Equals:
		args := call.Args()
		if isEventType(args[0]) {
			if s, ok := stringLit(args[1]); ok {
				return []string{s}
			}
		}
		if isEventType(args[1]) {
			if s, ok := stringLit(args[0]); ok {
				return []string{s}
			}
		}
	case operators.In:
		args := call.Args()
		if isEventType(args[0]) && args[1].Kind() == celast.ListKind {
			out := []string{}
			for _, el := range args[1].AsList().Elements() {
				s, ok := stringLit(el)
				if !ok {
					return nil
				}
				out = append(out, s)
			}
			return out
		}
	}
	return nil
}

// isEventType reports whether e reads event.type, as a select or as a qualified name.
func isEventType(e celast.Expr) bool {
	switch e.Kind() {
	case celast.SelectKind:
		s := e.AsSelect()
		return !s.IsTestOnly() && s.FieldName() == "type" && s.Operand().Kind() == celast.IdentKind && s.Operand().AsIdent() == "event"
	case celast.IdentKind:
		return e.AsIdent() == "event.type"
	}
	return false
}

func stringLit(e celast.Expr) (string, bool) {
	if e.Kind() != celast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().(types.String)
	return string(s), ok
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}
