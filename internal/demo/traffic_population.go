package demo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

// The population of the traffic generator: countries, names and the profiles of freelancers,
// clients and agencies.

// country is where an account lives: its language, its currency, its UTC offset (for the
// rhythm of the day) and a weight in the population.
type country struct {
	code, lang, currency string
	tz                   int
	weight               int
	ip                   [2]byte // the first octets of the (made-up) address blocks of its networks
	legal                string  // the suffix of a company's name
}

var countries = []country{
	{"DE", "de", "EUR", 1, 9, [2]byte{84, 91}, "GmbH"},
	{"FR", "fr", "EUR", 1, 6, [2]byte{82, 90}, "SAS"},
	{"ES", "es", "EUR", 1, 5, [2]byte{83, 88}, "S.L."},
	{"IT", "it", "EUR", 1, 5, [2]byte{79, 93}, "S.r.l."},
	{"NL", "nl", "EUR", 1, 4, [2]byte{77, 145}, "B.V."},
	{"PL", "pl", "EUR", 1, 5, [2]byte{89, 178}, "sp. z o.o."},
	{"PT", "pt", "EUR", 0, 3, [2]byte{85, 94}, "Lda"},
	{"IE", "en", "EUR", 0, 2, [2]byte{86, 109}, "Ltd"},
	{"SE", "sv", "EUR", 1, 2, [2]byte{78, 155}, "AB"},
	{"RO", "ro", "EUR", 2, 3, [2]byte{86, 188}, "S.R.L."},
	{"GR", "el", "EUR", 2, 2, [2]byte{94, 176}, "IKE"},
	{"AT", "de", "EUR", 1, 2, [2]byte{80, 91}, "GmbH"},
	{"BE", "nl", "EUR", 1, 2, [2]byte{81, 109}, "BV"},
	{"CZ", "cs", "EUR", 1, 2, [2]byte{89, 109}, "s.r.o."},
	{"GB", "en", "GBP", 0, 5, [2]byte{81, 86}, "Ltd"},
	{"US", "en", "USD", -5, 10, [2]byte{68, 73}, "LLC"},
	{"CA", "en", "USD", -5, 3, [2]byte{70, 99}, "Inc."},
	{"AU", "en", "USD", 10, 2, [2]byte{101, 110}, "Pty Ltd"},
	{"IN", "en", "USD", 5, 10, [2]byte{103, 117}, "Pvt Ltd"},
	{"PK", "en", "USD", 5, 4, [2]byte{39, 119}, "(Pvt) Ltd"},
	{"BR", "pt", "USD", -3, 5, [2]byte{177, 189}, "Ltda"},
	{"AR", "es", "USD", -3, 2, [2]byte{181, 190}, "S.R.L."},
	{"MX", "es", "USD", -6, 3, [2]byte{187, 201}, "S.A. de C.V."},
	{"PH", "en", "USD", 8, 5, [2]byte{112, 124}, "Inc."},
	{"UA", "uk", "USD", 2, 4, [2]byte{91, 176}, "LLC"},
	{"NG", "en", "USD", 1, 3, [2]byte{102, 105}, "Ltd"},
	{"KE", "en", "USD", 3, 2, [2]byte{41, 105}, "Ltd"},
	{"EG", "ar", "USD", 2, 2, [2]byte{41, 156}, "LLC"},
	{"VN", "vi", "USD", 7, 2, [2]byte{113, 171}, "Co., Ltd"},
	{"ID", "id", "USD", 7, 2, [2]byte{36, 114}, "PT"},
	{"TR", "tr", "USD", 3, 2, [2]byte{78, 88}, "Ltd. Şti."},
	{"RU", "ru", "USD", 3, 0, [2]byte{95, 178}, "OOO"}, // only as a fraudster's login country
}

var countryIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range countries {
		m[c.code] = i
	}
	return m
}()

var countryTotal = func() int {
	n := 0
	for _, c := range countries {
		n += c.weight
	}
	return n
}()

// Where fraudsters' logins come from when they take an account over, and the countries
// misleading profiles claim (higher rates, more trust).
var (
	attackerCountries = []string{"RO", "VN", "NG", "UA", "ID", "BR", "RU", "TR", "PK", "EG"}
	claimedCountries  = []string{"US", "GB", "DE", "CA", "AU", "NL", "IE"}
)

// Names by language; other languages borrow the English ones.
var firstNames = map[string][]string{
	"de": {"Lena", "Jonas", "Sophie", "Lukas", "Hannah", "Felix", "Mia", "Paul", "Laura", "Maximilian", "Anna", "Tim"},
	"fr": {"Camille", "Hugo", "Chloé", "Louis", "Manon", "Lucas", "Léa", "Gabriel", "Emma", "Arthur", "Julie", "Nathan"},
	"es": {"Lucía", "Pablo", "Sofía", "Javier", "Marta", "Diego", "Carmen", "Alejandro", "Elena", "Sergio", "Paula", "Andrés"},
	"it": {"Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Sara", "Andrea", "Valentina", "Davide"},
	"nl": {"Daan", "Sanne", "Bram", "Lotte", "Sem", "Femke", "Ruben", "Noor", "Thijs", "Eva"},
	"pl": {"Piotr", "Anna", "Jakub", "Katarzyna", "Michał", "Agnieszka", "Tomasz", "Magdalena", "Krzysztof", "Ewa"},
	"pt": {"Thiago", "Ana", "Rafael", "Beatriz", "João", "Mariana", "Pedro", "Larissa", "Gabriel", "Camila"},
	"sv": {"Erik", "Astrid", "Oskar", "Elsa", "Lars", "Maja", "Nils", "Ingrid"},
	"ro": {"Andrei", "Ioana", "Mihai", "Elena", "Alexandru", "Maria", "Cristian", "Ana"},
	"el": {"Giorgos", "Maria", "Nikos", "Eleni", "Dimitris", "Katerina", "Kostas", "Sofia"},
	"cs": {"Jan", "Tereza", "Petr", "Lucie", "Martin", "Veronika", "Tomáš", "Kateřina"},
	"uk": {"Oleksandr", "Olena", "Dmytro", "Iryna", "Andrii", "Natalia", "Serhii", "Kateryna"},
	"tr": {"Emre", "Elif", "Burak", "Zeynep", "Mehmet", "Ayşe", "Can", "Selin"},
	"vi": {"Minh", "Linh", "Huy", "Trang", "Duc", "Mai", "Nam", "Thao"},
	"id": {"Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu"},
	"ar": {"Ahmed", "Mona", "Omar", "Nour", "Youssef", "Salma", "Karim", "Laila"},
	"en": {"Emily", "James", "Priya", "Chinedu", "Maria", "Kevin", "Aoife", "Joshua", "Sarah", "David", "Grace", "Arjun",
		"Fatima", "Michael", "Wanjiru", "Rahul", "Jessica", "Daniel", "Ayesha", "Liam", "Olivia", "Bilal"},
}

var lastNames = map[string][]string{
	"de": {"Hoffmann", "Becker", "Schulz", "Wagner", "Fischer", "Weber", "Meyer", "Koch", "Richter", "Klein"},
	"fr": {"Durand", "Moreau", "Lefebvre", "Girard", "Bernard", "Petit", "Roux", "Fournier", "Laurent", "Mercier"},
	"es": {"Martín", "García", "López", "Sánchez", "Romero", "Navarro", "Torres", "Ruiz", "Díaz", "Moreno"},
	"it": {"Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti"},
	"nl": {"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos"},
	"pl": {"Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański"},
	"pt": {"Almeida", "Costa", "Souza", "Oliveira", "Santos", "Ferreira", "Pereira", "Rodrigues", "Lima", "Carvalho"},
	"sv": {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson"},
	"ro": {"Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei"},
	"el": {"Papadopoulos", "Georgiou", "Nikolaou", "Ioannou", "Dimitriou", "Vasileiou", "Konstantinou"},
	"cs": {"Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák"},
	"uk": {"Melnyk", "Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Kravchenko", "Oliinyk", "Moroz"},
	"tr": {"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk"},
	"vi": {"Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"},
	"id": {"Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Pratama", "Setiawan", "Lestari"},
	"ar": {"Hassan", "Mahmoud", "Ibrahim", "Mostafa", "Ali", "Khalil", "Saleh", "Farouk"},
	"en": {"Carter", "Walsh", "Byrne", "Okafor", "Santos", "Moore", "Raghunathan", "Mehta", "Villanueva", "Smith",
		"Khan", "Mwangi", "Reyes", "Taylor", "Johnson", "Adeyemi", "Brown", "Murphy", "Patel", "Wilson"},
}

// A trade: what a freelancer does, the skills the profile lists and the usual hourly rate in
// USD (rates in EUR and GBP are close enough for a demo).
type trade struct {
	title  string
	skills string
	rate   [2]int
}

var trades = []trade{
	{"Full-stack developer (React, Node.js)", "React, Node.js, TypeScript, PostgreSQL", [2]int{30, 95}},
	{"Backend developer (Go)", "Go, gRPC, PostgreSQL, Kubernetes", [2]int{45, 120}},
	{"Backend developer (Django)", "Python, Django, PostgreSQL, Docker", [2]int{25, 85}},
	{"Mobile developer (Flutter)", "Flutter, Dart, Firebase", [2]int{25, 80}},
	{"iOS developer", "Swift, SwiftUI, Core Data", [2]int{40, 110}},
	{"WordPress developer", "WordPress, PHP, WooCommerce", [2]int{18, 60}},
	{"Shopify developer", "Shopify, Liquid, JavaScript", [2]int{25, 75}},
	{"Data engineer", "Python, dbt, Snowflake, Airflow", [2]int{45, 120}},
	{"Machine learning engineer", "Python, PyTorch, MLOps", [2]int{50, 140}},
	{"DevOps engineer", "AWS, Terraform, Kubernetes, CI/CD", [2]int{45, 120}},
	{"QA automation engineer", "Playwright, Selenium, Cypress", [2]int{20, 60}},
	{"UX/UI designer", "Figma, User research, Design systems", [2]int{25, 90}},
	{"Brand identity designer", "Logo design, Brand guidelines, Illustrator", [2]int{25, 85}},
	{"Illustrator", "Procreate, Character design, Children's books", [2]int{20, 70}},
	{"Motion designer", "After Effects, Cinema 4D, Lottie", [2]int{30, 80}},
	{"Video editor", "Premiere Pro, DaVinci Resolve, YouTube", [2]int{15, 55}},
	{"Copywriter", "Web copy, Product descriptions, SEO writing", [2]int{20, 80}},
	{"Technical writer", "API documentation, Docs-as-code, Markdown", [2]int{35, 90}},
	{"Translator (English–German)", "Legal translation, Localisation, Trados", [2]int{25, 70}},
	{"Translator (English–Spanish)", "Marketing translation, Subtitles, memoQ", [2]int{20, 60}},
	{"SEO consultant", "Technical SEO, Link building, Search Console", [2]int{30, 90}},
	{"Performance marketer", "Google Ads, Meta Ads, GA4", [2]int{35, 110}},
	{"Bookkeeper", "Xero, QuickBooks, VAT returns", [2]int{20, 60}},
	{"Virtual assistant", "Inbox management, Calendar, Data entry", [2]int{8, 25}},
	{"Customer support agent", "Zendesk, Intercom, Live chat", [2]int{8, 22}},
	{"3D artist", "Blender, Substance Painter, Product renders", [2]int{25, 75}},
}

var agencyKinds = []trade{
	{"Web agency: design and development", "Web design, Vue.js, Laravel, SEO", [2]int{40, 95}},
	{"Software outsourcing team", "Java, Spring, React, QA", [2]int{25, 60}},
	{"Design and animation studio", "Branding, 2D animation, Illustration", [2]int{28, 70}},
	{"Mobile app studio", "Flutter, Swift, Kotlin", [2]int{35, 85}},
	{"Digital marketing agency", "SEO, Google Ads, Content", [2]int{30, 80}},
	{"Translation agency", "Localisation, Legal translation, Subtitling", [2]int{25, 60}},
}

var clientKinds = []string{
	"Runs an online shop; hires web developers and designers",
	"Early-stage SaaS start-up; hires developers and a designer",
	"Tax advisory firm; hires bookkeeping and IT help",
	"Marketing agency hiring freelancers for client projects",
	"Restaurant group; hires for the website, photos and social media",
	"Architecture studio; hires 3D artists and web help",
	"Non-profit; hires writers, translators and designers",
	"Podcast producer; hires video editors and audio engineers",
	"Online school; hires course designers, editors and translators",
	"Logistics company; hires data and automation work",
	"Real estate agency; hires photographers, copywriters and web help",
	"Wants a website for a small business",
	"Author self-publishing a book; needs an illustrator and an editor",
	"Game studio; hires 2D and 3D artists",
}

var companyWords = []string{"Nordlicht", "Blue Harbor", "Brightpath", "Greenfield", "Atlas", "Northwind", "Sunrise",
	"Copperleaf", "Silverline", "Oakridge", "Lumen", "Riverstone", "Pinecrest", "Starling", "Meridian", "Cobalt",
	"Evergreen", "Summit", "Horizon", "Kestrel", "Tidewater", "Amberly", "Foxglove", "Redwood"}

var companyTrades = []string{"Digital", "Solutions", "Studio", "Labs", "Media", "Consulting", "Commerce", "Logistics",
	"Software", "Design", "Trading", "Ventures"}

func (t *Traffic) pickCountry() int {
	n := t.rng.IntN(countryTotal)
	for i, c := range countries {
		if n < c.weight {
			return i
		}
		n -= c.weight
	}
	return 0
}

func (t *Traffic) pick(xs []string) string { return xs[t.rng.IntN(len(xs))] }

func (t *Traffic) personName(lang string) string {
	fn, ln := firstNames[lang], lastNames[lang]
	if fn == nil {
		fn, ln = firstNames["en"], lastNames["en"]
	}
	return t.pick(fn) + " " + t.pick(ln)
}

func (t *Traffic) companyName(c country) string {
	return t.pick(companyWords) + " " + t.pick(companyTrades) + " " + c.legal
}

var emailFold = strings.NewReplacer(" ", ".", "&", "", ",", "", "(", "", ")", "", "'", "")

// emailFor makes an address at one of the example domains (RFC 2606): nobody gets mail.
func (t *Traffic) emailFor(name string, n int) string {
	local := strings.ToLower(emailFold.Replace(asciiFold(name)))
	local = strings.Trim(strings.ReplaceAll(local, "..", "."), ".")
	return local + strconv.Itoa(n%100) + "@" + t.pick([]string{"example.com", "example.net", "example.org"})
}

// asciiFold drops accents from the letters the name lists use.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 128:
			b.WriteRune(r)
		case strings.ContainsRune("áàâäãåą", r):
			b.WriteByte('a')
		case strings.ContainsRune("éèêëěę", r):
			b.WriteByte('e')
		case strings.ContainsRune("íìîïı", r):
			b.WriteByte('i')
		case strings.ContainsRune("óòôöõø", r):
			b.WriteByte('o')
		case strings.ContainsRune("úùûüů", r):
			b.WriteByte('u')
		case strings.ContainsRune("çćč", r):
			b.WriteByte('c')
		case strings.ContainsRune("ńñ", r):
			b.WriteByte('n')
		case strings.ContainsRune("śşš", r):
			b.WriteByte('s')
		case strings.ContainsRune("źżž", r):
			b.WriteByte('z')
		case r == 'ł':
			b.WriteByte('l')
		case r == 'ř':
			b.WriteByte('r')
		case r == 'ğ':
			b.WriteByte('g')
		case r == 'ý':
			b.WriteByte('y')
		}
	}
	return b.String()
}

// ip returns an address in a country's (made-up) blocks.
func (t *Traffic) ip(c int) string {
	p := countries[c].ip[t.rng.IntN(2)]
	return fmt.Sprintf("%d.%d.%d.%d", p, t.rng.IntN(256), t.rng.IntN(256), 1+t.rng.IntN(254))
}

// hex returns a prefixed random fingerprint.
func (t *Traffic) hex(prefix string) string {
	return prefix + strconv.FormatUint(t.rng.Uint64()|1<<63, 16)[1:]
}

// makeAccount builds the account as the marketplace sends it.
func (t *Traffic) makeAccount(a *member, id string, created time.Time) {
	c := countries[a.country]
	var d domain.Account
	d.ID, d.Country, d.Language, d.CreatedAt, d.UpdatedAt = id, c.code, c.lang, created, created
	if c.lang != "en" && t.rng.IntN(5) == 0 {
		d.Language = "en" // many work in English and keep the interface in English
	}
	d.TermsVersion = termsVersion
	if created.Before(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) && t.rng.IntN(4) == 0 {
		d.TermsVersion = "2025-03"
	}
	switch r := t.rng.IntN(100); {
	case r < 72:
		d.Identity = domain.IdentityVerified
	case r < 86:
		d.Identity = domain.IdentityPending
	case r < 97:
		d.Identity = domain.IdentityUnverified
	default:
		d.Identity = domain.IdentityFailed
	}
	since := created.Format("2006-01")
	switch a.role {
	case roleFreelancer:
		tr := trades[t.rng.IntN(len(trades))]
		d.Type = domain.Private
		if t.rng.IntN(4) == 0 {
			d.Type = domain.Business // sole traders who invoice as a business
		}
		d.DisplayName = t.personName(c.lang)
		a.rate = tr.rate[0] + t.rng.IntN(tr.rate[1]-tr.rate[0]+1)
		d.Profile = map[string]string{"title": tr.title, "skills": tr.skills,
			"hourly_rate": strconv.Itoa(a.rate) + " " + a.currency, "member_since": since}
	case roleAgency:
		tr := agencyKinds[t.rng.IntN(len(agencyKinds))]
		d.Type = domain.Business
		d.DisplayName = t.companyName(c)
		a.rate = tr.rate[0] + t.rng.IntN(tr.rate[1]-tr.rate[0]+1)
		d.Profile = map[string]string{"title": tr.title + ", " + strconv.Itoa(3+t.rng.IntN(40)) + " people", "skills": tr.skills,
			"hourly_rate": strconv.Itoa(a.rate) + " " + a.currency, "member_since": since}
		if t.rng.IntN(10) < 8 {
			d.Identity = domain.IdentityVerified
		}
	default:
		d.Type = domain.Private
		d.DisplayName = t.personName(c.lang)
		if t.rng.IntN(2) == 0 {
			d.Type = domain.Business
			d.DisplayName = t.companyName(c)
		}
		d.Profile = map[string]string{"title": t.pick(clientKinds), "jobs_posted": strconv.Itoa(t.rng.IntN(25)), "member_since": since}
	}
	d.Email = t.emailFor(d.DisplayName, int(a.idx))
	d.Profile["country"] = c.code
	a.account = d
}
