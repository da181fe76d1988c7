package api

import (
	"net/http"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/notify"
)

// addWebhook registers an endpoint; its signing secret is shown in this answer only.
func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) error {
	var in enforce.EndpointInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	secret, err := notify.NewSecret()
	if err != nil {
		return err
	}
	ep, err := s.svc.AddEndpoint(r.Context(), actor(r), in, secret)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		domain.Endpoint
		Secret string `json:"secret"`
	}{ep, secret})
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	eps, err := s.svc.Store.Endpoints(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"endpoints": eps, "event_types": enforce.EventTypes})
	return nil
}

func (s *Server) disableWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DisableEndpoint(r.Context(), actor(r), r.PathValue("endpoint")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// webhookDeliveries is an endpoint's delivery log, newest first.
func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("endpoint")
	if _, err := s.svc.Store.Endpoint(r.Context(), id); err != nil {
		return err
	}
	limit, err := limitOf(r)
	if err != nil {
		return err
	}
	ds, err := s.svc.Store.Deliveries(r.Context(), "", "", id, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
	return nil
}

func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.Redeliver(r.Context(), actor(r), r.PathValue("delivery"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
