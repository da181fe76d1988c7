// Package rules is Standing's detection: per-account sliding-window features fed by activity
// events, and detection rules written in CEL (cel.dev/cel-go) over the event, the account and
// its features, compiled and cost-checked when saved and evaluated under a cost limit.
//
// The package is pure: no database, no HTTP. A caller feeds each event to a Store, takes its
// subject's Features, and asks an Engine which rules hit:
//
//	store := rules.NewStore(rules.StoreConfig{Standing: lookup})
//	eng := rules.NewEngine(pol, rules.Limits{})
//	_, err := eng.Set(rules.DefaultRules())
//	f := store.ObserveSnapshot(ev)
//	hits, err := eng.Evaluate(ctx, ev, &account, &f)
//
// Each Hit names the rule, its version and mode, the outcome and the feature values the rule
// read; a shadow rule's hit is marked Shadow: record what it would have done, do nothing.
//
// What a rule can read: event.{id,type,time,source,subject,data}, account.{id,type,country,
// language,identity_status,age_days,profile} and features.NAME for every FeatureDefs entry
// (Variables lists them all with their types), plus CEL's standard library, the string
// extensions, optional values (event.data.?text.orValue("")) and the helpers contact_info,
// payment_handle and pay_outside (Helpers).
//
// Cost: Compile estimates a rule's worst case for inputs within Limits (MaxString, MaxList,
// MaxDataKeys) and refuses one above Limits.MaxEstimatedCost. Evaluation of an event within
// those sizes runs untracked, its cost bounded by the estimate; any other evaluation is
// tracked and stopped at Limits.CostLimit (ErrCostLimit). Costly rules also watch the context
// (ErrInterrupted).
package rules
