package api

import (
	"net/http"

	"github.com/standing-org/standing/internal/enforce"
)

// postReport takes a third-party notice about an account.
func (s *Server) postReport(w http.ResponseWriter, r *http.Request) error {
	var in enforce.ReportInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.svc.Report(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.Account(r.Context(), id); err != nil {
		return err
	}
	rs, err := s.svc.Store.Reports(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": rs})
	return nil
}
