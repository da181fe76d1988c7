package api

import (
	"context"
	"net/http"

	"github.com/standing-org/standing/internal/enforce"
)

type reasonBody struct {
	Reason string `json:"reason"`
}

func (s *Server) applyMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	var in enforce.MeasureInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.svc.ApplyMeasure(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// reasoned serves the account actions whose body is only a reason.
func (s *Server) reasoned(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, actor, accountID, reason string) (enforce.Result, error)) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	var b reasonBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	res, err := act(r.Context(), actor(r), id, b.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) liftMeasure(w http.ResponseWriter, r *http.Request) error {
	return s.reasoned(w, r, func(ctx context.Context, actor, id, reason string) (enforce.Result, error) {
		return s.svc.Lift(ctx, actor, id, r.PathValue("measure"), reason)
	})
}

func (s *Server) reinstate(w http.ResponseWriter, r *http.Request) error {
	return s.reasoned(w, r, s.svc.Reinstate)
}

func (s *Server) closeAccount(w http.ResponseWriter, r *http.Request) error {
	return s.reasoned(w, r, s.svc.Close)
}

func (s *Server) requestEmergency(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	var in enforce.EmergencyInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	req, err := s.svc.RequestEmergencyClosure(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, req)
	return nil
}

func (s *Server) approveEmergency(w http.ResponseWriter, r *http.Request) error {
	res, err := s.svc.ApproveEmergencyClosure(r.Context(), actor(r), r.PathValue("request"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
