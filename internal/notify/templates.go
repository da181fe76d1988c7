// Package notify tells account holders and the marketplace what happened: it renders notices
// (statements of reasons) from templates per language, sends them by e-mail over SMTP, and
// signs and sends webhooks after the Standard Webhooks specification.
package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"regexp"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// NoticeData is what a notice template sees.
type NoticeData struct {
	Notice  domain.Notice
	Account domain.Account
	// Violation is the policy's violation type; it may be nil (a lift, an end, or a type the
	// policy no longer has), so templates guard it with {{with .Violation}}.
	Violation   *policy.Violation
	Marketplace string // the operator's name, e.g. "the marketplace"
	PortalURL   string // where the holder responds and appeals; may be empty
}

// Message is a rendered notice, ready to send.
type Message struct {
	NoticeID string
	To       string // the account's e-mail address
	Subject  string
	Text     string
	HTML     string
	Language string // the language the message is written in, after any fallback
}

// Notice kinds that have templates.
const (
	KindMeasureApplied = "measure_applied"
	KindMeasureLifted  = "measure_lifted"
	KindReminder       = "reminder"
	KindMeasureEnded   = "measure_ended"
	KindDeadlineMissed = "deadline_missed"
)

// Kinds lists the notice kinds in a fixed order.
var Kinds = []string{KindMeasureApplied, KindMeasureLifted, KindReminder, KindMeasureEnded, KindDeadlineMissed}

// Languages lists the languages with built-in templates; any other falls back to English.
var Languages = []string{"en", "de"}

// Parts of a template.
const (
	PartSubject = "subject"
	PartText    = "text"
	PartHTML    = "html"
)

var parts = []string{PartSubject, PartText, PartHTML}

const fallbackLanguage = "en"

//go:embed templates
var builtin embed.FS

// Templates holds the notice templates per language, kind and part. It is safe for concurrent
// use: Set may run while messages are rendered.
type Templates struct {
	mu  sync.RWMutex
	set map[key]*entry
}

type key struct{ lang, kind string }

// entry is the three parts of one language's template for one kind; a part is nil until set.
type entry struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

func (e *entry) complete() bool {
	return e != nil && e.subject != nil && e.text != nil && e.html != nil
}

// DefaultTemplates returns the built-in templates for every language in Languages.
func DefaultTemplates() *Templates {
	t := &Templates{set: map[key]*entry{}}
	for _, lang := range Languages {
		for _, kind := range Kinds {
			for _, part := range parts {
				src, err := builtin.ReadFile("templates/" + lang + "/" + kind + "." + part + ".tmpl")
				if err != nil {
					panic(fmt.Sprintf("notify: built-in template missing: %v", err))
				}
				if err := t.Set(lang, kind, part, string(src)); err != nil {
					panic(fmt.Sprintf("notify: built-in template broken: %v", err))
				}
			}
		}
	}
	return t
}

// Set replaces one part of one template after checking it: it must parse, and it must render
// without error against sample notices of every measure type, with and without the optional
// data (violation, portal URL, dates), so that an unknown field or function is refused now
// rather than when a notice is sent. A language without built-in templates is used for a kind
// once all three of its parts are set; until then that kind falls back to English.
//
// Templates may call the language's helper functions (when, day, span, can, off, measure,
// source, tr) and its partials (greeting, restrictions, effects, why, redress, footer, and
// for HTML also head and foot).
func (t *Templates) Set(lang, kind, part, src string) error {
	if err := checkName(lang, kind, part); err != nil {
		return err
	}
	name := lang + "/" + kind + " " + part
	var (
		e   entry
		run func(io.Writer, NoticeData) error
	)
	switch part {
	case PartHTML:
		tm, err := parseHTML(name, lang, src)
		if err != nil {
			return templateError(name, err)
		}
		e.html, run = tm, func(w io.Writer, d NoticeData) error { return tm.Execute(w, d) }
	default:
		tm, err := parseText(name, lang, src)
		if err != nil {
			return templateError(name, err)
		}
		if part == PartSubject {
			e.subject = tm
		} else {
			e.text = tm
		}
		run = func(w io.Writer, d NoticeData) error { return tm.Execute(w, d) }
	}
	for _, d := range samples(lang, kind) {
		var b bytes.Buffer
		if err := run(&b, d); err != nil {
			return templateError(name, err)
		}
		if part == PartSubject && oneLine(b.String()) == "" {
			return fmt.Errorf("template %s: renders an empty subject for a %s notice", name, d.Notice.Statement.Measure)
		}
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	k := key{lang, kind}
	next := entry{}
	if cur := t.set[k]; cur != nil {
		next = *cur
	}
	switch part {
	case PartSubject:
		next.subject = e.subject
	case PartText:
		next.text = e.text
	case PartHTML:
		next.html = e.html
	}
	t.set[k] = &next
	return nil
}

func checkName(lang, kind, part string) error {
	if len(lang) != 2 || lang[0] < 'a' || lang[0] > 'z' || lang[1] < 'a' || lang[1] > 'z' {
		return fmt.Errorf("template language must be a two-letter ISO 639-1 code in lower case, got %q", lang)
	}
	if !contains(Kinds, kind) {
		return fmt.Errorf("template kind must be one of %s; got %q", strings.Join(Kinds, ", "), kind)
	}
	if !contains(parts, part) {
		return fmt.Errorf("template part must be one of %s; got %q", strings.Join(parts, ", "), part)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Render writes the notice in d in its language (the notice's, else the account's), or in
// English when that language has no complete template for the notice's kind.
func (t *Templates) Render(d NoticeData) (Message, error) {
	kind := d.Notice.Kind
	if !contains(Kinds, kind) {
		return Message{}, fmt.Errorf("notify: render notice %s: no template for kind %q (known: %s)",
			d.Notice.ID, kind, strings.Join(Kinds, ", "))
	}
	lang := d.Notice.Language
	if lang == "" {
		lang = d.Account.Language
	}
	t.mu.RLock()
	e := t.set[key{lang, kind}]
	if !e.complete() {
		lang, e = fallbackLanguage, t.set[key{fallbackLanguage, kind}]
	}
	t.mu.RUnlock()
	if !e.complete() {
		return Message{}, fmt.Errorf("notify: render notice %s: no %s template for kind %q", d.Notice.ID, lang, kind)
	}

	var subject, text, html bytes.Buffer
	if err := e.subject.Execute(&subject, d); err != nil {
		return Message{}, fmt.Errorf("notify: render notice %s: %w", d.Notice.ID, templateError(lang+"/"+kind+" subject", err))
	}
	if err := e.text.Execute(&text, d); err != nil {
		return Message{}, fmt.Errorf("notify: render notice %s: %w", d.Notice.ID, templateError(lang+"/"+kind+" text", err))
	}
	if err := e.html.Execute(&html, d); err != nil {
		return Message{}, fmt.Errorf("notify: render notice %s: %w", d.Notice.ID, templateError(lang+"/"+kind+" html", err))
	}
	return Message{
		NoticeID: d.Notice.ID,
		To:       d.Account.Email,
		Subject:  oneLine(subject.String()),
		Text:     tidyText(text.String()),
		HTML:     html.String(),
		Language: lang,
	}, nil
}

func parseText(name, lang, src string) (*texttemplate.Template, error) {
	tm := texttemplate.New(name).Funcs(texttemplate.FuncMap(funcs(lang))).Option("missingkey=error")
	if _, err := tm.New("partials").Parse(partials(lang, "text")); err != nil {
		return nil, err
	}
	return tm.Parse(src)
}

func parseHTML(name, lang, src string) (*htmltemplate.Template, error) {
	tm := htmltemplate.New(name).Funcs(htmltemplate.FuncMap(funcs(lang))).Option("missingkey=error")
	if _, err := tm.New("partials").Parse(partials(lang, "html")); err != nil {
		return nil, err
	}
	return tm.Parse(src)
}

// partials returns the shared blocks a language's templates of one sort (text or html) may
// call; a language without its own uses the English ones.
func partials(lang, sort string) string {
	b, err := builtin.ReadFile("templates/" + lang + "/partials." + sort + ".tmpl")
	if err != nil {
		b, err = builtin.ReadFile("templates/" + fallbackLanguage + "/partials." + sort + ".tmpl")
		if err != nil {
			panic(fmt.Sprintf("notify: built-in partials missing: %v", err))
		}
	}
	return string(b)
}

// templateErrRE takes apart the errors of text/template and html/template:
// `template: NAME:LINE:COL: executing "NAME" at <.Foo>: can't evaluate field Foo ...`.
var templateErrRE = regexp.MustCompile(`^(?:html/)?template: ?(.+?):(\d+)(?::\d+)?: (?:executing "[^"]*" at <(.*?)>: )?(.*)$`)

// templateError rewrites a template error to name the template and line plainly, e.g.
// `template de/measure_applied text: line 3: can't evaluate field Foo in type notify.NoticeData (at <.Foo>)`.
func templateError(name string, err error) error {
	m := templateErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	where := "line " + m[2]
	if m[1] != name {
		where = fmt.Sprintf("in %q line %s", m[1], m[2])
	}
	msg := m[4]
	if m[3] != "" {
		msg += " (at <" + m[3] + ">)"
	}
	if strings.Contains(msg, "nil pointer evaluating *policy.Violation") {
		msg += "; .Violation may be nil: guard it with {{with .Violation}}"
	}
	return &TemplateError{Template: name, msg: fmt.Sprintf("template %s: %s: %s", name, where, msg), err: err}
}

// TemplateError is a template that does not parse or does not render: the editor's to fix.
type TemplateError struct {
	Template string // e.g. "de/measure_applied text"
	msg      string
	err      error
}

func (e *TemplateError) Error() string { return e.msg }
func (e *TemplateError) Unwrap() error { return e.err }

// oneLine makes a subject one line: a header must not break.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var blankRuns = regexp.MustCompile(`\n{3,}`)

// tidyText drops trailing spaces and runs of blank lines that template conditionals leave.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")) + "\n"
}

// samples are the notices a template is tried on before it is accepted: one per measure
// type, alternating the optional parts so that every branch a template takes on them runs.
func samples(lang, kind string) []NoticeData {
	start := time.Date(2026, time.May, 12, 9, 30, 0, 0, time.UTC)
	later := func(d time.Duration) *time.Time { t := start.Add(d); return &t }
	vt := &policy.Violation{
		Name: "fraud", Title: "Fraud", Severity: policy.Critical,
		Terms:        policy.Terms{Clause: "4.1", Text: "You must not deceive other users.", URL: "https://marketplace.example/terms#4-1"},
		Explanation:  "Clients and freelancers pay and work for each other on trust.",
		Remediation:  []string{"Reply with an explanation."},
		NoticePeriod: policy.NoticePeriod{Business: 30 * 24 * time.Hour, Private: 14 * 24 * time.Hour},
	}
	var out []NoticeData
	for i, mt := range domain.MeasureTypes {
		st := domain.Statement{
			Measure: mt, StartsAt: start, Facts: "Sample facts.", Source: domain.SourceDetection,
			AutomatedDetect: i%2 == 0, AutomatedDecide: i%3 == 0,
			TermsClause: "4.1 You must not deceive other users.", TermsURL: "https://marketplace.example/terms#4-1",
			Explanation: "Sample explanation.", Remediation: []string{"Sample step."},
			Redress:         []string{"Appeal the decision through the internal complaint system within six months."},
			CapabilitiesOff: []domain.Capability{domain.CapPayouts, domain.CapActiveContracts},
		}
		switch mt {
		case domain.Warning:
			st.EndsAt, st.CapabilitiesOff = later(365*24*time.Hour), []domain.Capability{}
		case domain.Restriction:
			st.Source = domain.SourceUserNotice // open-ended: no end
		case domain.Hold:
			st.DueAt = later(7 * 24 * time.Hour)
			st.IfDeadlineMissed = "If no response arrives by 19 May 2026 09:30 UTC, the account moves to a closure notice of 30 days before any permanent closure."
		case domain.Suspension:
			st.EndsAt, st.Source = later(14*24*time.Hour), domain.SourceTrustedFlag
		case domain.ClosurePending:
			st.DueAt, st.Source = later(30*24*time.Hour), domain.SourceRightsHolder
			st.IfDeadlineMissed = "If the issue is not addressed by 11 June 2026 09:30 UTC, the account will be closed permanently."
		case domain.Closure:
			st.CapabilitiesOff = domain.AllCaps.List()
		}
		full := NoticeData{
			Notice: domain.Notice{ID: "ntc_sample", AccountID: "acct-1", CaseID: "case_sample", MeasureID: "msr_sample",
				Kind: kind, Language: lang, Statement: st, CreatedAt: start},
			Account:     domain.Account{ID: "acct-1", Type: domain.Business, Country: "DE", Language: lang, Email: "holder@example.com", DisplayName: "Sample Holder"},
			Violation:   vt,
			Marketplace: "the marketplace",
			PortalURL:   "https://marketplace.example/standing",
		}
		// The bare sample has what a lift notice has: no violation, no lists, nothing off.
		bare := full
		bare.Violation, bare.PortalURL, bare.Account.DisplayName, bare.Account.Type = nil, "", "", domain.Private
		bare.Notice.Statement.Remediation, bare.Notice.Statement.Redress = []string{}, []string{}
		bare.Notice.Statement.CapabilitiesOff, bare.Notice.Statement.IfDeadlineMissed = []domain.Capability{}, ""
		bare.Notice.Statement.AutomatedDetect, bare.Notice.Statement.AutomatedDecide = !st.AutomatedDetect, !st.AutomatedDecide
		out = append(out, full, bare)
	}
	return out
}
