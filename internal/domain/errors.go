// Package domain holds Standing's plain types and error codes. It imports nothing internal.
package domain

import (
	"errors"
	"fmt"
)

// Error codes, each mapped to one HTTP status in the web layer and one exit message in the CLI.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a field rule
	ENOTFOUND     = "not_found"    // the named thing does not exist
	ECONFLICT     = "conflict"     // the change conflicts with the current state (a forbidden transition)
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // credentials fine, action not allowed for this actor
	ETOOLARGE     = "too_large"    // the body or a list is over its limit
	EINTERNAL     = "internal"     // everything else; its cause is logged, not shown
)

// FieldError names one field of the input and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is Standing's error: a code, a message fit for the caller and, for invalid input, the
// fields at fault.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	s := e.Message
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return s
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-facing message of err; internal causes are not shown.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Validation collects field errors so a caller hears about all of them at once.
type Validation struct{ fields []FieldError }

// Add records that field is wrong.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, else an EINVALID error listing every field.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	msg := "invalid input: " + v.fields[0].Field + ": " + v.fields[0].Message
	if n := len(v.fields) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return &Error{Code: EINVALID, Message: msg, Fields: v.fields}
}
