package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultRulesParse(t *testing.T) {
	rs := DefaultRules()
	if len(rs) < 10 {
		t.Fatalf("%d default rules", len(rs))
	}
	shadow := 0
	for _, r := range rs {
		if r.Version != 1 || r.Description == "" {
			t.Errorf("%s: version %d, description %q", r.Name, r.Version, r.Description)
		}
		if r.Mode == Shadow {
			shadow++
		}
		c, err := Compile(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Keep the pack well inside the limit, so that it can grow.
		if c.Cost.Max > DefaultLimits.MaxEstimatedCost/10 {
			t.Errorf("%s: estimated cost %d", r.Name, c.Cost.Max)
		}
	}
	if shadow == 0 {
		t.Error("the default pack shows no shadow rule")
	}
}

func TestParseFileReportsLines(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"expression error in a literal block", `rules:
  - name: a
    expr: |
      event.type == "login" &&
        features.logins_1hh > 2
    outcome: {score: 1}
`, []string{`x.yaml:5:9: rule "a": expr (2:3): unknown feature features.logins_1hh (did you mean features.logins_1h?)`}},
		{"syntax error in a quoted expression", `rules:
  - name: b
    expr: "event.type == "
    outcome: {score: 1}
`, []string{`x.yaml:3:26: rule "b": expr (1:15): Syntax error`}},
		{"measure the policy does not allow", `rules:
  - name: c
    expr: features.chargebacks_1h > 2
    outcome:
      violation: fraud
      measure: hold
`, []string{`x.yaml:6:16: rule "c": outcome.measure: the policy says automation: review`}},
		{"cost", `rules:
  - name: d
    expr: event.data.a.all(x, event.data.a.all(y, x == y))
    outcome: {score: 1}
`, []string{`x.yaml:3:11: rule "d": expr: this rule could run away`}},
		{"unknown key", `rules:
  - name: e
    exprr: "true"
    outcome: {score: 1}
`, []string{`x.yaml:3:5: rule "e": unknown key "exprr" (did you mean expr?)`}},
		{"wrong type", `rules:
  - name: f
    version: two
    expr: "true"
    outcome: {score: 1}
`, []string{`x.yaml:3:`, `rule "f"`}},
		{"duplicate", `rules:
  - {name: g, expr: "true", outcome: {score: 1}}
  - {name: g, expr: "false", outcome: {score: 1}}
`, []string{`x.yaml:3:`, `rule "g": defined twice (first at line 2)`}},
		{"every bad rule, in order", `rules:
  - {name: h, expr: "1", outcome: {score: 1}}
  - {name: ok, expr: "true", outcome: {score: 1}}
  - {name: i, expr: "true", outcome: {}}
`, []string{`x.yaml:2:`, `must return bool`, `x.yaml:4:`, `outcome does nothing`}},
		{"YAML syntax", "rules:\n  - name: [unclosed\n", []string{"x.yaml:2:", "YAML syntax"}},
		{"no rules key", "rulez: []\n", []string{`x.yaml:1:1: unknown key "rulez"`}},
		{"not a list", "rules: {name: a}\n", []string{"rules must be a list"}},
		{"empty", "", []string{"x.yaml:1:1: the file is empty"}},
		{"top level list", "- name: a\n", []string{"the top level must be a mapping"}},
		{"two documents", "rules: []\n---\nrules: []\n", []string{"one YAML document"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFile("x.yaml", []byte(c.src))
			if err == nil {
				t.Fatal("parsed")
			}
			var fe *FileError
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("%T is not a *FileError: %v", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			// The problems come in file order.
			for i := 1; i < len(fe.Problems); i++ {
				if fe.Problems[i].Line < fe.Problems[i-1].Line {
					t.Errorf("problems out of order: %v", err)
				}
			}
		})
	}
}

func TestParseFileDefaults(t *testing.T) {
	rs, err := ParseFile("x.yaml", []byte("rules:\n  - name: a\n    expr: features.logins_1h > 3\n    outcome: {score: 5}\n  - {name: b, version: 4, mode: shadow, expr: \"true\", outcome: {tag: t}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Version != 1 || rs[0].Mode != "" || rs[1].Version != 4 || rs[1].Mode != Shadow || rs[1].Outcome.Tag != "t" {
		t.Errorf("rules %+v", rs)
	}
	if rs, err := ParseFile("x.yaml", []byte("rules: []\n")); err != nil || len(rs) != 0 {
		t.Errorf("an empty list: %v, %v", rs, err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(path, DefaultRulesYAML, 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := LoadFile(path)
	if err != nil || len(rs) != len(DefaultRules()) {
		t.Fatalf("LoadFile: %d rules, %v", len(rs), err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(big); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("big file: %v", err)
	}
}
