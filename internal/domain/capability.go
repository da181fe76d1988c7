package domain

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Capability is one thing an account may do. The marketplace enforces it; Standing decides it.
type Capability string

const (
	CapLogin            Capability = "login"
	CapMessaging        Capability = "messaging"
	CapProposals        Capability = "proposals"
	CapNewContracts     Capability = "new_contracts"
	CapActiveContracts  Capability = "active_contracts"
	CapJobPosting       Capability = "job_posting"
	CapPayouts          Capability = "payouts"
	CapSearchVisibility Capability = "search_visibility"
)

// Capabilities lists every capability in a fixed order; a CapSet's bit i is Capabilities[i].
var Capabilities = []Capability{
	CapLogin, CapMessaging, CapProposals, CapNewContracts,
	CapActiveContracts, CapJobPosting, CapPayouts, CapSearchVisibility,
}

// CapSet is a set of capabilities as a bit mask.
type CapSet uint16

// AllCaps holds every capability.
const AllCaps CapSet = 1<<8 - 1

func capBit(c Capability) (CapSet, bool) {
	for i, k := range Capabilities {
		if k == c {
			return 1 << i, true
		}
	}
	return 0, false
}

// ParseCapability returns the capability named s or an error listing the valid names.
func ParseCapability(s string) (Capability, error) {
	c := Capability(s)
	if _, ok := capBit(c); !ok {
		return "", fmt.Errorf("unknown capability %q (known: %s)", s, capNames())
	}
	return c, nil
}

func capNames() string {
	names := make([]string, len(Capabilities))
	for i, c := range Capabilities {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// NewCapSet builds a set from names; "all" stands for every capability.
func NewCapSet(names ...string) (CapSet, error) {
	var s CapSet
	for _, n := range names {
		if n == "all" {
			s |= AllCaps
			continue
		}
		c, err := ParseCapability(n)
		if err != nil {
			return 0, err
		}
		b, _ := capBit(c)
		s |= b
	}
	return s, nil
}

// Has reports whether c is in s.
func (s CapSet) Has(c Capability) bool {
	b, ok := capBit(c)
	return ok && s&b != 0
}

// List returns the set's capabilities in the fixed order.
func (s CapSet) List() []Capability {
	out := []Capability{}
	for i, c := range Capabilities {
		if s&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// Map returns every capability with whether it is in s, the shape the API serves.
func (s CapSet) Map() map[Capability]bool {
	m := make(map[Capability]bool, len(Capabilities))
	for i, c := range Capabilities {
		m[c] = s&(1<<i) != 0
	}
	return m
}

// MarshalJSON writes the set as a list of names.
func (s CapSet) MarshalJSON() ([]byte, error) { return json.Marshal(s.List()) }

// UnmarshalJSON reads a list of names.
func (s *CapSet) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("capabilities must be a list of names: %w", err)
	}
	v, err := NewCapSet(names...)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
