// Package rules is Standing's detection: per-account sliding-window features fed by activity
// events, and detection rules written in CEL over the event, the account and its features,
// compiled and cost-checked when saved and evaluated under a cost limit.
//
// The package is pure: no database, no HTTP. Callers feed events to a Store, take a Snapshot
// of the subject's features and ask an Engine which rules hit.
package rules

import _ "cel.dev/cel-go/cel"
