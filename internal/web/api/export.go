package api

import (
	"net/http"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/dsa"
)

// exportDSA streams the statements of reasons as NDJSON, one Transparency Database record a
// line, each validated before it is written. A failure before the first record is an ordinary
// problem answer; one after it, when the status is sent, ends the stream with the error in
// the X-Export-Error trailer.
func (s *Server) exportDSA(w http.ResponseWriter, r *http.Request) error {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return domain.Invalid("since", "want a day as YYYY-MM-DD, got %q", v)
		}
		since = t
	}
	started := false
	enc := dsa.NewEncoder(w)
	err := s.svc.ExportDSA(r.Context(), since, func(rec dsa.Record) error {
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.Header().Set("Trailer", "X-Export-Error")
			started = true
		}
		return enc.Encode(rec)
	})
	switch {
	case err != nil && !started:
		return err
	case err != nil:
		s.log.Error("DSA export stopped", "err", err)
		w.Header().Set("X-Export-Error", "the export stopped early: "+domain.ErrorMessage(err)+"; see the server log")
	case !started:
		w.Header().Set("Content-Type", "application/x-ndjson") // no statement since then: an empty stream
		w.WriteHeader(http.StatusOK)
	}
	return nil
}
