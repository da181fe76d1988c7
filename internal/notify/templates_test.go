package notify

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

func mustRender(t *testing.T, tm *Templates, d NoticeData) Message {
	t.Helper()
	m, err := tm.Render(d)
	if err != nil {
		t.Fatalf("render %s/%s %s: %v", d.Notice.Language, d.Notice.Kind, d.Notice.Statement.Measure, err)
	}
	return m
}

func wantIn(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}

func wantNotIn(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Errorf("%s should not hold %q:\n%s", what, sub, s)
		}
	}
}

func TestEveryLanguageAndKindRendersForEveryMeasureType(t *testing.T) {
	tm := DefaultTemplates()
	// fr has no templates of its own: it must fall back to English.
	for _, lang := range []string{"en", "de", "fr"} {
		for _, kind := range Kinds {
			for _, mt := range domain.MeasureTypes {
				t.Run(lang+"/"+kind+"/"+string(mt), func(t *testing.T) {
					d := noticeOf(t, account(lang), kind, mt)
					m := mustRender(t, tm, d)
					wantLang := lang
					if lang == "fr" {
						wantLang = "en"
					}
					if m.Language != wantLang || m.NoticeID != d.Notice.ID || m.To != d.Account.Email {
						t.Errorf("message language %q, notice %q, to %q; want %q, %q, %q", m.Language, m.NoticeID, m.To, wantLang, d.Notice.ID, d.Account.Email)
					}
					if m.Subject == "" || strings.ContainsAny(m.Subject, "\r\n") {
						t.Errorf("subject %q: want one non-empty line", m.Subject)
					}
					for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
						wantIn(t, part, s, d.Notice.ID, "Acme Market")
						wantNotIn(t, part, s, "<no value>", "ZgotmplZ", "%!")
					}
					wantIn(t, "html", m.HTML, "<html lang=\""+wantLang+"\">", "</html>")
				})
			}
		}
	}
}

// The statement of reasons must say everything DSA Art. 17(3) asks, in words a holder reads.
func TestMeasureAppliedIsAStatementOfReasons(t *testing.T) {
	tm := DefaultTemplates()
	d := applied(t, account("en"), domain.Hold, facts)
	st := d.Notice.Statement
	m := mustRender(t, tm, d)

	wantIn(t, "subject", m.Subject, "on hold", "19 May 2026")
	for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
		wantIn(t, part, s,
			"Jane Doe",
			// what was restricted, from when, and by which deadline
			"receive payouts", "send messages", "submit proposals",
			"from Tuesday 12 May 2026 at 09:30 UTC", "Tuesday 19 May 2026 at 09:30 UTC", "7 days",
			// the facts, how they came up, and whether automated means were used
			facts, "through our own checks", "not detected by automated means", "taken by a person",
			// the ground: clause, URL and explanation
			"4.1", "https://marketplace.example/terms#4-1", "Fraud",
			// what happens if the deadline passes: the closure notice of 30 days (business account)
			"If we have no response from you by Tuesday 19 May 2026 at 09:30 UTC", "notice period of 30 days",
			// payouts held; active contracts not affected by a hold under the default policy
			"no money is paid out", "continue and complete your active contracts",
			// redress
			"six months", "out-of-court dispute settlement body", "https://acme.example/standing",
			d.Notice.ID,
		)
		for _, step := range st.Remediation {
			wantIn(t, part, strings.ReplaceAll(s, "&#39;", "'"), step)
		}
	}
	wantIn(t, "text", m.Text, st.Explanation)
	wantIn(t, "html", m.HTML, `<a href="https://marketplace.example/terms#4-1">`)
}

func TestEffectsFollowTheCapabilitiesSwitchedOff(t *testing.T) {
	tm := DefaultTemplates()
	// The default suspension switches off active contracts and payouts.
	m := mustRender(t, tm, applied(t, account("en"), domain.Suspension, facts))
	wantIn(t, "text", m.Text, "Your account is suspended from Tuesday 12 May 2026 at 09:30 UTC until Tuesday 26 May 2026 at 09:30 UTC (14 days)",
		"Active contracts: you cannot work on your active contracts", "Payouts: on hold", "ends by itself")
	wantIn(t, "subject", m.Subject, "suspended until 26 May 2026")

	// A restriction of proposals and payouts leaves active contracts alone.
	m = mustRender(t, tm, applied(t, account("en"), domain.Restriction, facts))
	wantIn(t, "text", m.Text, "submit proposals", "receive payouts", "Active contracts: not affected", "Payouts: on hold")
	wantNotIn(t, "text", m.Text, "send messages")

	// A warning switches nothing off.
	m = mustRender(t, tm, applied(t, account("en"), domain.Warning, facts))
	wantIn(t, "text", m.Text, "Nothing is switched off", "Payouts: not affected")

	// German writes the span first.
	m = mustRender(t, tm, applied(t, account("de"), domain.Suspension, facts))
	wantIn(t, "text", m.Text, "Ihr Konto ist für 14 Tage gesperrt: von Dienstag, 12. Mai 2026, 09:30 Uhr (UTC) bis Dienstag, 26. Mai 2026, 09:30 Uhr (UTC).",
		"Laufende Aufträge: Solange die Maßnahme gilt")

	// A closure is for good.
	m = mustRender(t, tm, applied(t, account("de"), domain.Closure, facts))
	wantIn(t, "text", m.Text, "endgültig geschlossen", "Sie können nicht mehr:", "sich in Ihrem Konto anmelden", "Auszahlungen: eingestellt")
}

func TestGermanNoticeIsGerman(t *testing.T) {
	tm := DefaultTemplates()
	d := applied(t, account("de"), domain.Hold, facts)
	m := mustRender(t, tm, d)
	if m.Language != "de" {
		t.Fatalf("language %q, want de", m.Language)
	}
	wantIn(t, "subject", m.Subject, "Ihr Konto ist vorläufig gesperrt", "bis zum 19. Mai 2026")
	for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
		wantIn(t, part, s,
			"Guten Tag Jörg Müller,",
			"ab Dienstag, 12. Mai 2026, 09:30 Uhr (UTC)", "bis Dienstag, 19. Mai 2026, 09:30 Uhr (UTC)", "7 Tage Zeit",
			"Auszahlungen erhalten", "Nachrichten senden", "Angebote abgeben",
			"durch unsere eigenen Kontrollen", "nicht automatisiert erkannt",
			"Liegt uns bis Dienstag, 19. Mai 2026, 09:30 Uhr (UTC) keine Antwort von Ihnen vor", "Frist von 30 Tagen",
			"Beschwerde", "außergerichtlichen Streitbeilegungsstelle (Art. 21 DSA)",
			"Nummer dieser Mitteilung", d.Notice.ID,
		)
		// the engine's English sentences do not leak into the German notice
		wantNotIn(t, part, s, "If no response arrives", "Appeal the decision", "Refer the dispute", "Tuesday", "May")
	}
}

func TestFollowUpNotices(t *testing.T) {
	tm := DefaultTemplates()
	hold := applied(t, account("en"), domain.Hold, facts)

	m := mustRender(t, tm, followUp(hold, KindReminder, t0.Add(4*24*time.Hour)))
	wantIn(t, "reminder subject", m.Subject, "Reminder", "19 May 2026")
	wantIn(t, "reminder", m.Text, "Please respond by Tuesday 19 May 2026 at 09:30 UTC", "You have 3 days left", "receive payouts", facts)

	m = mustRender(t, tm, followUp(hold, KindDeadlineMissed, t0.Add(7*24*time.Hour)))
	wantIn(t, "deadline_missed", m.Text, "has passed without a response", "notice period of 30 days")

	m = mustRender(t, tm, lifted(t, hold))
	wantIn(t, "lifted subject", m.Subject, "The hold on your account has been lifted")
	wantIn(t, "lifted", m.Text, "We have lifted the hold on your account, with effect from Thursday 14 May 2026 at 09:30 UTC",
		"The disputed payments were shown to be authorised.")

	susp := applied(t, account("de"), domain.Suspension, facts)
	m = mustRender(t, tm, followUp(susp, KindMeasureEnded, t0.Add(14*24*time.Hour)))
	wantIn(t, "ended subject", m.Subject, "Die befristete Sperrung Ihres Kontos ist beendet")
	wantIn(t, "ended", m.Text, "am Dienstag, 26. Mai 2026, 09:30 Uhr (UTC) abgelaufen", "Sie können wieder:", "Auszahlungen erhalten")
}

func TestHTMLEscapesWhatTheNoticeQuotes(t *testing.T) {
	tm := DefaultTemplates()
	d := applied(t, account("en"), domain.Hold, `Your profile said <script>alert("owned")</script> & more.`)
	d.Notice.Statement.TermsURL = "javascript:alert(1)"
	d.Account.DisplayName = "<b>Jane</b>"
	m := mustRender(t, tm, d)
	wantNotIn(t, "html", m.HTML, "<script>", "<b>Jane</b>", `href="javascript:`)
	wantIn(t, "html", m.HTML, "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; more.", "&lt;b&gt;Jane&lt;/b&gt;", `href="#ZgotmplZ"`)
	// plain text is not HTML: it quotes the facts as they are
	wantIn(t, "text", m.Text, `<script>alert("owned")</script> & more.`)
}

func TestSubjectStaysOneLine(t *testing.T) {
	tm := DefaultTemplates()
	if err := tm.Set("en", KindMeasureApplied, PartSubject, "Notice\r\nBcc: victim@example.com {{.Account.DisplayName}}"); err != nil {
		t.Fatal(err)
	}
	d := applied(t, account("en"), domain.Hold, facts)
	d.Account.DisplayName = "Jane\nX-Injected: yes"
	m := mustRender(t, tm, d)
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject %q breaks the line", m.Subject)
	}
}

func TestSetRefusesBrokenTemplates(t *testing.T) {
	cases := []struct {
		name, lang, kind, part, src string
		want                        string
	}{
		{"unknown field", "de", KindMeasureApplied, PartText, "Guten Tag,\n\n{{.Foo}}\n",
			"template de/measure_applied text: line 3: can't evaluate field Foo in type notify.NoticeData"},
		{"unknown nested field in a branch only a hold takes", "en", KindReminder, PartHTML,
			"<p>{{if eq .Notice.Statement.Measure \"hold\"}}{{.Notice.Statement.Deadline}}{{end}}</p>",
			"template en/reminder html: line 1: can't evaluate field Deadline in type domain.Statement"},
		{"field of a missing violation", "en", KindMeasureLifted, PartText, "{{.Violation.Title}}",
			"template en/measure_lifted text: line 1: nil pointer evaluating *policy.Violation.Title (at <.Violation.Title>); .Violation may be nil: guard it with {{with .Violation}}"},
		{"unknown function", "en", KindMeasureApplied, PartSubject, "Hello\n{{shout .Notice.ID}}",
			`template en/measure_applied subject: line 2: function "shout" not defined`},
		{"does not parse", "en", KindMeasureApplied, PartText, "{{if .Notice.ID}}never closed",
			"template en/measure_applied text: line 1: unexpected EOF"},
		{"unknown partial", "de", KindMeasureEnded, PartHTML, `{{template "signature" .}}`,
			`template de/measure_ended html: line 1: no such template "signature"`},
		{"empty subject", "en", KindMeasureApplied, PartSubject, "{{if false}}x{{end}}",
			"template en/measure_applied subject: renders an empty subject"},
		{"wrong argument to a helper", "en", KindMeasureApplied, PartText, "{{when .Notice.ID}}",
			"template en/measure_applied text: line 1: error calling when: want a time, got string"},
		{"unknown kind", "en", "measure_surprise", PartText, "x", `template kind must be one of`},
		{"unknown part", "en", KindMeasureApplied, "body", "x", `template part must be one of subject, text, html; got "body"`},
		{"bad language", "EN", KindMeasureApplied, PartText, "x", "two-letter ISO 639-1 code in lower case"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm := DefaultTemplates()
			before := mustRender(t, tm, applied(t, account(c.lang), domain.Hold, facts))
			err := tm.Set(c.lang, c.kind, c.part, c.src)
			if err == nil {
				t.Fatalf("Set accepted %q", c.src)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
			after := mustRender(t, tm, applied(t, account(c.lang), domain.Hold, facts))
			if before != after {
				t.Error("a refused template changed what renders")
			}
		})
	}
}

func TestSetAcceptsAGoodTemplate(t *testing.T) {
	tm := DefaultTemplates()
	src := `<p>{{template "greeting" .}}</p><p>{{.Notice.Statement.Facts}} – {{with .Notice.Statement.DueAt}}bis {{when .}}{{end}}</p>{{template "footer" .}}`
	if err := tm.Set("de", KindMeasureApplied, PartHTML, src); err != nil {
		t.Fatal(err)
	}
	if err := tm.Set("de", KindMeasureApplied, PartSubject, "Mitteilung {{.Notice.ID}}"); err != nil {
		t.Fatal(err)
	}
	d := applied(t, account("de"), domain.Hold, "Fakten <i>hier</i>")
	m := mustRender(t, tm, d)
	if m.Subject != "Mitteilung "+d.Notice.ID {
		t.Errorf("subject %q", m.Subject)
	}
	wantIn(t, "html", m.HTML, "Fakten &lt;i&gt;hier&lt;/i&gt; – bis Dienstag, 19. Mai 2026, 09:30 Uhr (UTC)", "Guten Tag Jörg Müller")
	wantIn(t, "text", m.Text, "DIE MASSNAHME") // the text part is still the built-in one
	if other := mustRender(t, tm, applied(t, account("en"), domain.Hold, facts)); strings.HasPrefix(other.Subject, "Mitteilung") {
		t.Error("a German template changed the English notice")
	}
}

func TestANewLanguageIsUsedOnceComplete(t *testing.T) {
	tm := DefaultTemplates()
	d := applied(t, account("fr"), domain.Hold, facts)
	if err := tm.Set("fr", KindMeasureApplied, PartSubject, "Votre compte est suspendu"); err != nil {
		t.Fatal(err)
	}
	if m := mustRender(t, tm, d); m.Language != "en" || strings.Contains(m.Subject, "Votre") {
		t.Fatalf("with only a subject, French must fall back to English whole; got %s %q", m.Language, m.Subject)
	}
	if err := tm.Set("fr", KindMeasureApplied, PartText, "Bonjour,\n\n{{.Notice.Statement.Facts}}\n"); err != nil {
		t.Fatal(err)
	}
	if err := tm.Set("fr", KindMeasureApplied, PartHTML, "<p>Bonjour,</p><p>{{.Notice.Statement.Facts}}</p>"); err != nil {
		t.Fatal(err)
	}
	m := mustRender(t, tm, d)
	if m.Language != "fr" || m.Subject != "Votre compte est suspendu" || m.Text != "Bonjour,\n\n"+facts+"\n" {
		t.Fatalf("got %s %q %q", m.Language, m.Subject, m.Text)
	}
	if m := mustRender(t, tm, noticeOf(t, account("fr"), KindReminder, domain.Hold)); m.Language != "en" {
		t.Errorf("a kind without French templates must stay English, got %s", m.Language)
	}
}

func TestRenderRefusesAnUnknownKind(t *testing.T) {
	d := applied(t, account("en"), domain.Hold, facts)
	d.Notice.Kind = "measure_vanished"
	_, err := DefaultTemplates().Render(d)
	if err == nil || !strings.Contains(err.Error(), `no template for kind "measure_vanished"`) {
		t.Fatalf("got %v", err)
	}
}

func TestTranslateLeavesUnknownTextAlone(t *testing.T) {
	de := lookupLanguage("de")
	for _, s := range []string{facts, "If no response arrives by soon, the account moves to a closure notice of 3 days before any permanent closure."} {
		if got := de.translate(s); got != s {
			t.Errorf("translate(%q) = %q", s, got)
		}
	}
	got := de.translate("If no response arrives by 19 May 2026 09:30 UTC, the account moves to a closure notice of 36h0m0s before any permanent closure.")
	wantIn(t, "translation", got, "Dienstag, 19. Mai 2026, 09:30 Uhr (UTC)", "Frist von 36h0m0s")
	if got := de.translate("If the issue is not addressed by 1 June 2026 00:00 UTC, the account will be closed permanently."); got != "Wird das Problem nicht bis Montag, 1. Juni 2026, 00:00 Uhr (UTC) behoben, wird Ihr Konto endgültig geschlossen." {
		t.Errorf("got %q", got)
	}
}

func TestSpanWritesTheLargestWholeUnit(t *testing.T) {
	en, de := lookupLanguage("en"), lookupLanguage("de")
	for _, c := range []struct {
		d      time.Duration
		en, de string
	}{
		{24 * time.Hour, "1 day", "1 Tag"},
		{14 * 24 * time.Hour, "14 days", "14 Tage"},
		{36 * time.Hour, "36 hours", "36 Stunden"},
		{(3*24 + 5) * time.Hour, "3 days", "3 Tage"},
		{time.Hour, "1 hour", "1 Stunde"},
		{90 * time.Second, "2 minutes", "2 Minuten"},
	} {
		if got := en.span(c.d); got != c.en {
			t.Errorf("en span(%s) = %q, want %q", c.d, got, c.en)
		}
		if got := de.span(c.d); got != c.de {
			t.Errorf("de span(%s) = %q, want %q", c.d, got, c.de)
		}
	}
}

func TestSetAndRenderConcurrently(t *testing.T) {
	tm := DefaultTemplates()
	d := applied(t, account("en"), domain.Hold, facts)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 10 {
				if err := tm.Set("en", KindMeasureApplied, PartSubject, fmt.Sprintf("Notice %d.%d {{.Notice.ID}}", i, j)); err != nil {
					t.Error(err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := tm.Render(d); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
