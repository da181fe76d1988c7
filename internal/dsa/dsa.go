// Package dsa turns a statement of reasons into the anonymised record the EU DSA Transparency
// Database accepts (DSA Art. 24(5)), and checks a record against that database's rules
// (shared/reference/dsa-statement-of-reasons.md). It is pure: no I/O but the writer handed to
// an Encoder.
package dsa

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// Record is one statement of reasons in the Transparency Database's JSON schema. Optional
// fields are left out when empty; the end_date_* fields are left out, null (indefinite) or a
// date, see EndDate.
type Record struct {
	Puid string `json:"puid"`

	DecisionVisibility      []string `json:"decision_visibility,omitempty"`
	DecisionVisibilityOther string   `json:"decision_visibility_other,omitempty"`
	DecisionMonetary        string   `json:"decision_monetary,omitempty"`
	DecisionMonetaryOther   string   `json:"decision_monetary_other,omitempty"`
	DecisionProvision       string   `json:"decision_provision,omitempty"`
	DecisionAccount         string   `json:"decision_account,omitempty"`
	AccountType             string   `json:"account_type,omitempty"`

	DecisionGround                 string   `json:"decision_ground"`
	DecisionGroundReferenceURL     string   `json:"decision_ground_reference_url,omitempty"`
	IllegalContentLegalGround      string   `json:"illegal_content_legal_ground,omitempty"`
	IllegalContentExplanation      string   `json:"illegal_content_explanation,omitempty"`
	IncompatibleContentGround      string   `json:"incompatible_content_ground,omitempty"`
	IncompatibleContentExplanation string   `json:"incompatible_content_explanation,omitempty"`
	IncompatibleContentIllegal     string   `json:"incompatible_content_illegal,omitempty"`
	ContentType                    []string `json:"content_type"`
	ContentTypeOther               string   `json:"content_type_other,omitempty"`
	Category                       string   `json:"category"`
	CategoryAddition               []string `json:"category_addition,omitempty"`
	CategorySpecification          []string `json:"category_specification,omitempty"`
	CategorySpecificationOther     string   `json:"category_specification_other,omitempty"`
	TerritorialScope               []string `json:"territorial_scope,omitempty"`
	ContentLanguage                string   `json:"content_language,omitempty"`
	ContentDate                    string   `json:"content_date"`
	ApplicationDate                string   `json:"application_date"`
	EndDateAccountRestriction      EndDate  `json:"end_date_account_restriction,omitzero"`
	EndDateMonetaryRestriction     EndDate  `json:"end_date_monetary_restriction,omitzero"`
	EndDateServiceRestriction      EndDate  `json:"end_date_service_restriction,omitzero"`
	EndDateVisibilityRestriction   EndDate  `json:"end_date_visibility_restriction,omitzero"`
	DecisionFacts                  string   `json:"decision_facts"`
	SourceType                     string   `json:"source_type"`
	SourceIdentity                 string   `json:"source_identity,omitempty"`
	AutomatedDetection             string   `json:"automated_detection"`
	AutomatedDecision              string   `json:"automated_decision"`
}

// EndDate is one end_date_* field, which has three states: its zero value leaves the field out
// of the JSON; Present with an empty Date writes null, which the database reads as indefinite;
// a Date writes "YYYY-MM-DD".
type EndDate struct {
	Present bool
	Date    string
}

// Indefinite is an end date of null: the restriction has no known end.
func Indefinite() EndDate { return EndDate{Present: true} }

// EndsOn is an end date of t's UTC day.
func EndsOn(t time.Time) EndDate { return EndDate{Present: true, Date: day(t)} }

// IsZero reports whether the field is left out (used by the omitzero tag).
func (e EndDate) IsZero() bool { return !e.Present && e.Date == "" }

// MarshalJSON writes null for an indefinite end, else the date.
func (e EndDate) MarshalJSON() ([]byte, error) {
	if e.Date == "" {
		return []byte("null"), nil
	}
	return json.Marshal(e.Date)
}

// UnmarshalJSON reads null or a date; a field that is absent leaves the zero value.
func (e *EndDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*e = Indefinite()
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("end date must be null or a \"YYYY-MM-DD\" string: %w", err)
	}
	*e = EndDate{Present: true, Date: s}
	return nil
}

// Values of the enumerated fields that the mapping writes; Validate knows every value.
const (
	VisibilityDemoted = "DECISION_VISIBILITY_CONTENT_DEMOTED"

	MonetarySuspension  = "DECISION_MONETARY_SUSPENSION"
	MonetaryTermination = "DECISION_MONETARY_TERMINATION"

	ProvisionPartialSuspension = "DECISION_PROVISION_PARTIAL_SUSPENSION"
	ProvisionTotalSuspension   = "DECISION_PROVISION_TOTAL_SUSPENSION"

	AccountSuspended  = "DECISION_ACCOUNT_SUSPENDED"
	AccountTerminated = "DECISION_ACCOUNT_TERMINATED"

	AccountTypeBusiness = "ACCOUNT_TYPE_BUSINESS"
	AccountTypePrivate  = "ACCOUNT_TYPE_PRIVATE"

	GroundIllegal      = "DECISION_GROUND_ILLEGAL_CONTENT"
	GroundIncompatible = "DECISION_GROUND_INCOMPATIBLE_CONTENT"

	ContentTypeOther = "CONTENT_TYPE_OTHER"

	SourceArticle16      = "SOURCE_ARTICLE_16"
	SourceTrustedFlagger = "SOURCE_TRUSTED_FLAGGER"
	SourceVoluntary      = "SOURCE_VOLUNTARY"

	Yes = "Yes"
	No  = "No"

	AutomatedFully     = "AUTOMATED_DECISION_FULLY"
	AutomatedPartially = "AUTOMATED_DECISION_PARTIALLY"
	AutomatedNot       = "AUTOMATED_DECISION_NOT_AUTOMATED"
)

// contentTypeOtherText says what the restricted "content" is: the account, not an item.
const contentTypeOtherText = "Marketplace account"

// ErrNotRestrictive is returned by FromNotice for a notice whose measure restricts nothing (a
// warning, a measure with no capability off, a lifted measure): no statement of reasons is
// submitted for it, and callers skip it.
var ErrNotRestrictive = errors.New("dsa: the measure restricts nothing, so no statement of reasons is submitted")

// Input is what FromNotice maps: a measure_applied notice with the measure, case and violation
// it belongs to.
type Input struct {
	Notice      domain.Notice // kind "measure_applied"; its Statement
	Measure     domain.Measure
	Case        domain.Case // Source, Automated, Notifier
	Violation   *policy.Violation
	AccountType domain.AccountType
	// Territory lists the EU/EEA country codes where the decision applies, e.g. the account's
	// country when it is in the list; may be empty.
	Territory []string
	// ContentLanguage is the account's ISO 639-1 language, e.g. "de"; the notice's language
	// when empty.
	ContentLanguage string
}

// FromNotice maps a notice to its Transparency Database record, then validates it: an invalid
// mapping returns the record with the Problems. A notice that restricts nothing returns
// ErrNotRestrictive; inputs that cannot be mapped at all return a plain error.
func FromNotice(in Input) (Record, error) {
	m, st := in.Measure, in.Notice.Statement
	switch {
	case in.Notice.Kind == "measure_lifted":
		return Record{}, fmt.Errorf("%w (notice %s lifts measure %s)", ErrNotRestrictive, in.Notice.ID, m.ID)
	case in.Notice.Kind != "measure_applied":
		return Record{}, fmt.Errorf("dsa: notice %s: kind %q is not measure_applied", in.Notice.ID, in.Notice.Kind)
	case in.Notice.MeasureID != "" && m.ID != "" && in.Notice.MeasureID != m.ID:
		return Record{}, fmt.Errorf("dsa: notice %s is about measure %s, not %s", in.Notice.ID, in.Notice.MeasureID, m.ID)
	case st.Measure != "" && st.Measure != m.Type:
		return Record{}, fmt.Errorf("dsa: notice %s states a %s, but measure %s is a %s", in.Notice.ID, st.Measure, m.ID, m.Type)
	case m.CaseID != "" && in.Case.ID != "" && m.CaseID != in.Case.ID:
		return Record{}, fmt.Errorf("dsa: measure %s belongs to case %s, not %s", m.ID, m.CaseID, in.Case.ID)
	case in.Violation == nil:
		return Record{}, fmt.Errorf("dsa: notice %s: the violation is required", in.Notice.ID)
	}
	if m.Type == domain.Warning || !m.Restricts() {
		return Record{}, fmt.Errorf("%w (notice %s, %s)", ErrNotRestrictive, in.Notice.ID, m.Type)
	}
	v := in.Violation

	// puid: the notice id, one record per statement; Validate refuses characters other than A-Z a-z 0-9 - _.
	r := Record{Puid: in.Notice.ID}

	if err := decide(&r, m); err != nil {
		return Record{}, fmt.Errorf("dsa: notice %s: %w", in.Notice.ID, err)
	}

	// account_type: from the account; left out when unknown.
	switch in.AccountType {
	case domain.Business:
		r.AccountType = AccountTypeBusiness
	case domain.Private:
		r.AccountType = AccountTypePrivate
	case "":
	default:
		return Record{}, fmt.Errorf("dsa: notice %s: unknown account type %q", in.Notice.ID, in.AccountType)
	}

	// decision_ground: our policy enforces the terms of service, so every decision is on incompatible content.
	r.DecisionGround = GroundIncompatible
	// incompatible_content_ground: the terms clause broken, at most 500 characters.
	r.IncompatibleContentGround = "Terms of service"
	if c := strings.TrimSpace(v.Terms.Clause); c != "" {
		r.IncompatibleContentGround += ", clause " + c
	}
	r.IncompatibleContentGround = truncate(clean(r.IncompatibleContentGround), maxText)
	// incompatible_content_explanation: the violation's explanation from the policy, at most 2000 characters.
	r.IncompatibleContentExplanation = truncate(clean(strings.TrimSpace(v.Explanation)), maxExplanation)
	// decision_ground_reference_url: the terms clause's URL. incompatible_content_illegal stays out: we judge terms, not law.
	r.DecisionGroundReferenceURL = strings.TrimSpace(v.Terms.URL)

	// content_type: the restricted thing is an account, which has no type of its own: OTHER with its text.
	r.ContentType = []string{ContentTypeOther}
	r.ContentTypeOther = contentTypeOtherText

	// category and category_specification: the policy's DSA classification of the violation.
	r.Category = v.DSACategory
	if len(v.DSAKeywords) > 0 {
		r.CategorySpecification = append([]string(nil), v.DSAKeywords...)
	}

	// territorial_scope: the given countries that are in the database's EU/EEA list; left out when none.
	r.TerritorialScope = territory(in.Territory)

	// content_language: the account's ISO 639-1 language in upper case; left out unless it is a known code.
	lang := in.ContentLanguage
	if lang == "" {
		lang = in.Notice.Language
	}
	if l := strings.ToUpper(strings.TrimSpace(lang)); isLanguage(l) {
		r.ContentLanguage = l
	}

	// content_date: the day the case was opened; application_date: the day the measure started (UTC).
	r.ContentDate = day(in.Case.OpenedAt)
	r.ApplicationDate = day(m.StartsAt)

	// decision_facts: the statement's facts with personal data scrubbed out, at most 5000 characters.
	facts := st.Facts
	if strings.TrimSpace(facts) == "" {
		facts = m.Reason
	}
	r.DecisionFacts = truncate(strings.TrimSpace(scrubKnown(facts, known(in))), maxFacts)

	// source_type: own detection is voluntary; a notice from anyone, a rights holder's included, is Art. 16.
	switch in.Case.Source {
	case domain.SourceDetection:
		r.SourceType = SourceVoluntary
	case domain.SourceUserNotice, domain.SourceRightsHolder:
		r.SourceType = SourceArticle16
	case domain.SourceTrustedFlag:
		r.SourceType = SourceTrustedFlagger
	default:
		return Record{}, fmt.Errorf("dsa: notice %s: unknown case source %q", in.Notice.ID, in.Case.Source)
	}
	// source_identity: always left out: it would carry the notifier's personal data (and is dropped for voluntary anyway).

	// automated_detection: whether a rule found the case.
	r.AutomatedDetection = No
	if in.Case.Automated {
		r.AutomatedDetection = Yes
	}
	// automated_decision: a rule applied it alone (fully), a rule proposed it and a person confirmed (partially), or a person decided.
	switch {
	case m.Automated:
		r.AutomatedDecision = AutomatedFully
	case in.Case.Automated:
		r.AutomatedDecision = AutomatedPartially
	default:
		r.AutomatedDecision = AutomatedNot
	}

	if err := Validate(r); err != nil {
		return r, err
	}
	return r, nil
}

// decide fills the decision_* fields and their end dates from the measure and the
// capabilities it switches off.
func decide(r *Record, m domain.Measure) error {
	payoutsOff := m.Off.Has(domain.CapPayouts)
	// end is the measure's own end: its EndsAt day, or null when it runs until lifted.
	end := Indefinite()
	if m.EndsAt != nil {
		end = EndsOn(*m.EndsAt)
	}
	switch m.Type {
	case domain.Hold:
		// hold: the whole account is suspended until a review lifts it: no known end (null).
		r.DecisionAccount, r.EndDateAccountRestriction = AccountSuspended, Indefinite()
		if payoutsOff {
			r.DecisionMonetary, r.EndDateMonetaryRestriction = MonetarySuspension, Indefinite()
		}
	case domain.Suspension:
		// suspension: the whole account is suspended for a fixed term, ending on the measure's EndsAt day.
		r.DecisionAccount, r.EndDateAccountRestriction = AccountSuspended, end
		if payoutsOff {
			r.DecisionMonetary, r.EndDateMonetaryRestriction = MonetarySuspension, end
		}
	case domain.ClosurePending:
		// closure_pending: the account stays suspended through the notice period, which ends in closure, not restoration (null).
		r.DecisionAccount, r.EndDateAccountRestriction = AccountSuspended, Indefinite()
		// closure_pending: the capabilities it keeps off are a partial (or, all off, total) suspension of the service.
		switch {
		case m.Off&domain.AllCaps == domain.AllCaps:
			r.DecisionProvision, r.EndDateServiceRestriction = ProvisionTotalSuspension, Indefinite()
		case m.Off != 0:
			r.DecisionProvision, r.EndDateServiceRestriction = ProvisionPartialSuspension, Indefinite()
		}
		if payoutsOff {
			r.DecisionMonetary, r.EndDateMonetaryRestriction = MonetarySuspension, Indefinite()
		}
	case domain.Closure:
		// closure: the account is terminated, and with payouts off so is its monetisation; a termination has no end date.
		r.DecisionAccount = AccountTerminated
		if payoutsOff {
			r.DecisionMonetary = MonetaryTermination
		}
	case domain.Restriction:
		// restriction: some capabilities off is a partial suspension of the service, until EndsAt or null.
		r.DecisionProvision, r.EndDateServiceRestriction = ProvisionPartialSuspension, end
		// restriction with payouts off: monetary suspension, same end.
		if payoutsOff {
			r.DecisionMonetary, r.EndDateMonetaryRestriction = MonetarySuspension, end
		}
		// restriction with search_visibility off: the account's content is demoted, same end.
		if m.Off.Has(domain.CapSearchVisibility) {
			r.DecisionVisibility, r.EndDateVisibilityRestriction = []string{VisibilityDemoted}, end
		}
	default:
		return fmt.Errorf("unknown measure type %q", m.Type)
	}
	return nil
}

// known lists the identifiers Input knows that must never reach the record: the account id
// (in every place it is held) and the notifier.
func known(in Input) []string {
	return []string{in.Notice.AccountID, in.Measure.AccountID, in.Case.AccountID, in.Case.Notifier}
}

// territory keeps the codes in the database's list, upper-cased, first occurrence only;
// Greece's EU code EL becomes the ISO code GR the database uses.
func territory(codes []string) []string {
	var out []string
	for _, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "EL" {
			c = "GR"
		}
		if _, ok := territories[c]; ok && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// day formats t's UTC date as the database wants it.
func day(t time.Time) string { return t.UTC().Format(dateLayout) }

// Encoder writes records as NDJSON, one JSON object a line, each validated first: an export
// holds only records the database accepts.
type Encoder struct{ enc *json.Encoder }

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // the database reads & and < as they are
	return &Encoder{enc: enc}
}

// Encode validates r and writes it as one line.
func (e *Encoder) Encode(r Record) error {
	if err := Validate(r); err != nil {
		return fmt.Errorf("dsa: record %q: %w", r.Puid, err)
	}
	if err := e.enc.Encode(r); err != nil {
		return fmt.Errorf("dsa: writing record %q: %w", r.Puid, err)
	}
	return nil
}
