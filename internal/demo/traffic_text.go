package demo

import (
	"strconv"
	"strings"
)

// What the accounts write. Placeholders: {name} the other's first name, {day} a weekday,
// {time} a time of day, {n} a small number, {file} a file name, {skill} a skill, {email},
// {phone}, {iban}, {wallet} and {handle} made-up contact and payment details.

// Honest messages from clients to freelancers, by language.
var clientMessages = map[string][]string{
	"en": {
		"Hi {name}, thanks for the quick turnaround. Could you also add the mobile version?",
		"Looks great! One small thing: the logo feels a bit too large on the header.",
		"Can we do a short call on {day} at {time}? I'd like to go through the next milestone.",
		"I've approved milestone {n}. Looking forward to the next part.",
		"The staging link doesn't load for me, is it password protected?",
		"Could you send me an estimate for the extra pages before you start?",
		"Our team reviewed the draft, comments are in the shared document.",
		"No rush on this one, end of next week is fine.",
		"Is {file} the final version or should I wait for the revision?",
		"Thanks {name}, that fixed it. Happy with the result so far.",
		"We'd like to extend the contract by {n} weeks, are you available?",
		"Quick question about the invoice for milestone {n}: does it include the revisions?",
		"Please keep the colours from the brand guide, the green is a bit off.",
		"Can you walk me through how to update the content myself?",
	},
	"de": {
		"Hallo {name}, danke für den Entwurf. Können wir am {day} um {time} kurz telefonieren?",
		"Meilenstein {n} ist freigegeben, vielen Dank!",
		"Die Seite lädt bei mir auf dem Handy nicht richtig, kannst du dir das ansehen?",
		"Passt so, bitte noch die Schriftgröße im Footer anpassen.",
	},
	"fr": {
		"Bonjour {name}, merci pour la maquette. On peut en parler {day} à {time} ?",
		"J'ai validé le jalon {n}, merci beaucoup !",
		"Pouvez-vous m'envoyer la version finale de {file} ?",
	},
	"es": {
		"Hola {name}, gracias por el avance. ¿Podemos hablar el {day} a las {time}?",
		"He aprobado el hito {n}, ¡muchas gracias!",
		"¿Puedes revisar los comentarios que dejé en el documento?",
	},
	"pt": {
		"Oi {name}, obrigado pela entrega. Podemos conversar na {day} às {time}?",
		"Aprovei a etapa {n}, muito obrigado!",
		"Pode ajustar as cores conforme o guia da marca?",
	},
	"pl": {
		"Cześć {name}, dzięki za projekt. Możemy porozmawiać w {day} o {time}?",
		"Zatwierdziłem etap {n}, dziękuję!",
	},
	"it": {
		"Ciao {name}, grazie per la bozza. Possiamo sentirci {day} alle {time}?",
		"Ho approvato la milestone {n}, grazie mille!",
	},
}

// Honest messages from freelancers to clients, by language.
var freelancerMessages = map[string][]string{
	"en": {
		"Hi {name}, I've uploaded the revised version ({file}) to the contract workspace.",
		"Milestone {n} is ready for review. Let me know if anything needs changing.",
		"Quick update: the backend part is done, I'm starting on the tests today.",
		"Could you share the login for the staging server? I'll need it for the deployment.",
		"I'll be offline on {day}, but the next delivery is still on track for Friday.",
		"Thanks for the feedback! I'll have the changes ready by {day}.",
		"I found a bug in the old checkout code, fixing it is about {n} hours. Should I go ahead?",
		"Here is a short screen recording of the new flow, it's attached as {file}.",
		"Would {day} at {time} work for a quick call about the scope?",
		"I've sent the invoice for milestone {n} through the platform.",
		"The translation is done, I kept the glossary terms you sent.",
		"Do you have the brand fonts as files? I only have the PDF guide.",
		"Happy to help with the next phase as well, just let me know.",
		"All {n} pages are now responsive, tested on iOS and Android.",
	},
	"de": {
		"Hallo {name}, die überarbeitete Version ({file}) liegt im Projektbereich.",
		"Meilenstein {n} ist fertig zur Abnahme.",
		"Ich bin am {day} nicht erreichbar, die Lieferung bleibt aber im Plan.",
	},
	"fr": {
		"Bonjour {name}, la nouvelle version ({file}) est en ligne dans l'espace du contrat.",
		"Le jalon {n} est prêt pour validation.",
	},
	"es": {
		"Hola {name}, ya subí la versión revisada ({file}) al espacio del contrato.",
		"El hito {n} está listo para revisión.",
	},
	"pt": {
		"Oi {name}, enviei a versão revisada ({file}) no espaço do contrato.",
		"A etapa {n} está pronta para revisão.",
	},
	"pl": {
		"Cześć {name}, poprawiona wersja ({file}) jest już w przestrzeni projektu.",
	},
	"it": {
		"Ciao {name}, ho caricato la versione aggiornata ({file}) nello spazio del contratto.",
	},
}

var (
	inviteMessages = []string{
		"Hi {name}, I like your portfolio. Would you be interested in a small {skill} project?",
		"Hello {name}, we have a {skill} job starting {day}. Could you send a proposal?",
		"Hi, are you available for about {n} hours of {skill} work this month?",
	}
	declineMessages = []string{
		"Thanks for your proposal, {name}. We went with another freelancer this time.",
		"Thank you for applying. We've paused the project for now, I'll get back to you.",
	}
	proposalTexts = []string{
		"I've done similar {skill} projects and can start on {day}. Estimate: {n} days.",
		"Hi {name}, I read the brief carefully. I can deliver the first draft within {n} days.",
		"Experienced in {skill}; happy to do a short call before you decide.",
		"I can take this on next week. Fixed price, {n} revisions included.",
	}
	weekdays  = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
	times     = []string{"9:30", "10:00", "11:00", "14:00", "15:30", "16:00", "17:00"}
	fileNames = []string{"homepage-v3.fig", "logo-final.pdf", "report-draft.docx", "build-1.4.2.apk", "brand-guide.pdf",
		"translation-de.xlsx", "episode-12-cut2.mp4", "checkout-fix.zip", "wireframes.pdf", "dataset-clean.csv"}
)

// Honest noise: innocent messages that the rules still catch, as real traffic has them (a
// developer wiring up a PayPal checkout, a phone number in case a call drops).
var noiseMessages = []string{
	"I've wired up PayPal and Stripe in the checkout on staging, can you run a test order?",
	"The shop also needs a small crypto price widget on the homepage, is that in scope?",
	"Our finance team funds milestones by bank transfer, so it may take a day to show up.",
	"Does the platform pay out to Payoneer, or only to a bank account? Asking for my tax advisor.",
	"Please copy our project manager on the delivery notes: {email}",
	"If the video call drops again, call me on {phone}.",
	"Sorry, my signal was terrible during the call, can we try again tomorrow?",
	"The Revolut Business API needs a public webhook URL, I've added it to the config.",
	"The old site still has the Venmo button from 2019, shall I remove it?",
	"My accountant asked for your VAT number, could you send it to {email}?",
}

// Asking to be paid off the platform, in words the rules know.
var offPlatformMessages = []string{
	"For the next milestone just send it via PayPal to {email}, saves us both the fees.",
	"Can you pay me directly? My IBAN is {iban}.",
	"I prefer Wise, send it to my Wise account and I'll knock 10% off.",
	"If you pay outside the platform I can do it for 15% less.",
	"Zelle works for me, it's {phone}.",
	"Venmo @{handle} is the fastest for me, then I can start today.",
	"Let's skip the platform fee: bank transfer to {iban} is fine.",
	"Pay me off platform and we both save the commission.",
	"I can also take USDT, wallet: {wallet}",
	"Send the rest in BTC if you like: {wallet}",
	"Revolut or Payoneer both work, whatever is easier for you, then no fees for us.",
	"For future work we can deal directly, wire transfer to my company account is fine.",
	"Kannst du mir den Rest direkt per PayPal schicken? {email}",
	"Puedes pagarme por PayPal, es más rápido: {email}",
	"Cash App works too: ${handle}",
	"Send the money to me directly and I'll send the files right away.",
}

// Asking to be paid off the platform in words the rules do not know.
var subtleOffPlatformMessages = []string{
	"send the remaining amount to my p@yp@l, same name as here",
	"let's settle the rest like last time, the blue app 😉",
	"my cousin can receive the money, I'll give you his details on tg",
	"for the next project we can sort the money between us, no need for the middleman",
	"I'll send you an invoice from my own site, 20% cheaper for you",
	"ping me on t.e.l.e.g.r.a.m and we sort out the payment",
	"p a y p a l is easier for me, same username",
	"we can do the next ones without this site taking its share, think about it",
}

var spamMessages = []string{
	"Hi! I saw your profile. I build high-converting websites from 99 USD, see my portfolio: {link}",
	"Need more 5-star reviews? Boost your profile fast, message me for the price list.",
	"Earn 500 USD a week from home with simple data entry. Reply YES to start.",
	"Limited offer: logo + brand kit for just 29 USD, 24h delivery! {link}",
	"Hello dear, I am expert in all kind of work, give me chance and I will not disappoint you.",
	"Get 10,000 followers in 3 days, real and active, guaranteed: {link}",
	"WhatsApp me for a free quote: {phone}",
}

var recruiterMessages = []string{
	"Hello {name}, we're hiring a {skill} specialist for a 3-month project starting {day}. Interested? Please send a proposal on the job post.",
	"Hi {name}, your profile matches our new {skill} project. Could you apply by {day}?",
}

var fakeReviewTexts = []string{
	"Excellent work!!! Highly recommended, will hire again 100%",
	"Best freelancer on this site, five stars!!",
	"Amazing, fast, professional. Recommended!!!",
	"Perfect job, great communication, A+++",
	"Very good work thank you so much",
}

var reviewTexts = [6][]string{
	1: {"Missed every deadline and stopped replying.", "The delivered work did not match the brief at all."},
	2: {"Communication was difficult and the result needed a lot of fixing.", "Took much longer than agreed."},
	3: {"Okay result, but several rounds of revisions were needed.", "Decent work, communication could be better."},
	4: {"Good work and fair pricing; a few delays.", "Solid delivery, would work together again.", "Clear brief and quick payment, thanks."},
	5: {"Excellent work, delivered ahead of schedule.", "A pleasure to work with, very responsive.",
		"Great attention to detail, highly recommended.", "Clear requirements and fast payments, great client.",
		"Knew exactly what was needed and delivered it."},
}

// fill replaces the placeholders in s.
func (t *Traffic) fill(s string, name, skill string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		switch key := s[i+1 : i+j]; key {
		case "name":
			b.WriteString(name)
		case "skill":
			b.WriteString(skill)
		case "day":
			b.WriteString(t.pick(weekdays))
		case "time":
			b.WriteString(t.pick(times))
		case "n":
			b.WriteString(strconv.Itoa(2 + t.rng.IntN(6)))
		case "file":
			b.WriteString(t.pick(fileNames))
		case "email":
			b.WriteString(t.pick([]string{"jm.work", "studio.payments", "anna.k", "dev.team", "billing", "k.novak"}) +
				strconv.Itoa(t.rng.IntN(90)+10) + "@example." + t.pick([]string{"com", "net", "org"}))
		case "phone":
			b.WriteString(t.phone())
		case "iban":
			b.WriteString(t.iban())
		case "wallet":
			b.WriteString(t.wallet())
		case "handle":
			b.WriteString(t.pick([]string{"jm", "studio", "dev", "pix", "code", "mk"}) + "_" + strconv.Itoa(t.rng.IntN(9000)+1000))
		case "link":
			b.WriteString("https://" + t.pick([]string{"bit.example", "portfolio.example", "promo.example"}) + "/" + strconv.FormatUint(t.rng.Uint64()%1e8, 36))
		default:
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

func (t *Traffic) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + t.rng.IntN(10))
	}
	return string(b)
}

func (t *Traffic) phone() string {
	return t.pick([]string{"+49 151 ", "+44 7700 ", "+1 415 ", "+91 98", "+63 917 ", "+234 803 ", "+55 11 9"}) + t.digits(4) + " " + t.digits(4)
}

func (t *Traffic) iban() string {
	cc := t.pick([]string{"DE", "NL", "LT", "ES", "FR", "GB", "PL"})
	s := cc + t.digits(2)
	for range 4 + t.rng.IntN(2) {
		s += " " + t.digits(4)
	}
	return s + " " + t.digits(2)
}

const walletChars = "qpzry9x8gf2tvdw3jn54khce6mua7" // bech32 without 0, l, b, i, o, s

func (t *Traffic) wallet() string {
	if t.rng.IntN(2) == 0 {
		b := []byte("0x")
		for range 40 {
			b = append(b, "0123456789abcdef"[t.rng.IntN(16)])
		}
		return string(b)
	}
	b := []byte("bc1q")
	for range 38 {
		b = append(b, walletChars[t.rng.IntN(len(walletChars))])
	}
	return string(b)
}
