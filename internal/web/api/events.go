package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/ingest"
)

type itemResult struct {
	Index  int                 `json:"index"`
	ID     string              `json:"id,omitempty"`
	Status string              `json:"status"` // duplicate or rejected; accepted items are only counted
	Errors []domain.FieldError `json:"errors,omitempty"`
}

// postEvents takes a batch of activity events (a JSON array or NDJSON). It answers once the
// accepted events are durable; an invalid event refuses only itself.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) error {
	if s.Events == nil {
		return domain.Errorf(domain.EINTERNAL, "event intake is not running")
	}
	lim := ingest.DefaultLimits
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lim.Body))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.ETOOLARGE, "the body is larger than %d bytes; split the batch", lim.Body)
		}
		return domain.Errorf(domain.EINVALID, "reading the body: %v", err)
	}
	items, err := ingest.Decode(body, lim)
	if err != nil {
		return err
	}
	var good []*domain.ActivityEvent
	var idx []int
	var out []itemResult
	var all domain.Validation
	for _, it := range items {
		if it.Err != nil {
			res := itemResult{Index: it.Index, Status: "rejected"}
			var de *domain.Error
			if errors.As(it.Err, &de) && len(de.Fields) > 0 {
				res.Errors = de.Fields
			} else {
				res.Errors = []domain.FieldError{{Field: "event", Message: it.Err.Error()}}
			}
			for _, f := range res.Errors {
				all.Add(fmt.Sprintf("events[%d].%s", it.Index, f.Field), "%s", f.Message)
			}
			out = append(out, res)
			continue
		}
		good = append(good, it.Event)
		idx = append(idx, it.Index)
	}
	if len(good) == 0 {
		return all.Err()
	}
	fresh, err := s.Events.Write(r.Context(), good)
	if err != nil {
		return err
	}
	accepted := 0
	for i, ok := range fresh {
		if ok {
			accepted++
		} else {
			out = append(out, itemResult{Index: idx[i], ID: good[i].ID, Status: "duplicate"})
		}
	}
	if out == nil {
		out = []itemResult{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"accepted": accepted, "duplicates": len(good) - accepted,
		"rejected": len(items) - len(good), "items": out})
	return nil
}
