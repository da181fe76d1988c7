package rules

import (
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"

	"github.com/standing-org/standing/internal/domain"
)

// Variable is one name a rule can read.
type Variable struct {
	Name string
	Type string // as CEL names it: string, int, bool, timestamp, map(string, dyn), …
	Help string
}

// eventVars and accountVars are the event's and the account's fields, declared one by one so
// that CEL refuses a misspelt field at compile time.
var eventVars = []struct {
	name string
	t    *cel.Type
	help string
}{
	{"event.id", cel.StringType, "the event's id (unique per source)"},
	{"event.type", cel.StringType, "signup, login, message, proposal, contract, payment, chargeback, payout_method_change, profile_edit, review, …"},
	{"event.time", cel.TimestampType, "when it happened"},
	{"event.source", cel.StringType, "the CloudEvents source: which system sent it"},
	{"event.subject", cel.StringType, "the account that acted (account.id)"},
	{"event.data", cel.MapType(cel.StringType, cel.DynType), "the event's data: ip, country, device_id, counterpart, text, amount, currency, status, payout_instrument, rating, new_device, …; read optional fields as event.data.?text.orValue(\"\")"},
}

var accountVars = []struct {
	name string
	t    *cel.Type
	help string
}{
	{"account.id", cel.StringType, "the marketplace's id of the account"},
	{"account.type", cel.StringType, "business or private"},
	{"account.country", cel.StringType, "the account's (identity) country, ISO 3166-1 alpha-2"},
	{"account.language", cel.StringType, "ISO 639-1"},
	{"account.identity_status", cel.StringType, "unverified, pending, verified or failed"},
	{"account.age_days", cel.IntType, "whole days since the account was created (or first seen)"},
	{"account.profile", cel.MapType(cel.StringType, cel.StringType), "the profile's fields, e.g. title, country, skills"},
}

// Variables lists every name a rule can read: the event's and the account's fields, then the
// features.
func Variables() []Variable {
	var vs []Variable
	for _, v := range eventVars {
		vs = append(vs, Variable{v.name, v.t.String(), v.help})
	}
	for _, v := range accountVars {
		vs = append(vs, Variable{v.name, v.t.String(), v.help})
	}
	for _, d := range featureDefs {
		t := "int"
		if d.Kind == Flag {
			t = "bool"
		}
		vs = append(vs, Variable{"features." + d.Name, t, d.Help})
	}
	return vs
}

func boolFn(f func(string) bool) func(ref.Val) ref.Val {
	return func(v ref.Val) ref.Val {
		s, ok := v.(types.String)
		if !ok {
			return types.NoSuchOverloadErr()
		}
		return types.Bool(f(string(s)))
	}
}

// Helpers lists the helper functions, for docs and the console.
var Helpers = []Variable{
	{"contact_info(text)", "bool", "an e-mail address, a phone number or an off-platform messenger (WhatsApp, Telegram, Skype, …) in text"},
	{"payment_handle(text)", "bool", "a payment service (PayPal, Venmo, Zelle, Cash App, Wise, Revolut, …), an IBAN or a crypto wallet in text"},
	{"pay_outside(text)", "bool", "text asks or offers to pay outside the platform: \"pay outside\", \"pay me directly\", \"outside the platform\", \"avoid the fees\", \"bank transfer\", …"},
}

// helperCost is what each helper costs per character of text: a regular-expression scan, ten
// times a plain string traversal.
const helperCost = 1.0

// Input sizes the cost estimate assumes; the intake's limits must keep events within them, and
// the runtime cost limit stops whatever does not.
type Limits struct {
	// MaxEstimatedCost refuses, at compile time, a rule whose worst case could cost more.
	MaxEstimatedCost uint64
	// CostLimit stops an evaluation that has cost this much.
	CostLimit uint64
	// MaxExprLen is the longest expression accepted, in bytes.
	MaxExprLen int
	// MaxString is the longest string in event data; MaxList the longest list; MaxDataKeys the
	// most keys of event data or any map inside it.
	MaxString, MaxList, MaxDataKeys uint64
}

// DefaultLimits: the default rule pack's costliest rule is estimated near 50,000 (three
// regular-expression scans of a 16 KiB text); a rule that simply compares features costs
// under 50. A million is about a millisecond or two of CPU.
var DefaultLimits = Limits{
	MaxEstimatedCost: 1_000_000,
	CostLimit:        1_000_000,
	MaxExprLen:       8 << 10,
	MaxString:        16 << 10,
	MaxList:          1000,
	MaxDataKeys:      100,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxEstimatedCost == 0 {
		l.MaxEstimatedCost = d.MaxEstimatedCost
	}
	if l.CostLimit == 0 {
		l.CostLimit = d.CostLimit
	}
	if l.MaxExprLen == 0 {
		l.MaxExprLen = d.MaxExprLen
	}
	if l.MaxString == 0 {
		l.MaxString = d.MaxString
	}
	if l.MaxList == 0 {
		l.MaxList = d.MaxList
	}
	if l.MaxDataKeys == 0 {
		l.MaxDataKeys = d.MaxDataKeys
	}
	return l
}

var (
	envOnce sync.Once
	celEnv  *cel.Env
	envErr  error
)

// env returns the rules' CEL environment, built once.
func env() (*cel.Env, error) {
	envOnce.Do(func() {
		opts := []cel.EnvOption{
			cel.OptionalTypes(),
			ext.Strings(),
			cel.CrossTypeNumericComparisons(true),
			cel.DefaultUTCTimeZone(true),
			cel.ParserExpressionSizeLimit(64 << 10),
		}
		for _, v := range eventVars {
			opts = append(opts, cel.VariableWithDoc(v.name, v.t, v.help))
		}
		for _, v := range accountVars {
			opts = append(opts, cel.VariableWithDoc(v.name, v.t, v.help))
		}
		for _, d := range featureDefs {
			t := cel.IntType
			if d.Kind == Flag {
				t = cel.BoolType
			}
			opts = append(opts, cel.VariableWithDoc("features."+d.Name, t, d.Help))
		}
		var models []cost.OverloadModel
		for _, h := range []struct {
			name string
			f    func(string) bool
		}{{"contact_info", contactInfo}, {"payment_handle", paymentHandle}, {"pay_outside", payOutside}} {
			id := h.name + "_string"
			opts = append(opts, cel.Function(h.name,
				cel.Overload(id, []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(boolFn(h.f)))))
			models = append(models, cost.Overload(id, cost.EvalCost(cost.Sum(cost.Const(1), cost.Scale(cost.Arg(0), helperCost)))))
		}
		opts = append(opts, cel.CostModel(models...))
		celEnv, envErr = cel.NewEnv(opts...)
	})
	return celEnv, envErr
}

// MaxKeyLen is the longest key of event data the cost estimate assumes.
const MaxKeyLen = 64

func (e estimator) inputMax() uint64 { return max(e.l.MaxString, e.l.MaxList, e.l.MaxDataKeys) }

// estimator tells the cost estimate how large the inputs can be.
type estimator struct{ l Limits }

func (e estimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	return nil
}

func (e estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if n.ComputedSize() != nil {
		return nil
	}
	fixed := func(max uint64) *cost.SizeEstimate {
		s := cost.RangedSizeEstimate(0, max)
		return &s
	}
	path := n.Path()
	if len(path) == 0 {
		// A value whose origin the estimate lost (an optional's value, say) came from the
		// inputs all the same, and no input is larger than this.
		switch n.Type().Kind() {
		case types.StringKind, types.BytesKind, types.ListKind, types.MapKind, types.DynKind:
			return fixed(e.inputMax())
		case types.OpaqueKind:
			if n.Type().TypeName() == "optional_type" {
				o := fixed(1 + e.inputMax())
				o.Elem = fixed(e.inputMax())
				return o
			}
		}
		return nil
	}
	switch path[0] {
	case "event.data":
		switch {
		case len(path) == 1:
			return fixed(e.l.MaxDataKeys)
		case path[len(path)-1] == "@keys":
			return fixed(MaxKeyLen)
		}
		// Anything inside: a string, a list or a map, as large as each may be.
		return fixed(e.inputMax())
	case "account.profile":
		if len(path) == 1 {
			return fixed(domain.MaxProfileFields)
		}
		if path[len(path)-1] == "@keys" {
			return fixed(64)
		}
		return fixed(domain.MaxProfileValueLen)
	case "event.id", "event.subject", "account.id":
		return fixed(domain.MaxIDLen)
	case "event.type", "event.source", "account.type", "account.country", "account.language", "account.identity_status":
		return fixed(256)
	}
	return nil
}
