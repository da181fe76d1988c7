package dsa

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

var (
	t0      = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	opened  = time.Date(2026, 3, 10, 23, 59, 0, 0, time.UTC)
	weekOut = t0.Add(7 * 24 * time.Hour)
)

func caps(cs ...domain.Capability) domain.CapSet {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = string(c)
	}
	s, err := domain.NewCapSet(names...)
	if err != nil {
		panic(err)
	}
	return s
}

var (
	holdOff = caps(domain.CapMessaging, domain.CapProposals, domain.CapNewContracts, domain.CapJobPosting,
		domain.CapPayouts, domain.CapSearchVisibility)
	pendingOff = holdOff
)

func violation() *policy.Violation {
	return &policy.Violation{
		Name: "fraud", Title: "Fraud",
		Terms:       policy.Terms{Clause: "4.1", Text: "You must not deceive other users.", URL: "https://marketplace.example/terms#4-1"},
		DSACategory: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
		DSAKeywords: []string{"KEYWORD_PHISHING"},
		Explanation: "Clients and freelancers pay and work for each other on trust.",
	}
}

// input builds a measure_applied notice for a measure of type mt with off switched off.
func input(mt domain.MeasureType, off domain.CapSet, ends *time.Time) Input {
	m := domain.Measure{
		ID: "msr_0193ab01", AccountID: "acct_7781234", CaseID: "case_0193ab02", Type: mt, Violation: "fraud",
		Off: off, StartsAt: t0, EndsAt: ends, Reason: "Four card payments were disputed within ten days.",
	}
	return Input{
		Notice: domain.Notice{
			ID: "ntc_0193ab03cd", AccountID: m.AccountID, CaseID: m.CaseID, MeasureID: m.ID, Kind: "measure_applied",
			Language: "de",
			Statement: domain.Statement{Measure: mt, CapabilitiesOff: off.List(), StartsAt: t0, EndsAt: ends,
				Facts: "Four card payments for delivered and approved work were disputed within ten days."},
		},
		Measure:         m,
		Case:            domain.Case{ID: m.CaseID, AccountID: m.AccountID, Source: domain.SourceDetection, Automated: true, OpenedAt: opened},
		Violation:       violation(),
		AccountType:     domain.Business,
		Territory:       []string{"DE"},
		ContentLanguage: "de",
	}
}

type decision struct {
	visibility                                         []string
	monetary, provision, account                       string
	endAccount, endMonetary, endService, endVisibility EndDate
}

func decisionOf(r Record) decision {
	return decision{r.DecisionVisibility, r.DecisionMonetary, r.DecisionProvision, r.DecisionAccount,
		r.EndDateAccountRestriction, r.EndDateMonetaryRestriction, r.EndDateServiceRestriction, r.EndDateVisibilityRestriction}
}

func TestMeasureTypesMapToDecisions(t *testing.T) {
	null, week, none := Indefinite(), EndDate{Present: true, Date: "2026-03-21"}, EndDate{}
	tests := []struct {
		name string
		mt   domain.MeasureType
		off  domain.CapSet
		ends *time.Time
		want decision
	}{
		{"hold with payouts off", domain.Hold, holdOff, nil,
			decision{nil, MonetarySuspension, "", AccountSuspended, null, null, none, none}},
		{"hold with payouts on", domain.Hold, caps(domain.CapMessaging), nil,
			decision{nil, "", "", AccountSuspended, null, none, none, none}},
		{"hold ignores an end it should not have", domain.Hold, holdOff, &weekOut,
			decision{nil, MonetarySuspension, "", AccountSuspended, null, null, none, none}},
		{"suspension for a week", domain.Suspension, domain.AllCaps &^ caps(domain.CapLogin), &weekOut,
			decision{nil, MonetarySuspension, "", AccountSuspended, week, week, none, none}},
		{"suspension without an end", domain.Suspension, caps(domain.CapProposals), nil,
			decision{nil, "", "", AccountSuspended, null, none, none, none}},
		{"closure_pending", domain.ClosurePending, pendingOff, nil,
			decision{nil, MonetarySuspension, ProvisionPartialSuspension, AccountSuspended, null, null, null, none}},
		{"closure_pending with everything off", domain.ClosurePending, domain.AllCaps, nil,
			decision{nil, MonetarySuspension, ProvisionTotalSuspension, AccountSuspended, null, null, null, none}},
		{"closure_pending with nothing off", domain.ClosurePending, 0, nil,
			decision{nil, "", "", AccountSuspended, null, none, none, none}},
		{"closure", domain.Closure, domain.AllCaps, nil,
			decision{nil, MonetaryTermination, "", AccountTerminated, none, none, none, none}},
		{"closure keeping payouts", domain.Closure, domain.AllCaps &^ caps(domain.CapPayouts), nil,
			decision{nil, "", "", AccountTerminated, none, none, none, none}},
		{"restriction of proposals, open-ended", domain.Restriction, caps(domain.CapProposals), nil,
			decision{nil, "", ProvisionPartialSuspension, "", none, none, null, none}},
		{"restriction of payouts and visibility for a week", domain.Restriction,
			caps(domain.CapProposals, domain.CapPayouts, domain.CapSearchVisibility), &weekOut,
			decision{[]string{VisibilityDemoted}, MonetarySuspension, ProvisionPartialSuspension, "", none, week, week, week}},
		{"restriction of visibility only", domain.Restriction, caps(domain.CapSearchVisibility), nil,
			decision{[]string{VisibilityDemoted}, "", ProvisionPartialSuspension, "", none, none, null, null}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := FromNotice(input(tc.mt, tc.off, tc.ends))
			if err != nil {
				t.Fatal(err)
			}
			if got := decisionOf(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decision\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestNothingRestrictedIsSkipped(t *testing.T) {
	lifted := input(domain.Restriction, caps(domain.CapProposals), nil)
	lifted.Notice.Kind = "measure_lifted"
	for name, in := range map[string]Input{
		"warning":                 input(domain.Warning, 0, &weekOut),
		"restriction with no cap": input(domain.Restriction, 0, nil),
		"hold with no cap":        input(domain.Hold, 0, nil),
		"lifted measure":          lifted,
	} {
		if _, err := FromNotice(in); !errors.Is(err, ErrNotRestrictive) {
			t.Errorf("%s: got %v, want ErrNotRestrictive", name, err)
		}
	}
}

func TestUnmappableInputsAreRefused(t *testing.T) {
	mut := map[string]func(*Input){
		"unknown kind":         func(in *Input) { in.Notice.Kind = "reminder" },
		"other measure":        func(in *Input) { in.Notice.MeasureID = "msr_other" },
		"stated type differs":  func(in *Input) { in.Notice.Statement.Measure = domain.Hold },
		"other case":           func(in *Input) { in.Case.ID = "case_other" },
		"no violation":         func(in *Input) { in.Violation = nil },
		"unknown source":       func(in *Input) { in.Case.Source = "rumour" },
		"unknown account type": func(in *Input) { in.AccountType = "robot" },
		"unknown measure type": func(in *Input) { in.Measure.Type = "ban"; in.Notice.Statement.Measure = "ban" },
	}
	for name, f := range mut {
		in := input(domain.Restriction, caps(domain.CapProposals), nil)
		f(&in)
		_, err := FromNotice(in)
		var p Problems
		if err == nil || errors.Is(err, ErrNotRestrictive) || errors.As(err, &p) {
			t.Errorf("%s: got %v, want a mapping error", name, err)
		}
	}
}

func TestFieldMapping(t *testing.T) {
	in := input(domain.Suspension, holdOff, &weekOut)
	in.Territory = []string{"de", "US", "DE", "EL", " at "}
	in.Case.Source, in.Case.Automated, in.Measure.Automated = domain.SourceTrustedFlag, true, false
	in.Case.Notifier = "Consumer Fraud Helpline NL"
	r, err := FromNotice(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"puid": "ntc_0193ab03cd", "decision_ground": GroundIncompatible,
		"incompatible_content_ground":      "Terms of service, clause 4.1",
		"incompatible_content_explanation": "Clients and freelancers pay and work for each other on trust.",
		"decision_ground_reference_url":    "https://marketplace.example/terms#4-1",
		"content_type":                     []any{ContentTypeOther}, "content_type_other": "Marketplace account",
		"category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "category_specification": []any{"KEYWORD_PHISHING"},
		"territorial_scope": []any{"DE", "GR", "AT"}, "content_language": "DE",
		"content_date": "2026-03-10", "application_date": "2026-03-14",
		"account_type": AccountTypeBusiness, "source_type": SourceTrustedFlagger,
		"automated_detection": Yes, "automated_decision": AutomatedPartially,
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for _, k := range []string{"source_identity", "incompatible_content_illegal", "illegal_content_legal_ground",
		"illegal_content_explanation", "category_addition", "decision_visibility", "end_date_service_restriction"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s is in the record, want it left out: %s", k, b)
		}
	}
	if strings.Contains(string(b), "Helpline") {
		t.Errorf("the notifier reached the record: %s", b)
	}

	// Language and keywords are left out when they would not be valid.
	for _, lang := range []string{"deu", "xx", "", "d"} {
		in := input(domain.Hold, holdOff, nil)
		in.ContentLanguage, in.Notice.Language = lang, ""
		in.Violation.DSAKeywords = nil
		in.Territory = []string{"US"}
		in.AccountType = ""
		r, err := FromNotice(in)
		if err != nil {
			t.Fatalf("%q: %v", lang, err)
		}
		if r.ContentLanguage != "" || r.CategorySpecification != nil || r.TerritorialScope != nil || r.AccountType != "" {
			t.Errorf("%q: got language %q, keywords %v, territory %v, account type %q", lang, r.ContentLanguage,
				r.CategorySpecification, r.TerritorialScope, r.AccountType)
		}
	}
}

func TestEndDatesInJSON(t *testing.T) {
	hold, _ := FromNotice(input(domain.Hold, holdOff, nil))
	susp, _ := FromNotice(input(domain.Suspension, holdOff, &weekOut))
	clos, _ := FromNotice(input(domain.Closure, domain.AllCaps, nil))
	for _, tc := range []struct {
		r        Record
		has, not []string
	}{
		{hold, []string{`"end_date_account_restriction":null`, `"end_date_monetary_restriction":null`}, []string{"end_date_service", "end_date_visibility"}},
		{susp, []string{`"end_date_account_restriction":"2026-03-21"`, `"end_date_monetary_restriction":"2026-03-21"`}, []string{"end_date_service", "end_date_visibility"}},
		{clos, nil, []string{"end_date_"}},
	} {
		b, err := json.Marshal(tc.r)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tc.has {
			if !bytes.Contains(b, []byte(s)) {
				t.Errorf("%s lacks %s", b, s)
			}
		}
		for _, s := range tc.not {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s has %s", b, s)
			}
		}
		var back Record
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, tc.r) {
			t.Errorf("round trip changed the record\n got %+v\nwant %+v", back, tc.r)
		}
	}
}

// TestEveryMappedRecordIsValid maps a grid of measure type × source × automation × account
// type × capabilities × end, and checks every record passes Validate and survives JSON.
func TestEveryMappedRecordIsValid(t *testing.T) {
	offs := []domain.CapSet{0, caps(domain.CapPayouts), caps(domain.CapSearchVisibility),
		caps(domain.CapPayouts, domain.CapSearchVisibility), caps(domain.CapProposals), holdOff,
		domain.AllCaps &^ caps(domain.CapLogin), domain.AllCaps}
	sources := map[domain.CaseSource]string{
		domain.SourceDetection: SourceVoluntary, domain.SourceUserNotice: SourceArticle16,
		domain.SourceTrustedFlag: SourceTrustedFlagger, domain.SourceRightsHolder: SourceArticle16,
	}
	types := map[domain.AccountType]string{domain.Business: AccountTypeBusiness, domain.Private: AccountTypePrivate, "": ""}
	n := 0
	for _, mt := range domain.MeasureTypes {
		for src, wantSrc := range sources {
			for _, caseAuto := range []bool{false, true} {
				for _, measureAuto := range []bool{false, true} {
					for at, wantAT := range types {
						for _, off := range offs {
							for _, ends := range []*time.Time{nil, &weekOut} {
								in := input(mt, off, ends)
								in.Case.Source, in.Case.Automated, in.Measure.Automated, in.AccountType = src, caseAuto, measureAuto, at
								r, err := FromNotice(in)
								restricts := mt != domain.Warning && (off != 0 || mt == domain.Closure || mt == domain.ClosurePending)
								if !restricts {
									if !errors.Is(err, ErrNotRestrictive) {
										t.Fatalf("%s off=%v: got %v, want ErrNotRestrictive", mt, off.List(), err)
									}
									continue
								}
								if err != nil {
									t.Fatalf("%s off=%v src=%s: %v", mt, off.List(), src, err)
								}
								if err := Validate(r); err != nil {
									t.Fatalf("Validate after FromNotice: %v", err)
								}
								wantDecision := AutomatedNot
								if measureAuto {
									wantDecision = AutomatedFully
								} else if caseAuto {
									wantDecision = AutomatedPartially
								}
								wantDetect := map[bool]string{true: Yes, false: No}[caseAuto]
								if r.SourceType != wantSrc || r.AccountType != wantAT || r.AutomatedDecision != wantDecision ||
									r.AutomatedDetection != wantDetect || r.SourceIdentity != "" {
									t.Fatalf("%s %s auto=%v/%v %s: got source %s, type %s, decision %s, detection %s",
										mt, src, caseAuto, measureAuto, at, r.SourceType, r.AccountType, r.AutomatedDecision, r.AutomatedDetection)
								}
								var buf bytes.Buffer
								if err := NewEncoder(&buf).Encode(r); err != nil {
									t.Fatal(err)
								}
								var back Record
								if err := json.Unmarshal(buf.Bytes(), &back); err != nil || !reflect.DeepEqual(back, r) {
									t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, back, r)
								}
								n++
							}
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("the grid produced no record")
	}
}

// TestDefaultPolicyMapsToValidRecords checks every violation the shipped policy holds.
func TestDefaultPolicyMapsToValidRecords(t *testing.T) {
	pol := policy.Default()
	for _, name := range pol.Order {
		for _, mt := range domain.MeasureTypes {
			if mt == domain.Warning {
				continue
			}
			off := pol.Off(mt)
			if off == 0 {
				off = caps(domain.CapProposals)
			}
			in := input(mt, off, nil)
			in.Violation = pol.Violations[name]
			if _, err := FromNotice(in); err != nil {
				t.Errorf("%s, %s: %v", name, mt, err)
			}
		}
	}
}

func validRecord(t *testing.T) Record {
	t.Helper()
	r, err := FromNotice(input(domain.Restriction, caps(domain.CapProposals, domain.CapPayouts, domain.CapSearchVisibility), &weekOut))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestValidateCatchesEachRule(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name  string
		mut   func(*Record)
		field string
	}{
		{"puid missing", func(r *Record) { r.Puid = "" }, "puid"},
		{"puid with a dot", func(r *Record) { r.Puid = "ntc.0193" }, "puid"},
		{"puid with a non-ASCII letter", func(r *Record) { r.Puid = "ntc_é" }, "puid"},
		{"puid too long", func(r *Record) { r.Puid = strings.Repeat("a", 501) }, "puid"},
		{"no decision", func(r *Record) {
			r.DecisionVisibility, r.DecisionMonetary, r.DecisionProvision, r.DecisionAccount = nil, "", "", ""
		}, "decision_*"},
		{"visibility unknown", func(r *Record) { r.DecisionVisibility = []string{"DECISION_VISIBILITY_HIDDEN"} }, "decision_visibility"},
		{"visibility twice", func(r *Record) { r.DecisionVisibility = []string{VisibilityDemoted, VisibilityDemoted} }, "decision_visibility"},
		{"visibility OTHER without text", func(r *Record) { r.DecisionVisibility = []string{visibilityOther} }, "decision_visibility_other"},
		{"visibility text without OTHER", func(r *Record) { r.DecisionVisibilityOther = "hidden" }, "decision_visibility_other"},
		{"visibility text too long", func(r *Record) {
			r.DecisionVisibility, r.DecisionVisibilityOther = []string{visibilityOther}, long(501)
		}, "decision_visibility_other"},
		{"monetary unknown", func(r *Record) { r.DecisionMonetary = "DECISION_MONETARY_FINE" }, "decision_monetary"},
		{"monetary OTHER without text", func(r *Record) { r.DecisionMonetary = monetaryOther }, "decision_monetary_other"},
		{"monetary text without OTHER", func(r *Record) { r.DecisionMonetaryOther = "fee" }, "decision_monetary_other"},
		{"monetary text too long", func(r *Record) { r.DecisionMonetary, r.DecisionMonetaryOther = monetaryOther, long(501) }, "decision_monetary_other"},
		{"provision unknown", func(r *Record) { r.DecisionProvision = "DECISION_PROVISION_SOME" }, "decision_provision"},
		{"account unknown", func(r *Record) { r.DecisionAccount = "DECISION_ACCOUNT_BANNED" }, "decision_account"},
		{"account type unknown", func(r *Record) { r.AccountType = "ACCOUNT_TYPE_ROBOT" }, "account_type"},
		{"ground missing", func(r *Record) { r.DecisionGround = "" }, "decision_ground"},
		{"ground unknown", func(r *Record) { r.DecisionGround = "DECISION_GROUND_WHIM" }, "decision_ground"},
		{"reference URL not a URL", func(r *Record) { r.DecisionGroundReferenceURL = "terms section 4" }, "decision_ground_reference_url"},
		{"reference URL too long", func(r *Record) {
			r.DecisionGroundReferenceURL = "https://marketplace.example/" + strings.Repeat("a", 480)
		}, "decision_ground_reference_url"},
		{"legal ground with incompatible ground", func(r *Record) { r.IllegalContentLegalGround = "Art. 1" }, "illegal_content_legal_ground"},
		{"legal explanation with incompatible ground", func(r *Record) { r.IllegalContentExplanation = "because" }, "illegal_content_explanation"},
		{"illegal ground without legal ground", func(r *Record) { r.DecisionGround = GroundIllegal }, "illegal_content_legal_ground"},
		{"illegal ground without legal explanation", func(r *Record) { r.DecisionGround = GroundIllegal }, "illegal_content_explanation"},
		{"illegal ground with incompatible ground text", func(r *Record) { r.DecisionGround = GroundIllegal }, "incompatible_content_ground"},
		{"illegal ground with incompatible explanation", func(r *Record) { r.DecisionGround = GroundIllegal }, "incompatible_content_explanation"},
		{"legal ground too long", func(r *Record) {
			r.DecisionGround, r.IllegalContentLegalGround, r.IllegalContentExplanation = GroundIllegal, long(501), "x"
			r.IncompatibleContentGround, r.IncompatibleContentExplanation = "", ""
		}, "illegal_content_legal_ground"},
		{"legal explanation too long", func(r *Record) {
			r.DecisionGround, r.IllegalContentLegalGround, r.IllegalContentExplanation = GroundIllegal, "x", long(2001)
			r.IncompatibleContentGround, r.IncompatibleContentExplanation = "", ""
		}, "illegal_content_explanation"},
		{"incompatible ground missing", func(r *Record) { r.IncompatibleContentGround = "" }, "incompatible_content_ground"},
		{"incompatible ground too long", func(r *Record) { r.IncompatibleContentGround = long(501) }, "incompatible_content_ground"},
		{"incompatible explanation missing", func(r *Record) { r.IncompatibleContentExplanation = " " }, "incompatible_content_explanation"},
		{"incompatible explanation too long", func(r *Record) { r.IncompatibleContentExplanation = long(2001) }, "incompatible_content_explanation"},
		{"incompatible_content_illegal unknown", func(r *Record) { r.IncompatibleContentIllegal = "yes" }, "incompatible_content_illegal"},
		{"incompatible_content_illegal with illegal ground", func(r *Record) {
			r.DecisionGround, r.IllegalContentLegalGround, r.IllegalContentExplanation = GroundIllegal, "x", "y"
			r.IncompatibleContentGround, r.IncompatibleContentExplanation, r.IncompatibleContentIllegal = "", "", Yes
		}, "incompatible_content_illegal"},
		{"content type missing", func(r *Record) { r.ContentType, r.ContentTypeOther = nil, "" }, "content_type"},
		{"content type unknown", func(r *Record) { r.ContentType = []string{"CONTENT_TYPE_ACCOUNT"}; r.ContentTypeOther = "" }, "content_type"},
		{"content type OTHER without text", func(r *Record) { r.ContentTypeOther = "" }, "content_type_other"},
		{"content type text without OTHER", func(r *Record) { r.ContentType = []string{"CONTENT_TYPE_TEXT"} }, "content_type_other"},
		{"content type text too long", func(r *Record) { r.ContentTypeOther = long(501) }, "content_type_other"},
		{"category missing", func(r *Record) { r.Category = "" }, "category"},
		{"category unknown", func(r *Record) { r.Category = "STATEMENT_CATEGORY_RUDENESS" }, "category"},
		{"category addition unknown", func(r *Record) { r.CategoryAddition = []string{"SCAMS_AND_FRAUD"} }, "category_addition"},
		{"keyword unknown", func(r *Record) { r.CategorySpecification = []string{"KEYWORD_RUDENESS"} }, "category_specification"},
		{"keyword not a keyword", func(r *Record) { r.CategorySpecification = []string{"PHISHING"} }, "category_specification"},
		{"keyword text too long", func(r *Record) { r.CategorySpecificationOther = long(501) }, "category_specification_other"},
		{"territory outside the EEA", func(r *Record) { r.TerritorialScope = []string{"DE", "US"} }, "territorial_scope"},
		{"territory in lower case", func(r *Record) { r.TerritorialScope = []string{"de"} }, "territorial_scope"},
		{"territory EL", func(r *Record) { r.TerritorialScope = []string{"EL"} }, "territorial_scope"},
		{"language in lower case", func(r *Record) { r.ContentLanguage = "de" }, "content_language"},
		{"language of three letters", func(r *Record) { r.ContentLanguage = "DEU" }, "content_language"},
		{"language unknown", func(r *Record) { r.ContentLanguage = "XX" }, "content_language"},
		{"content date missing", func(r *Record) { r.ContentDate = "" }, "content_date"},
		{"content date short", func(r *Record) { r.ContentDate = "2026-3-10" }, "content_date"},
		{"content date impossible", func(r *Record) { r.ContentDate = "2026-02-30" }, "content_date"},
		{"content date with time", func(r *Record) { r.ContentDate = "2026-03-10T00:00:00Z" }, "content_date"},
		{"content date too early", func(r *Record) { r.ContentDate = "1999-12-31" }, "content_date"},
		{"content date too late", func(r *Record) { r.ContentDate = "2038-01-02" }, "content_date"},
		{"application date missing", func(r *Record) { r.ApplicationDate = "" }, "application_date"},
		{"application date malformed", func(r *Record) { r.ApplicationDate = "14/03/2026" }, "application_date"},
		{"application date too early", func(r *Record) { r.ApplicationDate = "2019-12-31" }, "application_date"},
		{"application date too late", func(r *Record) { r.ApplicationDate = "2038-01-02" }, "application_date"},
		{"account end malformed", func(r *Record) { r.EndDateAccountRestriction = EndDate{Present: true, Date: "soon"} }, "end_date_account_restriction"},
		{"monetary end too late", func(r *Record) { r.EndDateMonetaryRestriction.Date = "2038-01-02" }, "end_date_monetary_restriction"},
		{"service end before application", func(r *Record) { r.EndDateServiceRestriction.Date = "2026-03-13" }, "end_date_service_restriction"},
		{"visibility end malformed", func(r *Record) { r.EndDateVisibilityRestriction.Date = "2026-13-01" }, "end_date_visibility_restriction"},
		{"facts missing", func(r *Record) { r.DecisionFacts = "" }, "decision_facts"},
		{"facts blank", func(r *Record) { r.DecisionFacts = "  \n" }, "decision_facts"},
		{"facts too long", func(r *Record) { r.DecisionFacts = long(5001) }, "decision_facts"},
		{"facts not UTF-8", func(r *Record) { r.DecisionFacts = "bad \xff byte" }, "decision_facts"},
		{"source missing", func(r *Record) { r.SourceType = "" }, "source_type"},
		{"source unknown", func(r *Record) { r.SourceType = "SOURCE_RUMOUR" }, "source_type"},
		{"source identity with voluntary source", func(r *Record) { r.SourceIdentity = "Helpline" }, "source_identity"},
		{"source identity too long", func(r *Record) { r.SourceType, r.SourceIdentity = SourceArticle16, long(501) }, "source_identity"},
		{"automated detection missing", func(r *Record) { r.AutomatedDetection = "" }, "automated_detection"},
		{"automated detection lower case", func(r *Record) { r.AutomatedDetection = "yes" }, "automated_detection"},
		{"automated decision missing", func(r *Record) { r.AutomatedDecision = "" }, "automated_decision"},
		{"automated decision unknown", func(r *Record) { r.AutomatedDecision = "AUTOMATED_DECISION_MOSTLY" }, "automated_decision"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := validRecord(t)
			tc.mut(&r)
			err := Validate(r)
			var p Problems
			if !errors.As(err, &p) {
				t.Fatalf("got %v, want Problems", err)
			}
			if !p.Has(tc.field) || !strings.Contains(err.Error(), tc.field+":") {
				t.Errorf("problems %v do not name %s", p, tc.field)
			}
		})
	}

	// The boundaries themselves pass.
	r := validRecord(t)
	r.ContentDate, r.ApplicationDate = "2000-01-01", "2020-01-01"
	r.EndDateAccountRestriction = EndDate{Present: true, Date: "2038-01-01"}
	r.DecisionAccount = AccountSuspended
	r.IncompatibleContentGround, r.IncompatibleContentExplanation, r.DecisionFacts = long(500), long(2000), long(5000)
	r.Puid = strings.Repeat("A-_9", 125)
	r.IncompatibleContentIllegal = No
	r.CategoryAddition = []string{"STATEMENT_CATEGORY_CONSUMER_INFORMATION"}
	r.CategorySpecification = []string{"KEYWORD_OTHER"}
	r.CategorySpecificationOther = "off-platform payment"
	r.SourceType, r.SourceIdentity = SourceTrustedFlagger, "a trusted flagger"
	if err := Validate(r); err != nil {
		t.Errorf("a record at every limit: %v", err)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	r := validRecord(t)
	r.Puid, r.Category, r.ContentDate, r.AutomatedDetection = "a b", "", "2026-02-30", "maybe"
	var p Problems
	if err := Validate(r); !errors.As(err, &p) {
		t.Fatalf("got %v", err)
	}
	for _, f := range []string{"puid", "category", "content_date", "automated_detection"} {
		if !p.Has(f) {
			t.Errorf("%s missing from %v", f, p)
		}
	}
	if len(p) != 4 {
		t.Errorf("got %d problems, want 4: %v", len(p), p)
	}
	if err := Validate(validRecord(t)); err != nil {
		t.Errorf("valid record: %v", err)
	}
}

func TestFromNoticeRefusesABadPuid(t *testing.T) {
	in := input(domain.Hold, holdOff, nil)
	in.Notice.ID = "ntc.0193/ab"
	_, err := FromNotice(in)
	var p Problems
	if !errors.As(err, &p) || !p.Has("puid") {
		t.Fatalf("got %v, want a puid problem", err)
	}
}

func TestTextsAreTruncatedOnRuneBoundaries(t *testing.T) {
	in := input(domain.Hold, holdOff, nil)
	in.Violation.Explanation = strings.Repeat("é", 2500)
	in.Violation.Terms.Clause = strings.Repeat("ß", 600)
	in.Notice.Statement.Facts = strings.Repeat("日本", 3000)
	r, err := FromNotice(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		s string
		n int
	}{
		"explanation": {r.IncompatibleContentExplanation, 2000}, "ground": {r.IncompatibleContentGround, 500}, "facts": {r.DecisionFacts, 5000},
	} {
		if !utf8.ValidString(tc.s) || utf8.RuneCountInString(tc.s) != tc.n || !strings.HasSuffix(tc.s, "…") {
			t.Errorf("%s: %d runes, valid %v", name, utf8.RuneCountInString(tc.s), utf8.ValidString(tc.s))
		}
	}
}

func TestScrub(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Contact jane.doe+shop@example.co.uk today.", "Contact [redacted] today."},
		{"Mail JANE@EXAMPLE.COM or jane＠example.com", "Mail [redacted] or [redacted]"},
		{"call +49 30 1234 5678, (030) 123-4567 or 0301234567.", "call [redacted], [redacted] or [redacted]."},
		{"phone 030/123.45.67 now", "phone [redacted] now"},
		{"pay to DE89 3704 0044 0532 0130 00 or de89370400440532013000.", "pay to [redacted] or [redacted]."},
		{"GB82 WEST 1234 5698 7654 32 is the IBAN", "[redacted] is the IBAN"},
		{"@jane_doe wrote to @Zoë.", "[redacted] wrote to [redacted]"},
		{"login from 192.168.10.23 and 2001:db8::8a2e:370:7334 then fe80::1%eth0.", "login from [redacted] and [redacted] then [redacted]."},
		{"see https://marketplace.example/u/janedoe. (www.example.com/jane)", "see [redacted]. ([redacted])"},
		{"shared with account fl-1064 and acct_123456", "shared with account [redacted] and [redacted]"},
		// Kept: dates, times, amounts, counts, terms clauses, our own ids.
		{"On 2026-03-14 at 10:30:00, 4 payments of 2,400 EUR were disputed within 10 days.", ""},
		{"Between 2026-03-01 - 2026-03-14 and on 14.03.2026, clause 4.1 applied.", ""},
		{"Notice ntc_0193ab03cd0123456789 for case case_0193ab02 under ISO-9001.", ""},
		{"A 20% discount for a five-star review; 11 messages in two hours.", ""},
	}
	for _, tc := range tests {
		want := tc.want
		if want == "" {
			want = tc.in
		}
		if got := Scrub(tc.in); got != want {
			t.Errorf("Scrub(%q)\n got %q\nwant %q", tc.in, got, want)
		}
	}
}

// TestPersonalDataNeverReachesTheRecord puts the account id, an e-mail, a phone number, an
// IBAN, a handle and an IP address in the facts; none may appear in the record's JSON.
func TestPersonalDataNeverReachesTheRecord(t *testing.T) {
	in := input(domain.ClosurePending, pendingOff, nil)
	in.Case.Source, in.Case.Notifier = domain.SourceUserNotice, "Tomasz Zieliński (client cl-2204)"
	in.Notice.Statement.Facts = "Account ACCT_7781234 (Jane Roe, jane.roe@example.com, +44 7700 900123) asked " +
		"Tomasz Zieliński (client cl-2204) to pay to GB82WEST12345698765432 and wrote from 203.0.113.7 as @janeroe."
	r, err := FromNotice(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"7781234", "jane.roe", "example.com", "7700", "900123", "GB82", "203.0.113", "janeroe",
		"Zieliński", "cl-2204", "@"} {
		if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(s))) {
			t.Errorf("%q reached the record: %s", s, b)
		}
	}
	if !strings.Contains(r.DecisionFacts, "asked [redacted] to pay") {
		t.Errorf("facts = %q", r.DecisionFacts)
	}
}

func TestEncoder(t *testing.T) {
	a := validRecord(t)
	b, err := FromNotice(input(domain.Closure, domain.AllCaps, nil))
	if err != nil {
		t.Fatal(err)
	}
	b.Puid = "ntc_0193ab04"
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for _, r := range []Record{a, b} {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasSuffix(buf.String(), "\n") {
		t.Fatalf("want 2 lines, got %q", buf.String())
	}
	for i, l := range lines {
		var r Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if want := []Record{a, b}[i]; !reflect.DeepEqual(r, want) {
			t.Errorf("line %d: got %+v, want %+v", i, r, want)
		}
	}
	if strings.Contains(lines[0], `\u0026`) {
		t.Errorf("HTML escaping is on: %s", lines[0])
	}

	buf.Reset()
	bad := b
	bad.Category = ""
	err = NewEncoder(&buf).Encode(bad)
	var p Problems
	if !errors.As(err, &p) || !p.Has("category") || buf.Len() != 0 {
		t.Errorf("got %v and %q, want a category problem and nothing written", err, buf.String())
	}
}

// atDomain reports whether s has an at sign followed by a letter, digit or mark: the start of
// a domain or handle.
func atDomain(s string) bool {
	prevAt := false
	for _, r := range s {
		if prevAt && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
			return true
		}
		prevAt = r == '@' || r == '＠' || r == '﹫'
	}
	return false
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{
		"jane@example.com", "a@@b.com", "x@y", "@", "@@", "mailto:jane@example.com?x=1", "+49 30 1234 5678",
		"DE89 3704 0044 0532 0130 00", "192.168.0.1", "fe80::1", "https://x.example/@jane", "jane@\u0301example.com",
		"2026-03-14 10:30:00", "\xff@\xfeexample.com", "1234567@x.io", "acct_123456@", "＠handle",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Scrub(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Scrub(%q) = %q is not valid UTF-8", s, out)
		}
		if atDomain(out) {
			t.Fatalf("Scrub(%q) = %q keeps an at sign before a name", s, out)
		}
		if again := Scrub(out); again != out {
			t.Fatalf("Scrub is not idempotent on %q: %q then %q", s, out, again)
		}
		facts := truncate(scrubKnown(s, []string{"acct_1"}), maxFacts)
		if atDomain(facts) || utf8.RuneCountInString(facts) > maxFacts {
			t.Fatalf("facts from %q = %q", s, facts)
		}
	})
}
