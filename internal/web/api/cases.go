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

// queue is the moderators' case queue: unresolved cases, oldest first, or those in one status;
// ?violation= narrows it, ?after=CASE_ID pages it.
func (s *Server) queue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	status := q.Get("status")
	switch domain.CaseStatus(status) {
	case "", domain.CaseOpen, domain.CaseAwaitingHolder, domain.CaseUnderReview, domain.CaseResolved:
	default:
		return domain.Invalid("status", "must be open, awaiting_holder, under_review or resolved, got %q", status)
	}
	if v := q.Get("violation"); v != "" {
		if _, err := s.svc.Policy.Violation(v); err != nil {
			return err
		}
	}
	limit, err := limitOf(r)
	if err != nil {
		return err
	}
	cs, err := s.svc.Store.Queue(r.Context(), status, q.Get("violation"), q.Get("after"), limit)
	if err != nil {
		return err
	}
	body := map[string]any{"cases": cs}
	if len(cs) == limit {
		body["next_after"] = cs[len(cs)-1].ID
	}
	writeJSON(w, http.StatusOK, body)
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
