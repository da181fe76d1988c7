package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/dsa"
)

// exportDSA streams the statements of reasons as NDJSON, one Transparency Database record a
// line. Every record is validated before it is written; a notice that cannot be mapped ends
// the stream early with the error in a trailer, since the status is already sent.
func (s *Server) exportDSA(w http.ResponseWriter, r *http.Request) error {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return domain.Invalid("since", "want a day as YYYY-MM-DD, got %q", v)
		}
		since = t
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Trailer", "X-Export-Error")
	enc := json.NewEncoder(w)
	err := s.svc.ExportDSA(r.Context(), since, func(rec dsa.Record) error { return enc.Encode(rec) })
	if err != nil {
		s.log.Error("DSA export stopped", "err", err)
		w.Header().Set("X-Export-Error", "the export stopped early: "+domain.ErrorMessage(err)+"; see the server log")
	}
	return nil
}
