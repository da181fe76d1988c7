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
	return accountList(s, w, r, "reports", s.svc.Store.Reports)
}
