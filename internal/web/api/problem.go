package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/standing-org/standing/internal/domain"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail"`
	Instance string              `json:"instance,omitempty"`
	Errors   []domain.FieldError `json:"errors,omitempty"`
}

var statusOf = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	domain.EINTERNAL:     http.StatusInternalServerError,
}

var titleOf = map[string]string{
	domain.EINVALID:      "Invalid input",
	domain.ENOTFOUND:     "Not found",
	domain.ECONFLICT:     "Not allowed in the current state",
	domain.EUNAUTHORIZED: "Not authenticated",
	domain.EFORBIDDEN:    "Forbidden",
	domain.ETOOLARGE:     "Too large",
	domain.EINTERNAL:     "Internal error",
}

// writeError answers with the problem that err describes; internal causes are logged, not shown.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	p := Problem{Type: "urn:standing:problem:" + code, Title: titleOf[code], Status: statusOf[code],
		Detail: domain.ErrorMessage(err), Instance: r.URL.Path}
	var e *domain.Error
	if errors.As(err, &e) {
		p.Errors = e.Fields
	}
	if code == domain.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == domain.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="standing"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// MaxBody bounds every request body.
const MaxBody = 1 << 20

// decode reads exactly one JSON value into v, refusing unknown fields, wrong types, trailing
// data and bodies over MaxBody, with a message that names what is wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return domain.Errorf(domain.EINVALID, "the body must be application/json, not %q", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return domain.Errorf(domain.EINVALID, "the body must hold one JSON value and nothing after it")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return domain.Errorf(domain.ETOOLARGE, "the body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.EINVALID, "the body is empty: a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.EINVALID, "the body ends in the middle of a JSON value")
	case errors.As(err, &syntax):
		return domain.Errorf(domain.EINVALID, "malformed JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return domain.Invalid(field, "must be %s, not a JSON %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.Invalid(name, "unknown field")
	}
	// Errors from a field's own UnmarshalJSON (durations, capability lists) explain themselves.
	return domain.Errorf(domain.EINVALID, "invalid JSON: %v", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint16", "uint", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct", "ptr":
		return "an object"
	}
	return fmt.Sprintf("a %s", goKind)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
