package domain

import "time"

// AccountType is business or private; business accounts get the EU P2B notice period.
type AccountType string

const (
	Business AccountType = "business"
	Private  AccountType = "private"
)

// IdentityStatus is where the account's identity verification stands.
type IdentityStatus string

const (
	IdentityUnverified IdentityStatus = "unverified"
	IdentityPending    IdentityStatus = "pending"
	IdentityVerified   IdentityStatus = "verified"
	IdentityFailed     IdentityStatus = "failed"
)

// Account is the marketplace's user, known by the marketplace's own id.
type Account struct {
	ID           string            `json:"id"`
	Type         AccountType       `json:"type"`
	Country      string            `json:"country"`  // ISO 3166-1 alpha-2, upper case
	Language     string            `json:"language"` // ISO 639-1, lower case
	DisplayName  string            `json:"display_name,omitempty"`
	Email        string            `json:"email,omitempty"`
	Profile      map[string]string `json:"profile,omitempty"`
	Identity     IdentityStatus    `json:"identity_status"`
	TermsVersion string            `json:"terms_version,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	// Version grows by one with every change to the account or its measures; it is the
	// standing's ETag.
	Version int64 `json:"version"`
}

// Limits on account fields, checked by ValidateAccount.
const (
	MaxIDLen           = 128
	MaxProfileFields   = 64
	MaxProfileValueLen = 2000
	MaxTextLen         = 500
)

// ValidateAccount checks every field of a, collecting all problems.
func ValidateAccount(a Account) error {
	var v Validation
	checkID(&v, "id", a.ID)
	switch a.Type {
	case Business, Private:
	default:
		v.Add("type", "must be %q or %q, got %q", Business, Private, a.Type)
	}
	if !isUpperAlpha(a.Country, 2) {
		v.Add("country", "must be a two-letter ISO 3166-1 code in upper case, got %q", a.Country)
	}
	if !isLowerAlpha(a.Language, 2) {
		v.Add("language", "must be a two-letter ISO 639-1 code in lower case, got %q", a.Language)
	}
	switch a.Identity {
	case IdentityUnverified, IdentityPending, IdentityVerified, IdentityFailed:
	default:
		v.Add("identity_status", "must be one of unverified, pending, verified, failed; got %q", a.Identity)
	}
	if len(a.DisplayName) > MaxTextLen {
		v.Add("display_name", "at most %d bytes", MaxTextLen)
	}
	if len(a.Email) > MaxTextLen {
		v.Add("email", "at most %d bytes", MaxTextLen)
	}
	if len(a.TermsVersion) > 64 {
		v.Add("terms_version", "at most 64 bytes")
	}
	if len(a.Profile) > MaxProfileFields {
		v.Add("profile", "at most %d fields, got %d", MaxProfileFields, len(a.Profile))
	}
	for k, val := range a.Profile {
		if k == "" || len(k) > 64 {
			v.Add("profile", "field names must be 1 to 64 bytes, got %q", k)
		}
		if len(val) > MaxProfileValueLen {
			v.Add("profile."+k, "at most %d bytes", MaxProfileValueLen)
		}
	}
	return v.Err()
}

// checkID accepts 1..MaxIDLen bytes of letters, digits and - _ . : @
func checkID(v *Validation, field, id string) {
	if id == "" || len(id) > MaxIDLen {
		v.Add(field, "must be 1 to %d characters", MaxIDLen)
		return
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':' || r == '@') {
			v.Add(field, "may hold only letters, digits and - _ . : @, got %q", id)
			return
		}
	}
}

// ValidID reports whether id is a well-formed account id.
func ValidID(id string) error {
	var v Validation
	checkID(&v, "id", id)
	return v.Err()
}

func isUpperAlpha(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func isLowerAlpha(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
