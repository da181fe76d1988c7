package policy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// valid is a small correct policy; the mistake tests edit its lines by number: 3
// response_window, 4 notice_period, 6 spam, 8 severity, 9 terms, 10 clause, 12 url,
// 13 dsa_category, 14 dsa_keywords, 16 remediation, 17 automation, 18 strike, 19 ladder and
// 20 to 23 its steps at strikes 0, 2, 4 and 6.
const valid = `terms_version: "2026-09"
defaults:
  response_window: 336h
  notice_period: {business: 720h, private: 720h}
violations:
  spam:
    title: Spam
    severity: low
    terms:
      clause: "7.4"
      text: You must not send bulk messages.
      url: https://marketplace.example/terms#7-4
    dsa_category: STATEMENT_CATEGORY_OTHER_VIOLATION_TC
    dsa_keywords: [KEYWORD_OTHER]
    explanation: Bulk messages bury the proposals clients asked for.
    remediation: [Stop sending bulk messages.]
    automation: allowed
    strike: {weight: 1, expires: 2s}
    ladder:
      - {strikes: 0, measure: warning}
      - {strikes: 2, measure: restriction, capabilities_off: [messaging], duration: 2s}
      - {strikes: 4, measure: suspension, duration: 3s}
      - {strikes: 6, measure: closure_pending}
`

// edit returns valid with each old line (1-based) replaced by its new text, which may be
// several lines or none.
func edit(t *testing.T, lines map[int]string) string {
	t.Helper()
	src := strings.Split(valid, "\n")
	for n, text := range lines {
		if n < 1 || n > len(src) {
			t.Fatalf("line %d is not in the valid policy", n)
		}
		src[n-1] = text
	}
	var out []string
	for _, l := range src {
		if l != "\x00" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// deleted marks a line for edit to drop.
const deleted = "\x00"

func mustParse(t *testing.T, src string) *Policy {
	t.Helper()
	p, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func problems(t *testing.T, src string) Problems {
	t.Helper()
	p, err := Parse("test.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Parse accepted a policy with a mistake: %+v", p)
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Parse returned %T, want Problems: %v", err, err)
	}
	return ps
}

// requireProblem fails unless some problem sits on line and its message holds want.
func requireProblem(t *testing.T, ps Problems, line int, want string) {
	t.Helper()
	for _, p := range ps {
		if p.Line == line && strings.Contains(p.Message, want) {
			return
		}
	}
	t.Errorf("no problem on line %d saying %q; got:\n%v", line, want, ps)
}

func TestDefaultPolicyIsValidAndCoversTheMarketplace(t *testing.T) {
	p := Default()
	for _, name := range []string{"fraud", "misleading_profile", "copyright_infringement", "off_platform_payment",
		"multiple_accounts", "identity_unverified", "harassment", "fake_reviews"} {
		v, err := p.Violation(name)
		if err != nil {
			t.Errorf("default policy: %v", err)
			continue
		}
		if len(v.Remediation) == 0 || v.Explanation == "" || v.Terms.URL == "" || len(v.Ladder) == 0 {
			t.Errorf("%s is incomplete: %+v", name, v)
		}
	}
	if len(p.Order) != len(p.Violations) {
		t.Errorf("Order lists %d names for %d violations", len(p.Order), len(p.Violations))
	}
}

func TestDefaultPolicyClassifiesViolationsForTheDSA(t *testing.T) {
	p := Default()
	for _, tc := range []struct {
		name, category, keyword string
	}{
		{"fraud", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", ""},
		{"copyright_infringement", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", "KEYWORD_COPYRIGHT_INFRINGEMENT"},
		{"fake_reviews", "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "KEYWORD_INAUTHENTIC_USER_REVIEWS"},
		{"multiple_accounts", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "KEYWORD_INAUTHENTIC_ACCOUNTS"},
		{"harassment", "STATEMENT_CATEGORY_CYBER_VIOLENCE", "KEYWORD_CYBER_HARASSMENT"},
		{"identity_unverified", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS"},
		{"off_platform_payment", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", ""},
	} {
		v := p.Violations[tc.name]
		if v.DSACategory != tc.category {
			t.Errorf("%s: category %s, want %s", tc.name, v.DSACategory, tc.category)
		}
		if tc.keyword != "" && !slices.Contains(v.DSAKeywords, tc.keyword) {
			t.Errorf("%s: keywords %v, want %s among them", tc.name, v.DSAKeywords, tc.keyword)
		}
	}
}

func TestDefaultLaddersStartWhereTheViolationWarrants(t *testing.T) {
	p := Default()
	for name, first := range map[string]domain.MeasureType{
		"fraud":                  domain.Hold,
		"copyright_infringement": domain.Warning,
		"misleading_profile":     domain.Warning,
		"off_platform_payment":   domain.Warning,
	} {
		if got := p.Violations[name].Ladder[0].Measure; got != first {
			t.Errorf("%s starts at %s, want %s", name, got, first)
		}
	}
}

func TestEachMistakeIsReportedOnItsLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edits map[int]string
		line  int
		want  string
	}{
		{"misspelt key", map[int]string{8: "    severty: low"}, 8, `unknown key "severty"; did you mean "severity"?`},
		{"unknown key", map[int]string{7: "    title: Spam\n    colour: red"}, 8, `unknown key "colour"; known keys here: title, severity`},
		{"misspelt top-level key", map[int]string{1: "terms_versoin: \"2026-09\""}, 1, `did you mean "terms_version"?`},
		{"text where a list belongs", map[int]string{16: "    remediation: Stop."}, 16, `must be a list, not the text "Stop."`},
		{"text where a number belongs", map[int]string{18: `    strike: {weight: "one", expires: 2s}`}, 18, `must be a whole number, not the text "one"`},
		{"list where a mapping belongs", map[int]string{18: "    strike: [1, 2s]"}, 18, "must be a mapping of key: value, not a list"},
		{"days are not a Go duration", map[int]string{18: "    strike: {weight: 1, expires: 30d}"}, 18, `"30d" is not a Go duration (use hours, e.g. 720h)`},
		{"zero duration", map[int]string{3: "  response_window: 0s"}, 3, "must be longer than zero"},
		{"negative duration", map[int]string{21: "      - {strikes: 2, measure: restriction, duration: -2s}"}, 21, "must be longer than zero"},
		{"unknown severity", map[int]string{8: "    severity: urgent"}, 8, `unknown severity "urgent"; valid: low, medium, high, critical`},
		{"unknown measure", map[int]string{20: "      - {strikes: 0, measure: ban}"}, 20, "valid in a ladder: warning, restriction, hold, suspension, closure_pending"},
		{"unknown capability", map[int]string{21: "      - {strikes: 2, measure: restriction, capabilities_off: [chat]}"}, 21, `unknown capability "chat"; valid: all, login, messaging`},
		{"closure in a ladder", map[int]string{23: "      - {strikes: 6, measure: closure}"}, 23, "a ladder may not contain closure"},
		{"strikes going down", map[int]string{22: "      - {strikes: 2, measure: suspension, duration: 3s}"}, 22, "strikes must increase"},
		{"ladder not starting at 0", map[int]string{20: "      - {strikes: 1, measure: warning}"}, 20, "the first step must be at strikes: 0"},
		{"suspension without end", map[int]string{22: "      - {strikes: 4, measure: suspension}"}, 22, "a suspension needs a duration"},
		{"hold with a duration", map[int]string{22: "      - {strikes: 4, measure: hold, duration: 3s}"}, 22, "a hold has no duration"},
		{"restriction switching nothing off", map[int]string{21: "      - {strikes: 2, measure: restriction, capabilities_off: []}"}, 21, "at least one capability"},
		{"empty ladder", map[int]string{19: "    ladder: []", 20: deleted, 21: deleted, 22: deleted, 23: deleted}, 19, "needs at least one step"},
		{"unknown DSA category", map[int]string{13: "    dsa_category: STATEMENT_CATEGORY_SPAM"}, 13, "valid: STATEMENT_CATEGORY_ANIMAL_WELFARE,"},
		{"DSA category without prefix", map[int]string{13: "    dsa_category: OTHER_VIOLATION_TC"}, 13, "did you mean STATEMENT_CATEGORY_OTHER_VIOLATION_TC?"},
		{"DSA keyword without prefix", map[int]string{14: "    dsa_keywords: [spam]"}, 14, `"spam" is not a DSA keyword`},
		{"relative terms URL", map[int]string{12: "      url: /terms#7-4"}, 12, "not an absolute http(s) URL"},
		{"terms URL too long", map[int]string{12: "      url: https://marketplace.example/" + strings.Repeat("x", 500)}, 12, "at most 500"},
		{"terms without clause", map[int]string{10: deleted}, 9, "missing; this key is required"},
		{"clause without value", map[int]string{10: "      clause:"}, 10, "needs a value"},
		{"empty explanation", map[int]string{15: `    explanation: ""`}, 15, "must not be empty"},
		{"no remediation steps", map[int]string{16: "    remediation: []"}, 16, "at least one step the account holder can take"},
		{"capitalised violation name", map[int]string{6: "  Spam:"}, 6, "must be lower case letters"},
		{"strike weight zero", map[int]string{18: "    strike: {weight: 0, expires: 2s}"}, 18, "must be from 1 to 100, got 0"},
		{"strike weight over 100", map[int]string{18: "    strike: {weight: 101, expires: 2s}"}, 18, "must be from 1 to 100, got 101"},
		{"short business notice", map[int]string{4: "  notice_period: {business: 168h, private: 168h}"}, 4, "168h is under the 30 days (720h) EU P2B Art. 4(2)"},
		{"short business notice on a violation", map[int]string{17: "    automation: allowed\n    notice_period: {business: 48h}"}, 18, "48h is under the 30 days"},
		{"unknown automation", map[int]string{17: "    automation: sometimes"}, 17, `unknown automation "sometimes"`},
		{"unknown measure type in defaults", map[int]string{4: "  capabilities_off: {ban: [all]}"}, 4, `unknown measure type "ban"`},
		{"alias to no anchor", map[int]string{16: "    remediation: *steps"}, 16, "alias *steps names no anchor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireProblem(t, problems(t, edit(t, tc.edits)), tc.line, tc.want)
		})
	}
}

func TestBrokenFilesAreReportedWithALine(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		want      string
	}{
		{"empty file", "", 1, "the file is empty"},
		{"only comments", "# nothing yet\n", 1, "the file is empty"},
		{"top level is a list", "- fraud\n- spam\n", 1, "the top level must be a mapping"},
		{"top level is text", "just words\n", 1, "the top level must be a mapping"},
		{"unclosed bracket", "terms_version: \"1\"\nviolations: [\n", 2, "YAML syntax"},
		{"bad indentation", "terms_version: \"1\"\nviolations:\n  fraud:\n    title: a\n   severity: b\n", 5, "YAML syntax"},
		{"duplicate key", "terms_version: \"1\"\nterms_version: \"2\"\n", 2, "YAML syntax"},
		{"no violations", "terms_version: \"1\"\nviolations: {}\n", 2, "at least one violation"},
		{"missing violations", "terms_version: \"1\"\n", 1, "missing"},
		{"empty violation", "terms_version: \"1\"\nviolations:\n  fraud:\n", 3, "is empty; a violation needs title"},
		{"second document", valid + "---\nterms_version: x\n", 24, "one YAML document"},
		{"too large", "# " + strings.Repeat("x", maxFileSize), 1, "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireProblem(t, problems(t, tc.src), tc.line, tc.want)
		})
	}
}

func TestEveryMistakeInAFileIsReportedAtOnce(t *testing.T) {
	ps := problems(t, edit(t, map[int]string{
		3:  "  response_window: 14d",
		8:  "    severty: low",
		12: "      url: marketplace.example/terms",
		21: "      - {strikes: 2, measure: ban}",
		23: "      - {strikes: 6, measure: closure}",
	}))
	for _, want := range []struct {
		line int
		text string
	}{
		{3, "not a Go duration"},
		{6, "missing"}, // severity, reported at the violation
		{8, "did you mean"},
		{12, "absolute http(s) URL"},
		{21, "unknown measure type"},
		{23, "may not contain closure"},
	} {
		requireProblem(t, ps, want.line, want.text)
	}
	if !slices.IsSortedFunc(ps, func(a, b Problem) int { return a.Line - b.Line }) {
		t.Errorf("problems are not in file order:\n%v", ps)
	}
}

func TestProblemsNameFileLineColumnAndPath(t *testing.T) {
	ps := problems(t, edit(t, map[int]string{8: "    severity: urgent"}))
	if len(ps) != 1 {
		t.Fatalf("one mistake gave %d problems:\n%v", len(ps), ps)
	}
	want := `test.yaml:8:15: violations.spam.severity: unknown severity "urgent"; valid: low, medium, high, critical`
	if got := ps.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestShortBusinessNoticeNeedsAP2BException(t *testing.T) {
	p := mustParse(t, edit(t, map[int]string{17: "    automation: allowed\n" +
		"    notice_period: {business: 48h}\n" +
		"    p2b_exception: P2B Art. 4(4)(c), repeated infringement of the terms"}))
	v := p.Violations["spam"]
	if v.NoticePeriod.Business != 48*time.Hour || v.P2BException == "" {
		t.Errorf("notice period %+v, exception %q", v.NoticePeriod, v.P2BException)
	}
}

func TestDefaultsFillInWhatTheFileLeavesOut(t *testing.T) {
	p := mustParse(t, edit(t, map[int]string{
		2: deleted, 3: deleted, 4: deleted, // no defaults section
		17: "    automation: allowed\n    response_window: 90m\n    notice_period: {private: 2s}",
	}))
	d := p.Defaults
	if d.ResponseWindow != 336*time.Hour || d.NoticePeriod != (NoticePeriod{720 * time.Hour, 720 * time.Hour}) ||
		!slices.Equal(d.Reminders, []time.Duration{72 * time.Hour, 24 * time.Hour}) {
		t.Errorf("defaults %+v", d)
	}
	for _, mt := range domain.MeasureTypes {
		if _, ok := d.Off[mt]; !ok {
			t.Errorf("no default capabilities for %s", mt)
		}
	}
	if !d.Off[domain.Closure].Has(domain.CapLogin) || d.Off[domain.Suspension].Has(domain.CapLogin) {
		t.Errorf("closure must switch everything off and suspension keep login: %v", d.Off)
	}

	v := p.Violations["spam"]
	if v.ResponseWindow != 90*time.Minute {
		t.Errorf("response window %s, want the violation's 90m", v.ResponseWindow)
	}
	if v.NoticePeriod != (NoticePeriod{Business: 720 * time.Hour, Private: 2 * time.Second}) {
		t.Errorf("notice period %+v, want business from defaults and private from the violation", v.NoticePeriod)
	}
	steps := v.Ladder
	if steps[1].Off != mustCaps(t, "messaging") || steps[1].Duration != 2*time.Second {
		t.Errorf("restriction step %+v, want the capabilities and duration it names", steps[1])
	}
	if steps[2].Off != d.Off[domain.Suspension] || steps[3].Off != d.Off[domain.ClosurePending] {
		t.Errorf("steps naming no capabilities did not take the defaults: %+v", steps)
	}
	if v.Strike != (Strike{Weight: 1, Expires: 2 * time.Second}) {
		t.Errorf("strike %+v", v.Strike)
	}
}

func TestDefaultsSectionOverridesBuiltIns(t *testing.T) {
	p := mustParse(t, edit(t, map[int]string{
		4:  "  notice_period: {business: 720h, private: 1h}\n  reminders: [1s]\n  capabilities_off: {restriction: [messaging, job_posting]}",
		21: "      - {strikes: 2, measure: restriction}",
	}))
	d := p.Defaults
	if d.NoticePeriod.Private != time.Hour || !slices.Equal(d.Reminders, []time.Duration{time.Second}) {
		t.Errorf("defaults %+v", d)
	}
	want := mustCaps(t, "messaging", "job_posting")
	if d.Off[domain.Restriction] != want || p.Violations["spam"].Ladder[1].Off != want {
		t.Errorf("restriction off %v / step %v, want %v", d.Off[domain.Restriction], p.Violations["spam"].Ladder[1].Off, want)
	}
	if d.Off[domain.Hold] != Default().Defaults.Off[domain.Hold] {
		t.Errorf("hold defaults changed though the file did not name hold")
	}
}

func TestAliasesShareValues(t *testing.T) {
	p := mustParse(t, edit(t, map[int]string{
		16: "    remediation: &steps [Stop sending bulk messages.]",
		23: "      - {strikes: 6, measure: closure_pending}\n" +
			"  bulk_invites:\n    title: Bulk invites\n    severity: low\n" +
			"    terms: {clause: \"7.5\", text: No bulk invites., url: \"https://marketplace.example/terms#7-5\"}\n" +
			"    dsa_category: STATEMENT_CATEGORY_OTHER_VIOLATION_TC\n" +
			"    explanation: Invites should be personal.\n    remediation: *steps\n" +
			"    strike: {weight: 1, expires: 1h}\n    ladder: [{strikes: 0, measure: warning}]",
	}))
	if got := p.Violations["bulk_invites"].Remediation; !slices.Equal(got, []string{"Stop sending bulk messages."}) {
		t.Errorf("remediation through alias: %q", got)
	}
	if !slices.Equal(p.Order, []string{"spam", "bulk_invites"}) {
		t.Errorf("order %v", p.Order)
	}
}

func TestScalarsKeepTheTextAsWritten(t *testing.T) {
	p := mustParse(t, edit(t, map[int]string{10: "      clause: 7.40"}))
	if got := p.Violations["spam"].Terms.Clause; got != "7.40" {
		t.Errorf("clause %q, want 7.40 as written", got)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(path, []byte(valid), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Errorf("Load: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
	if err := os.WriteFile(path, []byte("violations: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":") {
		t.Errorf("Load error %v, want problems naming %s", err, path)
	}
}

func mustCaps(t *testing.T, names ...string) domain.CapSet {
	t.Helper()
	s, err := domain.NewCapSet(names...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func FuzzParse(f *testing.F) {
	f.Add(DefaultYAML)
	f.Add([]byte(valid))
	for _, s := range []string{"", "a: [", "- x", "a: &x [*x]", "<<: {a: 1}", "? [a]\n: 1", "a: !!binary x", "---\n---\n", "violations: {x: *y}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if (p == nil) == (err == nil) {
			t.Fatalf("Parse returned policy %v and error %v", p, err)
		}
		var ps Problems
		if err != nil && (!errors.As(err, &ps) || len(ps) == 0) {
			t.Fatalf("Parse returned %T %v, want non-empty Problems", err, err)
		}
	})
}
