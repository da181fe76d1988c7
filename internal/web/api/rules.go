package api

import (
	"net/http"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/rules"
)

// listRules returns the detection rules in force.
func (s *Server) listRules(w http.ResponseWriter, r *http.Request) error {
	if s.Rules == nil {
		return domain.Errorf(domain.ENOTFOUND, "detection is not running")
	}
	set := s.Rules.Rules()
	out := make([]rules.Rule, 0, len(set.Rules))
	for _, c := range set.Rules {
		out = append(out, c.Rule)
	}
	writeJSON(w, http.StatusOK, map[string]any{"version": set.Version, "rules": out, "features": rules.FeatureDefs()})
	return nil
}

// putRules replaces the whole rule set. Every rule is compiled and cost-checked first; if one
// fails, nothing changes and the answer lists every failure.
func (s *Server) putRules(w http.ResponseWriter, r *http.Request) error {
	if s.Rules == nil {
		return domain.Errorf(domain.ENOTFOUND, "detection is not running")
	}
	var b struct {
		Rules []rules.Rule `json:"rules"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	for i := range b.Rules {
		if b.Rules[i].Version == 0 {
			b.Rules[i].Version = 1 // as in a rules file
		}
	}
	// A throwaway engine checks the set, so a bad set never reaches the live one.
	if _, err := rules.NewEngine(s.svc.Policy, rules.Limits{}).Set(b.Rules); err != nil {
		var v domain.Validation
		for _, e := range unjoin(err) {
			v.Add("rules", "%v", e)
		}
		return v.Err()
	}
	saved, err := s.svc.SaveRuleSet(r.Context(), actor(r), b.Rules)
	if err != nil {
		return err
	}
	if _, err := s.Rules.SetVersion(saved.Version, b.Rules); err != nil {
		return err
	}
	return s.listRules(w, r)
}

// ruleHits lists recent hits of a rule or about an account, shadow ones included.
func (s *Server) ruleHits(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	hs, err := s.svc.Store.RuleHits(r.Context(), q.Get("rule"), q.Get("account"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": hs})
	return nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
