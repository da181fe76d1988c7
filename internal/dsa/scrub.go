package dsa

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces each piece of personal data the scrubber finds.
const Redacted = "[redacted]"

// The scrubber is conservative: it would rather redact a harmless number than let a phone
// number through. It cannot find names in free text; facts must be written without them.
var (
	// urlRe: web addresses, which may name a profile or a handle.
	urlRe = regexp.MustCompile(`(?i)(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"]+`)
	// emailRe: local@domain.tld, also with the full-width and small at signs.
	emailRe = regexp.MustCompile(`[\p{L}\p{N}\p{M}._%+\-]+[@＠﹫][\p{L}\p{N}\p{M}\-]+(?:\.[\p{L}\p{N}\p{M}\-]+)+`)
	// handleRe: @handle, and any at sign followed by a name (what an e-mail leaves behind).
	handleRe = regexp.MustCompile(`[@＠﹫][\p{L}\p{N}\p{M}_.\-]+`)
	// ibanRe: two letters, two check digits and 11 to 30 more, compact or in groups of four.
	ibanRe = regexp.MustCompile(`(?i)\b[a-z]{2}[0-9]{2}[a-z0-9]{11,30}\b|\b[A-Z]{2}[0-9]{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?\b`)
	// ipv6Re: candidates, confirmed by looksIPv6.
	ipv6Re = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?`)
	// ipv4Re: four dotted numbers.
	ipv4Re = regexp.MustCompile(`\b[0-9]{1,3}(?:\.[0-9]{1,3}){3}\b`)
	// phoneRe: candidates, digits with spaces, dots, dashes, slashes or brackets between them;
	// confirmed by looksPhone (7 digits or more once dates are set aside).
	phoneRe = regexp.MustCompile(`\+?\(?[0-9][0-9 \t().\-/]*[0-9]`)
	// dateRe: dates inside a phone candidate, which do not count as its digits.
	dateRe = regexp.MustCompile(`(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])|(?:0?[1-9]|[12][0-9]|3[01])[./](?:0?[1-9]|1[0-2])[./](?:19|20)[0-9]{2}`)
	// idRe: account-id-like tokens such as "fl-1064" or "acct_123456" (other accounts' ids).
	idRe = regexp.MustCompile(`\b[a-z]{1,8}[-_][0-9]{3,}\b`)
)

// Scrub replaces e-mail addresses, web addresses, @handles, IBAN-like strings, IP addresses,
// phone numbers (7 digits or more, separators allowed, dates excepted) and account-id-like
// tokens with Redacted. It does not truncate.
func Scrub(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = replaceAll(urlRe, s, trimURL)
	s = replaceAll(emailRe, s, nil)
	s = replaceAll(handleRe, s, nil)
	s = replaceAll(ibanRe, s, nil)
	s = replaceAll(ipv6Re, s, bounded(looksIPv6))
	s = replaceAll(ipv4Re, s, bounded(nil))
	s = replaceAll(phoneRe, s, bounded(looksPhone))
	s = replaceAll(idRe, s, nil)
	return s
}

// scrubKnown removes the identifiers Input knows (account id, notifier) wherever they appear,
// in any case, then runs Scrub. Identifiers shorter than 3 characters are left alone: they
// would shred the text.
func scrubKnown(s string, ids []string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if utf8.RuneCountInString(id) < 3 {
			continue
		}
		s = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(id)).ReplaceAllLiteralString(s, Redacted)
	}
	return Scrub(s)
}

// accept looks at the match s[i:j] and says whether to redact it and where the redaction ends.
type accept func(s string, i, j int) (end int, ok bool)

// replaceAll redacts every match of re in s that ok accepts (every match when ok is nil).
func replaceAll(re *regexp.Regexp, s string, ok accept) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		i, j := l[0], l[1]
		if ok != nil {
			var yes bool
			if j, yes = ok(s, i, j); !yes {
				continue
			}
		}
		b.WriteString(s[last:i])
		b.WriteString(Redacted)
		last = j
	}
	b.WriteString(s[last:])
	return b.String()
}

// trimURL leaves trailing punctuation (a sentence's full stop, a closing bracket) outside.
func trimURL(s string, i, j int) (int, bool) {
	for j > i && strings.ContainsRune(".,;:!?)]}'", rune(s[j-1])) {
		j--
	}
	return j, j > i
}

// bounded accepts a match that is not glued to letters or digits on either side (a match that
// starts with a sign such as "+" may follow anything) and that check (if any) confirms.
func bounded(check func(string) bool) accept {
	return func(s string, i, j int) (int, bool) {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && isAlnum(r) && isAlnum(rune(s[i])) {
			return j, false
		}
		if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && isAlnum(r) {
			return j, false
		}
		return j, check == nil || check(s[i:j])
	}
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// looksPhone counts the digits left once dates are set aside: 7 or more is a phone number (or
// another long number, which is redacted all the same).
func looksPhone(m string) bool {
	n := 0
	for _, r := range dateRe.ReplaceAllString(m, "") {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n >= 7
}

// looksIPv6 takes a hex-and-colon run with "::" or at least five groups as an IPv6 address;
// times like 10:30:00 have too few.
func looksIPv6(m string) bool {
	if i := strings.IndexByte(m, '%'); i >= 0 {
		m = m[:i]
	}
	hex := strings.Count(m, ":") < len(m)
	return hex && (strings.Contains(m, "::") || strings.Count(m, ":") >= 4)
}

// truncate cuts s to at most n characters on a rune boundary, ending with "…" when it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// clean makes s valid UTF-8.
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
