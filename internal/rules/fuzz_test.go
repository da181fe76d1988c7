package rules

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func FuzzCompile(f *testing.F) {
	for _, r := range DefaultRules() {
		f.Add(r.Expr)
	}
	for _, s := range []string{"", "true", "1 +", "features.logins_1hh > 1", "event.tpye", "evnt.type == 1",
		`event.data.a.all(x, event.data.a.all(y, x == y))`, `"\xff" == event.type`, "((((((((((true))))))))))",
		`event.data.?x.orValue([]).map(y, y * 2).size() > 0`, "account.profile['x'] == 'y'", "timestamp('x') < event.time",
		"features.", "event.", "a.b.c.d", "[1,2,3].exists(x, x > 2) ? true : false", "dyn(1) == 1"} {
		f.Add(s)
	}
	in := Input{Event: ev("a", "message", t0, "text", "pay me directly", "a", []any{1.0, 2.0}), Features: &Features{}}
	f.Fuzz(func(t *testing.T, expr string) {
		c, err := Compile(Rule{Name: "fuzz", Version: 1, Expr: expr, Outcome: Outcome{Score: 1}}, nil)
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("%q: error %T %v is not a *CompileError with problems", expr, err, err)
			}
			for _, p := range ce.Problems {
				if strings.TrimSpace(p.Message) == "" || p.Field == "" {
					t.Fatalf("%q: a problem without a message or field: %+v", expr, p)
				}
			}
			return
		}
		// What compiles evaluates without panicking and within its limits.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = c.Eval(ctx, in)
	})
}

func FuzzParseFile(f *testing.F) {
	f.Add(string(DefaultRulesYAML))
	for _, s := range []string{"", "rules: []\n", "rules:\n  - name: a\n    expr: \"true\"\n    outcome: {score: 1}\n",
		"rules:\n  - name: [\n", "rules: &a [*a]\n", "- a\n", "rules:\n  - !!binary x\n", "rules:\n  - {name: a, expr: |\n  x}\n",
		"rules:\n  - name: a\n    expr: |\n      1 +\n    outcome: {}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rs, err := ParseFile("f.yaml", []byte(src))
		if err == nil {
			for _, r := range rs {
				if _, err := Compile(r, nil); err != nil {
					t.Fatalf("ParseFile accepted a rule that does not compile: %v", err)
				}
			}
			return
		}
		var fe *FileError
		if !errors.As(err, &fe) || len(fe.Problems) == 0 {
			t.Fatalf("error %T %v is not a *FileError with problems", err, err)
		}
		for _, p := range fe.Problems {
			if p.Line < 1 || p.Col < 1 || p.File != "f.yaml" || p.Message == "" {
				t.Fatalf("problem without a place or message: %+v", p)
			}
		}
	})
}
