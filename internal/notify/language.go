package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/standing-org/standing/internal/domain"
)

// language holds the words a language's templates get from their helper functions.
type language struct {
	weekdays [7]string
	months   [12]string
	// when and day write an instant (in UTC: accounts carry no time zone) for a holder to read.
	when, day func(l *language, t time.Time) string
	// units are day, days, hour, hours, minute, minutes.
	units    [6]string
	caps     map[domain.Capability]string
	measures map[domain.MeasureType]string
	sources  map[domain.CaseSource]string
	// phrases translate the sentences the engine writes into statements, which are English.
	phrases map[string]string
	// holdMissed and closureMissed rewrite the engine's "if the deadline is missed" sentences
	// with the deadline in words (and, for the closure notice, its notice period).
	holdMissed    func(when, period string) string
	closureMissed func(when string) string
	// periodDays writes "N days" as it follows "of" in holdMissed.
	periodDays func(n int) string
}

var languages = map[string]*language{
	"en": {
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		when: func(l *language, t time.Time) string {
			return fmt.Sprintf("%s %d %s %d at %s UTC", l.weekdays[t.Weekday()], t.Day(), l.months[t.Month()-1], t.Year(), t.Format("15:04"))
		},
		day: func(l *language, t time.Time) string {
			return fmt.Sprintf("%d %s %d", t.Day(), l.months[t.Month()-1], t.Year())
		},
		units: [6]string{"day", "days", "hour", "hours", "minute", "minutes"},
		caps: map[domain.Capability]string{
			domain.CapLogin:            "sign in to your account",
			domain.CapMessaging:        "send messages",
			domain.CapProposals:        "submit proposals",
			domain.CapNewContracts:     "start new contracts",
			domain.CapActiveContracts:  "work on your active contracts",
			domain.CapJobPosting:       "post jobs",
			domain.CapPayouts:          "receive payouts",
			domain.CapSearchVisibility: "appear in search results",
		},
		measures: map[domain.MeasureType]string{
			domain.Warning:        "the warning on your account",
			domain.Restriction:    "the restriction of your account",
			domain.Hold:           "the hold on your account",
			domain.Suspension:     "the suspension of your account",
			domain.ClosurePending: "the notice of closure of your account",
			domain.Closure:        "the closure of your account",
		},
		sources: map[domain.CaseSource]string{
			domain.SourceDetection:    "through our own checks",
			domain.SourceUserNotice:   "through a report from another person (Art. 16 DSA)",
			domain.SourceTrustedFlag:  "through a report from a trusted flagger (Art. 22 DSA)",
			domain.SourceRightsHolder: "through a notice from a rights holder",
		},
		phrases: map[string]string{
			"the response deadline passed without a response; a closure notice follows": "The response deadline passed without a response; a notice of closure follows.",
		},
		holdMissed: func(when, period string) string {
			return "If we have no response from you by " + when + ", your account moves to a notice of closure with a notice period of " + period +
				". It is not closed permanently before that period ends."
		},
		closureMissed: func(when string) string {
			return "If the issue is not addressed by " + when + ", your account will be closed permanently."
		},
		periodDays: func(n int) string {
			if n == 1 {
				return "1 day"
			}
			return strconv.Itoa(n) + " days"
		},
	},
	"de": {
		weekdays: [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		months:   [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		when: func(l *language, t time.Time) string {
			return fmt.Sprintf("%s, %d. %s %d, %s Uhr (UTC)", l.weekdays[t.Weekday()], t.Day(), l.months[t.Month()-1], t.Year(), t.Format("15:04"))
		},
		day: func(l *language, t time.Time) string {
			return fmt.Sprintf("%d. %s %d", t.Day(), l.months[t.Month()-1], t.Year())
		},
		units: [6]string{"Tag", "Tage", "Stunde", "Stunden", "Minute", "Minuten"},
		caps: map[domain.Capability]string{
			domain.CapLogin:            "sich in Ihrem Konto anmelden",
			domain.CapMessaging:        "Nachrichten senden",
			domain.CapProposals:        "Angebote abgeben",
			domain.CapNewContracts:     "neue Aufträge annehmen oder vergeben",
			domain.CapActiveContracts:  "an Ihren laufenden Aufträgen arbeiten",
			domain.CapJobPosting:       "Projekte ausschreiben",
			domain.CapPayouts:          "Auszahlungen erhalten",
			domain.CapSearchVisibility: "in den Suchergebnissen erscheinen",
		},
		measures: map[domain.MeasureType]string{
			domain.Warning:        "die Verwarnung Ihres Kontos",
			domain.Restriction:    "die Einschränkung Ihres Kontos",
			domain.Hold:           "die vorläufige Sperrung Ihres Kontos",
			domain.Suspension:     "die befristete Sperrung Ihres Kontos",
			domain.ClosurePending: "die Ankündigung der Schließung Ihres Kontos",
			domain.Closure:        "die Schließung Ihres Kontos",
		},
		sources: map[domain.CaseSource]string{
			domain.SourceDetection:    "durch unsere eigenen Kontrollen",
			domain.SourceUserNotice:   "durch die Meldung einer anderen Person (Art. 16 DSA)",
			domain.SourceTrustedFlag:  "durch die Meldung eines vertrauenswürdigen Hinweisgebers (Art. 22 DSA)",
			domain.SourceRightsHolder: "durch die Meldung eines Rechteinhabers",
		},
		phrases: map[string]string{
			"Reply to this notice with your explanation and any documents before the deadline.":                     "Antworten Sie vor Ablauf der Frist auf diese Mitteilung und fügen Sie Ihre Erklärung und etwaige Unterlagen bei.",
			"Appeal the decision through the internal complaint system within six months.":                          "Legen Sie innerhalb von sechs Monaten über unser internes Beschwerdeverfahren Beschwerde gegen die Entscheidung ein.",
			"Contact support through the help center, e-mail, live chat or a phone callback.":                       "Wenden Sie sich an unseren Support – über das Hilfe-Center, per E-Mail, im Live-Chat oder per telefonischem Rückruf.",
			"Refer the dispute to a certified out-of-court dispute settlement body (DSA Art. 21) or to the courts.": "Legen Sie die Streitigkeit einer zertifizierten außergerichtlichen Streitbeilegungsstelle (Art. 21 DSA) vor oder beschreiten Sie den Rechtsweg.",
			"The response deadline passed without a response.":                                                      "Die Antwortfrist ist abgelaufen, ohne dass eine Antwort bei uns eingegangen ist.",
			"the response deadline passed without a response; a closure notice follows":                             "Die Antwortfrist ist ohne Antwort abgelaufen; es folgt eine Ankündigung der Schließung.",
			"The notice period before closure ended without the issue being addressed.":                             "Die Frist vor der Schließung ist abgelaufen, ohne dass das Problem behoben wurde.",
		},
		holdMissed: func(when, period string) string {
			return "Liegt uns bis " + when + " keine Antwort von Ihnen vor, kündigen wir die Schließung Ihres Kontos mit einer Frist von " + period +
				" an. Vor Ablauf dieser Frist wird Ihr Konto nicht endgültig geschlossen."
		},
		closureMissed: func(when string) string {
			return "Wird das Problem nicht bis " + when + " behoben, wird Ihr Konto endgültig geschlossen."
		},
		periodDays: func(n int) string {
			if n == 1 {
				return "einem Tag"
			}
			return strconv.Itoa(n) + " Tagen"
		},
	},
}

// The engine's "if the deadline is missed" sentences (internal/standing/statement.go).
var (
	holdMissedRE    = regexp.MustCompile(`^If no response arrives by (.+), the account moves to a closure notice of (.+) before any permanent closure\.$`)
	closureMissedRE = regexp.MustCompile(`^If the issue is not addressed by (.+), the account will be closed permanently\.$`)
	periodDaysRE    = regexp.MustCompile(`^(\d+) days?$`)
)

const engineDateLayout = "2 January 2006 15:04 MST"

func lookupLanguage(lang string) *language {
	if l, ok := languages[lang]; ok {
		return l
	}
	return languages[fallbackLanguage]
}

// funcs returns the helper functions for a language's templates:
//
//	when T          an instant in words: "Tuesday 19 May 2026 at 09:30 UTC"
//	day T           a date in words: "19 May 2026"
//	span A B        the time from A to B: "7 days", "36 hours"
//	can CAP         what a capability lets the holder do: "receive payouts"
//	off STATEMENT CAP  whether the statement switches CAP off
//	measure TYPE    a measure in words: "the hold on your account"
//	source SOURCE   how a case came about: "through our own checks"
//	tr TEXT         the engine's standard sentences in this language (others unchanged)
//	capfirst TEXT   TEXT with its first letter in upper case, to start a sentence
//
// T, A and B may be a time.Time or a *time.Time; a nil one writes "".
func funcs(code string) map[string]any {
	l := lookupLanguage(code)
	return map[string]any{
		"when": func(v any) (string, error) { return l.format(v, l.when) },
		"day":  func(v any) (string, error) { return l.format(v, l.day) },
		"span": func(a, b any) (string, error) {
			from, ok1, err1 := instant(a)
			to, ok2, err2 := instant(b)
			if err1 != nil || err2 != nil {
				return "", fmt.Errorf("span: %v", firstErr(err1, err2))
			}
			if !ok1 || !ok2 {
				return "", nil
			}
			return l.span(to.Sub(from)), nil
		},
		"can": func(c domain.Capability) string {
			if s, ok := l.caps[c]; ok {
				return s
			}
			return string(c)
		},
		"off": func(st domain.Statement, c domain.Capability) bool {
			for _, o := range st.CapabilitiesOff {
				if o == c {
					return true
				}
			}
			return false
		},
		"measure": func(m domain.MeasureType) string {
			if s, ok := l.measures[m]; ok {
				return s
			}
			return string(m)
		},
		"source": func(s domain.CaseSource) string {
			if p, ok := l.sources[s]; ok {
				return p
			}
			return l.sources[domain.SourceDetection]
		},
		"tr": l.translate,
		"capfirst": func(s string) string {
			if s == "" {
				return ""
			}
			r, n := utf8.DecodeRuneInString(s)
			return string(unicode.ToUpper(r)) + s[n:]
		},
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// instant accepts what templates hold for times: time.Time and *time.Time (nil: not set).
func instant(v any) (time.Time, bool, error) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero(), nil
	case *time.Time:
		if t == nil {
			return time.Time{}, false, nil
		}
		return *t, !t.IsZero(), nil
	case nil:
		return time.Time{}, false, nil
	}
	return time.Time{}, false, fmt.Errorf("want a time, got %T", v)
}

func (l *language) format(v any, f func(*language, time.Time) string) (string, error) {
	t, ok, err := instant(v)
	if err != nil || !ok {
		return "", err
	}
	return f(l, t.UTC()), nil
}

// span writes a duration in the largest whole unit that fits: days, then hours, then minutes.
func (l *language) span(d time.Duration) string {
	unit := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + many
	}
	d = d.Round(time.Minute)
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0 || d >= 72*time.Hour:
		return unit(int64((d+12*time.Hour)/(24*time.Hour)), l.units[0], l.units[1])
	case d >= time.Hour:
		return unit(int64((d+30*time.Minute)/time.Hour), l.units[2], l.units[3])
	}
	return unit(int64(d/time.Minute), l.units[4], l.units[5])
}

// translate writes one of the engine's standard sentences in the language, with its dates in
// words; any other text (the facts, the policy's own words) passes unchanged.
func (l *language) translate(s string) string {
	if p, ok := l.phrases[s]; ok {
		return p
	}
	if m := holdMissedRE.FindStringSubmatch(s); m != nil {
		if when, ok := l.engineDate(m[1]); ok {
			period := m[2]
			if d := periodDaysRE.FindStringSubmatch(period); d != nil {
				n, _ := strconv.Atoi(d[1])
				period = l.periodDays(n)
			}
			return l.holdMissed(when, period)
		}
	}
	if m := closureMissedRE.FindStringSubmatch(s); m != nil {
		if when, ok := l.engineDate(m[1]); ok {
			return l.closureMissed(when)
		}
	}
	return s
}

func (l *language) engineDate(s string) (string, bool) {
	t, err := time.Parse(engineDateLayout, strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return l.when(l, t.UTC()), true
}
