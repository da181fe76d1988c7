package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// idempotent runs a changing request at most once per Idempotency-Key: a retry with the same
// key and the same request gets the first answer, marked Idempotent-Replayed. A key used with
// another request, or whose first request has not finished, is refused. Events need no key:
// their ids make retries harmless.
func (s *Server) idempotent(w *statusWriter, r *http.Request, key string, run func(http.ResponseWriter, *http.Request)) error {
	if len(key) > 255 {
		return domain.Invalid("Idempotency-Key", "at most 255 characters")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.ETOOLARGE, "the body is larger than %d bytes", tooBig.Limit)
		}
		return domain.Errorf(domain.EINVALID, "reading the body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	h.Write([]byte(r.Method + "\x00" + r.URL.Path + "\x00"))
	h.Write(body)
	req := store.IdempotentRequest{Actor: actor(r), Key: key, Method: r.Method, Path: r.URL.Path,
		RequestHash: hex.EncodeToString(h.Sum(nil)), CreatedAt: time.Now().UTC()}
	prev, claimed, err := s.svc.Store.ClaimKey(r.Context(), req)
	if err != nil {
		return err
	}
	if !claimed {
		switch {
		case prev.RequestHash != req.RequestHash:
			return domain.Invalid("Idempotency-Key", "was used for another request (%s %s); use a new key for a new request", prev.Method, prev.Path)
		case prev.Status == 0:
			return domain.Errorf(domain.ECONFLICT, "the request with this Idempotency-Key has not finished, or its outcome is unknown; look at the account's timeline before sending it again with a new key")
		}
		ct := "application/json"
		if prev.Status >= 400 {
			ct = "application/problem+json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		w.Write(prev.Body)
		return nil
	}
	w.record = &bytes.Buffer{}
	run(w, r)
	ctx := r.Context()
	if w.status >= 500 {
		// Nothing was changed (a use case is one transaction): let a retry run again.
		return s.quiet(s.svc.Store.ReleaseKey(ctx, req.Actor, key))
	}
	return s.quiet(s.svc.Store.FinishKey(ctx, req.Actor, key, w.status, w.record.Bytes()))
}

// quiet logs an error that comes after the answer was written.
func (s *Server) quiet(err error) error {
	if err != nil {
		s.log.Error("idempotency key", "err", err)
	}
	return nil
}
