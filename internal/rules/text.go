package rules

import (
	"regexp"
	"strings"
	"unicode"
)

// The text helpers scan a message once into lower-case words and match phrases word by word,
// which is many times faster than running large case-folding regular expressions over it; the
// few patterns that need a regular expression run only when a cheap test says they could
// match.

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// phrases is a set of word sequences, indexed by their first word.
type phrases map[string][][]string

// newPhrases expands patterns into phrases: each pattern is words separated by spaces, where
// a|b|c offers alternatives, a trailing ? makes the word optional ("pay|paying me? directly")
// and * after the first word matches any word.
func newPhrases(patterns ...string) phrases {
	p := phrases{}
	for _, pat := range patterns {
		seqs := [][]string{nil}
		for _, w := range strings.Fields(pat) {
			optional := strings.HasSuffix(w, "?")
			alts := strings.Split(strings.TrimSuffix(w, "?"), "|")
			var next [][]string
			for _, s := range seqs {
				if optional {
					next = append(next, s)
				}
				for _, a := range alts {
					next = append(next, append(append([]string(nil), s...), a))
				}
			}
			seqs = next
		}
		for _, s := range seqs {
			if len(s) > 0 {
				p[s[0]] = append(p[s[0]], s)
			}
		}
	}
	return p
}

// in reports whether any phrase occurs in ws.
func (p phrases) in(ws []string) bool {
	for i, w := range ws {
		for _, ph := range p[w] {
			if len(ph) <= len(ws)-i && equalWords(ph[1:], ws[i+1:i+len(ph)]) {
				return true
			}
		}
	}
	return false
}

// equalWords compares a phrase's words with the text's; * matches any word.
func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] && a[i] != "*" {
			return false
		}
	}
	return true
}

var (
	messengerPhrases = newPhrases("whatsapp|telegram|skype|wechat|viber|imessage", "whats app", "signal me", "my signal")
	// obfuscated e-mail addresses: "jane at gmail dot com", "jane [at] gmail [dot] com"
	obfuscatedEmail = newPhrases("at * dot com|net|org|io|info|de|fr|uk|co|me", "at gmail|yahoo|hotmail|outlook|proton|protonmail|icloud|gmx com|net|de|me|org")
	paymentPhrases  = newPhrases(
		"paypal|venmo|zelle|cashapp|transferwise|revolut|payoneer|skrill|moneygram|bitcoin|btc|usdt|tether|crypto|cryptocurrency|ethereum|litecoin",
		"pay pal", "cash app", "western union", "wallet address", "e wallet", "ewallet",
		"via|through|with|by|on wise", "to my wise", "wise account|transfer|payment|tag|me",
	)
	payOutsidePhrases = newPhrases(
		"pay|pays|paying|payment|payments me|you|us? outside|directly|offline",
		"pay|pays|paying|payment|payments me|you|us? off platform|site",
		"pay|paying me|you? privately",
		"outside of? the|this|your|our? platform|site|marketplace|app|website|upwork|fiverr|freelancer",
		"off platform", "offplatform",
		"avoid|skip|bypass|dodge|no|without the? platform|site|service|marketplace? fee|fees|commission|cut",
		"save on the? platform|site|service? fee|fees|commission",
		"bank|wire transfer", "banktransfer", "direct transfer|deposit",
		"send|transfer the|your? money|payment|funds to me? directly",
	)
)

var (
	emailLocal = func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
	}
	emailDomain = func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
	}
	ibanRE   = regexp.MustCompile(`\b[A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]{4}){3,7}(?:\s?[A-Za-z0-9]{1,3})?\b`)
	walletRE = regexp.MustCompile(`\b(?:bc1|[13])[a-km-zA-HJ-NP-Z1-9]{25,39}\b|\b0x[0-9a-fA-F]{40}\b`)
)

// hasEmail finds name@domain.tld around each @.
func hasEmail(s string) bool {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		l := i
		for l > 0 && emailLocal(s[l-1]) {
			l--
		}
		r := i + 1
		for r < len(s) && emailDomain(s[r]) {
			r++
		}
		domain := strings.TrimRight(s[i+1:r], ".-")
		if dot := strings.LastIndexByte(domain, '.'); l < i && dot > 0 && len(domain)-dot-1 >= 2 && isLetters(domain[dot+1:]) {
			return true
		}
		next := strings.IndexByte(s[i+1:], '@')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// hasPhone finds a run of 9 to 15 digits, with spaces, dots, dashes, brackets or a leading +
// between them, that is neither a date nor part of a longer token such as a hash.
func hasPhone(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '+' || c == '(') || i > 0 && isAlnum(s[i-1]) {
			continue
		}
		digits, end := 0, i
		for j := i; j < len(s); j++ {
			d := s[j]
			if d >= '0' && d <= '9' {
				digits++
				end = j + 1
			} else if !(d == ' ' || d == '.' || d == '-' || d == '(' || d == ')' || d == '+' && j == i) {
				break
			}
		}
		if digits >= 9 && digits <= 15 && !(end < len(s) && isAlnum(s[end])) && !isDate(s[i:end]) {
			return true
		}
		if end > i {
			i = end - 1
		}
	}
	return false
}

// isDate reports whether run starts like 2026-09-14 or 14.09.2026.
func isDate(run string) bool {
	var groups []int
	n := 0
	for i := 0; i <= len(run) && len(groups) < 3; i++ {
		if i < len(run) && run[i] >= '0' && run[i] <= '9' {
			n++
			continue
		}
		if n > 0 {
			groups = append(groups, n)
		}
		n = 0
		if i < len(run) && run[i] != '-' && run[i] != '.' && run[i] != '/' {
			break
		}
	}
	if len(groups) < 3 {
		return false
	}
	return groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2 || groups[0] <= 2 && groups[1] <= 2 && groups[2] == 4
}

// contactInfo: an e-mail address (also spelt out), a phone number or an off-platform messenger.
func contactInfo(s string) bool {
	if hasEmail(s) || hasPhone(s) {
		return true
	}
	ws := words(s)
	return messengerPhrases.in(ws) || obfuscatedEmail.in(ws)
}

// paymentHandle: a payment service, an IBAN or a crypto wallet address. (A bare $cashtag is
// not enough: developers write $this and $HOME.)
func paymentHandle(s string) bool {
	if paymentPhrases.in(words(s)) {
		return true
	}
	digits, long := 0, false
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
		if isAlnum(s[i]) {
			run++
			long = long || run >= 26
		} else {
			run = 0
		}
	}
	return digits >= 10 && ibanRE.MatchString(s) || long && walletRE.MatchString(s)
}

// payOutside: asking or offering to move payment off the platform.
func payOutside(s string) bool { return payOutsidePhrases.in(words(s)) }
