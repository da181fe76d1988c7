package api

import (
	"net/http"

	"github.com/standing-org/standing/internal/enforce"
)

func (s *Server) respond(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	var in enforce.ResponseInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	resp, err := s.svc.Respond(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

func (s *Server) listResponses(w http.ResponseWriter, r *http.Request) error {
	return accountList(s, w, r, "responses", s.svc.Store.Responses)
}

func (s *Server) acceptResponse(w http.ResponseWriter, r *http.Request) error {
	return s.decideResponse(w, r, true)
}

func (s *Server) rejectResponse(w http.ResponseWriter, r *http.Request) error {
	return s.decideResponse(w, r, false)
}

func (s *Server) decideResponse(w http.ResponseWriter, r *http.Request, accept bool) error {
	var b reasonBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	res, err := s.svc.DecideResponse(r.Context(), actor(r), r.PathValue("response"), accept, b.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
