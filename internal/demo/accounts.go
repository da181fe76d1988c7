package demo

import (
	"strconv"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
)

const termsVersion = "2026-09"

// Profiles name member_since as a month: "2019-03", or for recent members months before the
// account was created here: "-2", or "0" for the month it signs up (see memberSince).

// fl builds a freelancer's or an agency's profile.
func fl(title, rate, skills, since string) map[string]string {
	return map[string]string{"title": title, "hourly_rate": rate, "skills": skills, "member_since": since}
}

// cl builds a client's profile.
func cl(title, jobsPosted, since string) map[string]string {
	return map[string]string{"title": title, "jobs_posted": jobsPosted, "member_since": since}
}

func acct(id string, t domain.AccountType, country, lang, name string, identity domain.IdentityStatus, profile map[string]string) domain.Account {
	local := strings.NewReplacer(" & ", ".", " ", ".", ".", "", ",", "", "á", "a", "é", "e", "è", "e", "í", "i", "ń", "n", "ś", "s").
		Replace(strings.ToLower(name))
	return domain.Account{ID: id, Type: t, Country: country, Language: lang, DisplayName: name,
		Email: local + "@example.com", Profile: profile, Identity: identity, TermsVersion: termsVersion}
}

const (
	biz      = domain.Business
	private  = domain.Private
	verified = domain.IdentityVerified
	pending  = domain.IdentityPending
	unverif  = domain.IdentityUnverified
)

// accounts is the marketplace as the marketplace's back end first sends it. Ids: fl- for
// freelancers, cl- for clients, ag- for agencies.
var accounts = []domain.Account{
	// Freelancers.
	acct("fl-1042", private, "DE", "de", "Lena Hoffmann", verified,
		fl("Senior Go & Kubernetes engineer", "95 EUR", "Go, Kubernetes, PostgreSQL, Terraform", "2019-03")),
	acct("fl-1043", biz, "FR", "fr", "Camille Durand", verified,
		fl("Brand identity designer", "70 EUR", "Logo design, Brand guidelines, Figma", "2020-06")),
	acct("fl-1047", biz, "PL", "pl", "Piotr Kowalski", verified,
		fl("Full-stack developer (React, Node.js)", "55 EUR", "React, Node.js, TypeScript, AWS", "2018-11")),
	acct("fl-1051", private, "ES", "es", "Lucía Martín", verified,
		fl("Spanish–English legal translator", "38 EUR", "Legal translation, Proofreading, SDL Trados", "2021-02")),
	acct("fl-1055", biz, "NL", "nl", "Daan de Vries", verified,
		fl("Data engineer", "90 EUR", "Python, dbt, Snowflake, Airflow", "2020-09")),
	acct("fl-1058", private, "IE", "en", "Aoife Byrne", verified,
		fl("Technical writer", "60 EUR", "API documentation, Docs-as-code, Markdown", "2022-01")),
	acct("fl-1063", private, "IN", "en", "Priya Raghunathan", verified,
		fl("Mobile developer (Flutter)", "35 USD", "Flutter, Dart, Firebase", "2021-07")),
	acct("fl-1064", private, "IN", "en", "Arjun Raghunathan", verified,
		fl("QA automation engineer", "28 USD", "Selenium, Playwright, Java", "2023-04")),
	acct("fl-1068", biz, "US", "en", "Emily Carter", verified,
		fl("Growth marketer for B2B SaaS", "110 USD", "Paid search, Lifecycle e-mail, HubSpot", "2017-05")),
	acct("fl-1071", private, "BR", "pt", "Thiago Almeida", verified,
		fl("Motion designer", "40 USD", "After Effects, Cinema 4D, Lottie", "2020-03")),
	acct("fl-1074", private, "PH", "en", "Maria Santos", verified,
		fl("Virtual assistant and customer support", "12 USD", "Zendesk, Calendar management, Data entry", "2019-08")),
	acct("fl-1077", private, "UA", "uk", "Oleksandr Melnyk", verified,
		fl("WordPress developer", "30 USD", "WordPress, PHP, WooCommerce", "2021-10")),
	acct("fl-1080", private, "NG", "en", "Chinedu Okafor", verified,
		fl("Backend developer (Django)", "32 USD", "Python, Django, PostgreSQL, Docker", "2022-05")),
	acct("fl-1086", private, "PL", "pl", "Jakub Nowak", pending,
		fl("Video editor", "25 EUR", "Premiere Pro, DaVinci Resolve, YouTube", "-2")),
	acct("fl-1089", private, "FR", "fr", "Inès Moreau", verified,
		fl("Illustrator for children's books", "45 EUR", "Procreate, Watercolour, Character design", "2022-09")),
	acct("fl-1092", biz, "IE", "en", "Kevin Walsh", verified,
		fl("SEO consultant", "65 EUR", "Technical SEO, Link building, Google Search Console", "2020-12")),
	acct("fl-1095", biz, "IN", "en", "Rahul Mehta", verified,
		fl("Cloud architect, AWS certified (Solutions Architect Professional)", "75 USD", "AWS, Terraform, Kubernetes", "2023-02")),
	acct("fl-1098", private, "DE", "de", "Tobias Becker", verified,
		fl("Shopify developer", "60 EUR", "Shopify, Liquid, JavaScript", "2021-04")),
	acct("fl-1101", private, "US", "en", "Jessica Moore", verified,
		fl("Copywriter for e-commerce", "50 USD", "Product descriptions, E-mail copy, SEO writing", "2022-03")),
	acct("fl-1104", private, "BR", "pt", "Ana Costa", verified,
		fl("UX/UI designer", "35 USD", "Figma, User research, Design systems", "2019-01")),
	acct("fl-1110", private, "BR", "pt", "Rafael Souza", verified,
		fl("3D animator", "38 USD", "Blender, Maya, Rigging", "-10")),
	// fl-1112 signs up during the story (see signups).
	acct("fl-1112", private, "PH", "en", "Joshua Villanueva", pending,
		fl("React Native developer", "22 USD", "React Native, Expo, TypeScript", "0")),

	// Clients.
	acct("cl-2201", biz, "DE", "de", "Schmidt & Partner Steuerberatung", verified,
		cl("Tax advisory firm; hires bookkeeping, web and IT help", "14", "2018-02")),
	acct("cl-2204", private, "PL", "pl", "Tomasz Zieliński", verified,
		cl("Runs a small online shop for handmade ceramics", "3", "2024-06")),
	acct("cl-2207", biz, "ES", "es", "Iberia Growth Partners S.L.", verified,
		cl("Marketing agency hiring developers for client projects", "9", "-3")),
	acct("cl-2210", biz, "IE", "en", "Greenleaf Organics Ltd", verified,
		cl("Organic food delivery; hires cloud, data and design work", "22", "2019-10")),
	acct("cl-2212", biz, "US", "en", "Harbor & Pine LLC", verified,
		cl("Furniture retailer; hires copywriters and web developers", "31", "2017-09")),
	acct("cl-2215", private, "BR", "pt", "Carla Mendes", unverif,
		cl("Planning a wedding website", "1", "-1")),

	// Agencies.
	acct("ag-3001", biz, "DE", "de", "Pixelwerk GmbH", verified,
		fl("Web agency, 12 people: design and development", "85 EUR", "Web design, Vue.js, Laravel", "2016-04")),
	acct("ag-3004", biz, "IN", "en", "Codeforge Solutions Pvt Ltd", verified,
		fl("Software outsourcing, 40 engineers", "30 USD", "Java, Spring, React, QA", "2018-07")),
	acct("ag-3006", biz, "NG", "en", "Lagos Creative Hub Ltd", verified,
		fl("Design and animation studio", "28 USD", "Branding, 2D animation, Illustration", "2021-01")),
	acct("ag-3009", biz, "NL", "nl", "Nordwave Digital B.V.", verified,
		fl("Websites and web shops, delivered in 4 weeks", "45 EUR", "WordPress, Shopify, SEO", "-18")),
}

// memberSince resolves a relative member_since ("-2": two months before created; "0": the
// month of created) to a month, leaving absolute ones as they are.
func memberSince(spec string, created time.Time) string {
	n, err := strconv.Atoi(spec)
	if err != nil || n > 0 {
		return spec
	}
	return created.AddDate(0, n, 0).Format("2006-01")
}
