package dsa

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the Transparency Database, in characters (not bytes).
const (
	maxPuid        = 500
	maxText        = 500  // every *_other, the grounds, source_identity, the reference URL
	maxExplanation = 2000 // illegal_content_explanation, incompatible_content_explanation
	maxFacts       = 5000 // decision_facts
)

const dateLayout = "2006-01-02"

// Date ranges, inclusive.
const (
	contentDateMin     = "2000-01-01"
	applicationDateMin = "2020-01-01"
	dateMax            = "2038-01-01"
)

// Problem is one broken rule: the record's JSON field and what is wrong with it.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problems is Validate's error: every rule a record breaks.
type Problems []Problem

func (p Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dsa: invalid statement of reasons (%d problem", len(p))
	if len(p) != 1 {
		b.WriteString("s")
	}
	b.WriteString(")")
	for _, x := range p {
		fmt.Fprintf(&b, "; %s: %s", x.Field, x.Message)
	}
	return b.String()
}

// Has reports whether a problem names field.
func (p Problems) Has(field string) bool {
	for _, x := range p {
		if x.Field == field {
			return true
		}
	}
	return false
}

func (p *Problems) add(field, format string, args ...any) {
	*p = append(*p, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func set(vals ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(vals))
	for _, v := range vals {
		m[v] = struct{}{}
	}
	return m
}

const (
	visibilityOther = "DECISION_VISIBILITY_OTHER"
	monetaryOther   = "DECISION_MONETARY_OTHER"
)

var (
	visibilities = set(
		"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
		"DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
		"DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
		visibilityOther)
	monetaries = set(MonetarySuspension, MonetaryTermination, monetaryOther)
	provisions = set(ProvisionPartialSuspension, ProvisionTotalSuspension,
		"DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION")
	accounts     = set(AccountSuspended, AccountTerminated)
	accountTypes = set(AccountTypeBusiness, AccountTypePrivate)
	grounds      = set(GroundIllegal, GroundIncompatible)
	yesNo        = set(Yes, No)
	contentTypes = set("CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
		"CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", ContentTypeOther)
	categories = set(
		"STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
		"STATEMENT_CATEGORY_CYBER_VIOLENCE", "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
		"STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
		"STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
		"STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
		"STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
		"STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
		"STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
		"STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE")
	// keywords are the KEYWORD_* values the reference lists (the ones a marketplace needs);
	// anything else can be sent as KEYWORD_OTHER with category_specification_other.
	keywords = set(
		"KEYWORD_COPYRIGHT_INFRINGEMENT", "KEYWORD_TRADEMARK_INFRINGEMENT",
		"KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_INAUTHENTIC_ACCOUNTS",
		"KEYWORD_INAUTHENTIC_LISTINGS", "KEYWORD_INAUTHENTIC_USER_REVIEWS", "KEYWORD_PHISHING",
		"KEYWORD_PYRAMID_SCHEMES", "KEYWORD_DATA_FALSIFICATION", "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
		"KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS", "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
		"KEYWORD_CYBER_HARASSMENT", "KEYWORD_HATE_SPEECH", "KEYWORD_OTHER")
	territories = set("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
		"IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK")
	sources    = set(SourceArticle16, SourceTrustedFlagger, "SOURCE_TYPE_OTHER_NOTIFICATION", SourceVoluntary)
	automation = set(AutomatedFully, AutomatedPartially, AutomatedNot)
)

// languages are the ISO 639-1 codes, upper case.
var languages = set(strings.Fields(strings.ToUpper(`
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu`))...)

func isLanguage(s string) bool { _, ok := languages[s]; return ok }

// Validate checks r against every rule of the Transparency Database's schema and returns a
// Problems error listing each one broken, or nil.
func Validate(r Record) error {
	var p Problems

	// puid: required, at most 500, only A-Z a-z 0-9 - _.
	switch {
	case r.Puid == "":
		p.add("puid", "is required")
	case utf8.RuneCountInString(r.Puid) > maxPuid:
		p.add("puid", "at most %d characters", maxPuid)
	case !puidChars(r.Puid):
		p.add("puid", "may hold only A-Z a-z 0-9 - and _, got %q", r.Puid)
	}

	// decision_*: at least one of the four.
	if len(r.DecisionVisibility) == 0 && r.DecisionMonetary == "" && r.DecisionProvision == "" && r.DecisionAccount == "" {
		p.add("decision_*", "at least one of decision_visibility, decision_monetary, decision_provision, decision_account is required")
	}
	enumList(&p, "decision_visibility", r.DecisionVisibility, visibilities)
	otherText(&p, "decision_visibility_other", r.DecisionVisibilityOther, contains(r.DecisionVisibility, visibilityOther), "decision_visibility holds "+visibilityOther)
	enum(&p, "decision_monetary", r.DecisionMonetary, monetaries)
	otherText(&p, "decision_monetary_other", r.DecisionMonetaryOther, r.DecisionMonetary == monetaryOther, "decision_monetary is "+monetaryOther)
	enum(&p, "decision_provision", r.DecisionProvision, provisions)
	enum(&p, "decision_account", r.DecisionAccount, accounts)
	enum(&p, "account_type", r.AccountType, accountTypes)

	// decision_ground and the texts that go with each ground, in both directions.
	if r.DecisionGround == "" {
		p.add("decision_ground", "is required")
	} else {
		enum(&p, "decision_ground", r.DecisionGround, grounds)
	}
	illegal, incompatible := r.DecisionGround == GroundIllegal, r.DecisionGround == GroundIncompatible
	otherText(&p, "illegal_content_legal_ground", r.IllegalContentLegalGround, illegal, "decision_ground is "+GroundIllegal)
	textWhen(&p, "illegal_content_explanation", r.IllegalContentExplanation, illegal, "decision_ground is "+GroundIllegal, maxExplanation)
	otherText(&p, "incompatible_content_ground", r.IncompatibleContentGround, incompatible, "decision_ground is "+GroundIncompatible)
	textWhen(&p, "incompatible_content_explanation", r.IncompatibleContentExplanation, incompatible, "decision_ground is "+GroundIncompatible, maxExplanation)
	if r.IncompatibleContentIllegal != "" {
		enum(&p, "incompatible_content_illegal", r.IncompatibleContentIllegal, yesNo)
		if !incompatible {
			p.add("incompatible_content_illegal", "only allowed when decision_ground is %s", GroundIncompatible)
		}
	}
	if r.DecisionGroundReferenceURL != "" {
		maxLen(&p, "decision_ground_reference_url", r.DecisionGroundReferenceURL, maxText)
		if !isURL(r.DecisionGroundReferenceURL) {
			p.add("decision_ground_reference_url", "must be an absolute http(s) URL, got %q", r.DecisionGroundReferenceURL)
		}
	}

	// content_type: required, non-empty; its _other text when (and only when) OTHER is there.
	if len(r.ContentType) == 0 {
		p.add("content_type", "is required: a non-empty list")
	}
	enumList(&p, "content_type", r.ContentType, contentTypes)
	otherText(&p, "content_type_other", r.ContentTypeOther, contains(r.ContentType, ContentTypeOther), "content_type holds "+ContentTypeOther)

	// category, category_addition, category_specification(_other).
	if r.Category == "" {
		p.add("category", "is required")
	} else {
		enum(&p, "category", r.Category, categories)
	}
	enumList(&p, "category_addition", r.CategoryAddition, categories)
	enumList(&p, "category_specification", r.CategorySpecification, keywords)
	maxLen(&p, "category_specification_other", r.CategorySpecificationOther, maxText)

	enumList(&p, "territorial_scope", r.TerritorialScope, territories)
	if r.ContentLanguage != "" && !isLanguage(r.ContentLanguage) {
		p.add("content_language", "must be an ISO 639-1 code in two upper-case letters, got %q", r.ContentLanguage)
	}

	// Dates.
	date(&p, "content_date", r.ContentDate, true, contentDateMin, dateMax)
	appOK := date(&p, "application_date", r.ApplicationDate, true, applicationDateMin, dateMax)
	for _, e := range []struct {
		field string
		d     EndDate
	}{
		{"end_date_account_restriction", r.EndDateAccountRestriction},
		{"end_date_monetary_restriction", r.EndDateMonetaryRestriction},
		{"end_date_service_restriction", r.EndDateServiceRestriction},
		{"end_date_visibility_restriction", r.EndDateVisibilityRestriction},
	} {
		if e.d.Date == "" { // left out or null (indefinite)
			continue
		}
		// A restriction cannot end before it applies (our own check; the dates compare as strings).
		if date(&p, e.field, e.d.Date, false, "", dateMax) && appOK && e.d.Date < r.ApplicationDate {
			p.add(e.field, "%s is before application_date %s", e.d.Date, r.ApplicationDate)
		}
	}

	// decision_facts: required, at most 5000.
	if strings.TrimSpace(r.DecisionFacts) == "" {
		p.add("decision_facts", "is required")
	} else {
		maxLen(&p, "decision_facts", r.DecisionFacts, maxFacts)
	}

	// source_type, source_identity.
	if r.SourceType == "" {
		p.add("source_type", "is required")
	} else {
		enum(&p, "source_type", r.SourceType, sources)
	}
	if r.SourceIdentity != "" {
		maxLen(&p, "source_identity", r.SourceIdentity, maxText)
		if r.SourceType == SourceVoluntary {
			p.add("source_identity", "must be left out when source_type is %s", SourceVoluntary)
		}
	}

	// automated_detection, automated_decision.
	if r.AutomatedDetection == "" {
		p.add("automated_detection", "is required")
	} else {
		enum(&p, "automated_detection", r.AutomatedDetection, yesNo)
	}
	if r.AutomatedDecision == "" {
		p.add("automated_decision", "is required")
	} else {
		enum(&p, "automated_decision", r.AutomatedDecision, automation)
	}

	// Every text field must be valid UTF-8 (the JSON encoder would silently change it).
	for _, f := range []struct{ field, val string }{
		{"decision_visibility_other", r.DecisionVisibilityOther}, {"decision_monetary_other", r.DecisionMonetaryOther},
		{"illegal_content_legal_ground", r.IllegalContentLegalGround}, {"illegal_content_explanation", r.IllegalContentExplanation},
		{"incompatible_content_ground", r.IncompatibleContentGround}, {"incompatible_content_explanation", r.IncompatibleContentExplanation},
		{"content_type_other", r.ContentTypeOther}, {"category_specification_other", r.CategorySpecificationOther},
		{"decision_facts", r.DecisionFacts}, {"source_identity", r.SourceIdentity},
	} {
		if !utf8.ValidString(f.val) {
			p.add(f.field, "is not valid UTF-8")
		}
	}

	if len(p) == 0 {
		return nil
	}
	return p
}

func puidChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// enum checks an optional single value.
func enum(p *Problems, field, v string, allowed map[string]struct{}) {
	if v == "" {
		return
	}
	if _, ok := allowed[v]; !ok {
		p.add(field, "unknown value %q", v)
	}
}

// enumList checks every value of a list, and that none repeats.
func enumList(p *Problems, field string, vs []string, allowed map[string]struct{}) {
	seen := make(map[string]bool, len(vs))
	for i, v := range vs {
		if _, ok := allowed[v]; !ok {
			p.add(field, "unknown value %q at index %d", v, i)
		} else if seen[v] {
			p.add(field, "%q is listed twice", v)
		}
		seen[v] = true
	}
}

// otherText checks a text that is required when cond holds and allowed only then; at most 500.
func otherText(p *Problems, field, v string, cond bool, condText string) {
	textWhen(p, field, v, cond, condText, maxText)
}

// textWhen checks a text that is required when cond holds and allowed only then.
func textWhen(p *Problems, field, v string, cond bool, condText string, limit int) {
	switch {
	case cond && strings.TrimSpace(v) == "":
		p.add(field, "is required when %s", condText)
	case !cond && v != "":
		p.add(field, "only allowed when %s", condText)
	default:
		maxLen(p, field, v, limit)
	}
}

func maxLen(p *Problems, field, v string, limit int) {
	if n := utf8.RuneCountInString(v); n > limit {
		p.add(field, "at most %d characters, got %d", limit, n)
	}
}

// date checks a "YYYY-MM-DD" date within [lo, hi] (lo empty: no lower bound) and reports
// whether it is well formed and in range.
func date(p *Problems, field, v string, required bool, lo, hi string) bool {
	if v == "" {
		if required {
			p.add(field, "is required")
		}
		return false
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil || len(v) != len(dateLayout) || t.Format(dateLayout) != v {
		p.add(field, "must be a date as YYYY-MM-DD, got %q", v)
		return false
	}
	if (lo != "" && v < lo) || v > hi {
		if lo == "" {
			p.add(field, "must be at most %s, got %s", hi, v)
		} else {
			p.add(field, "must be from %s to %s, got %s", lo, hi, v)
		}
		return false
	}
	return true
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\r\n")
}
