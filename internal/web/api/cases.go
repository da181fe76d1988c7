package api

import (
	"net/http"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
)

func (s *Server) openCase(w http.ResponseWriter, r *http.Request) error {
	var in enforce.CaseInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.OpenCase(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Case(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) addEvidence(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Evidence []domain.Evidence `json:"evidence"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	c, err := s.svc.AddEvidence(r.Context(), actor(r), r.PathValue("case"), b.Evidence)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// resolveCase closes a case with its outcome.
func (s *Server) resolveCase(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Resolution string `json:"resolution"`
		Reason     string `json:"reason"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	c, err := s.svc.ResolveCase(r.Context(), actor(r), r.PathValue("case"), b.Resolution, b.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// getPolicy lists the violation types an integrator may name.
func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) error {
	type violation struct {
		Name        string   `json:"name"`
		Title       string   `json:"title"`
		Severity    string   `json:"severity"`
		TermsClause string   `json:"terms_clause"`
		TermsURL    string   `json:"terms_url"`
		DSACategory string   `json:"dsa_category"`
		Remediation []string `json:"remediation"`
		Automation  bool     `json:"automation_allowed"`
	}
	p := s.svc.Policy
	out := make([]violation, 0, len(p.Order))
	for _, name := range p.Order {
		v := p.Violations[name]
		out = append(out, violation{Name: v.Name, Title: v.Title, Severity: string(v.Severity), TermsClause: v.Terms.Clause,
			TermsURL: v.Terms.URL, DSACategory: v.DSACategory, Remediation: v.Remediation, Automation: v.Automation})
	}
	writeJSON(w, http.StatusOK, map[string]any{"terms_version": p.TermsVersion, "capabilities": domain.Capabilities, "violations": out})
	return nil
}
