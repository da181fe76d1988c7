package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/standing-org/standing/internal/domain"
)

// accountBody is the account as the marketplace sends it; the id comes from the path.
type accountBody struct {
	Type         domain.AccountType    `json:"type"`
	Country      string                `json:"country"`
	Language     string                `json:"language"`
	DisplayName  string                `json:"display_name"`
	Email        string                `json:"email"`
	Profile      map[string]string     `json:"profile"`
	Identity     domain.IdentityStatus `json:"identity_status"`
	TermsVersion string                `json:"terms_version"`
}

func accountID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if err := domain.ValidID(id); err != nil {
		return "", domain.Invalid("id", "the account id in the path %s", strings.TrimPrefix(err.Error(), "invalid input: id: "))
	}
	return id, nil
}

func (s *Server) putAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	var b accountBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	a, created, err := s.svc.PutAccount(r.Context(), actor(r), domain.Account{ID: id, Type: b.Type, Country: b.Country,
		Language: b.Language, DisplayName: b.DisplayName, Email: b.Email, Profile: b.Profile, Identity: b.Identity,
		TermsVersion: b.TermsVersion})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, a)
	return nil
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	a, err := s.svc.Account(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// getStanding is the marketplace's hot path. Every answer must be revalidated (no-cache), so
// the standing served always reflects every committed measure; the ETag changes with every
// measure and with next_change_at, and a matching If-None-Match gets a bodiless 304.
func (s *Server) getStanding(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Standing(r.Context(), id)
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"%d-%s"`, v.Version, v.Standing)
	if v.NextChangeAt != nil {
		etag = fmt.Sprintf(`"%d-%s-%d"`, v.Version, v.Standing, v.NextChangeAt.Unix())
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listMeasures(w http.ResponseWriter, r *http.Request) error {
	return accountList(s, w, r, "measures", s.svc.Store.AllMeasures)
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request) error {
	return accountList(s, w, r, "cases", s.svc.Store.Cases)
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	return accountList(s, w, r, "notices", s.svc.Store.Notices)
}

func (s *Server) accountTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	return s.timeline(w, r, id, "")
}

func (s *Server) caseTimeline(w http.ResponseWriter, r *http.Request) error {
	return s.timeline(w, r, "", r.PathValue("case"))
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request, accountID, caseID string) error {
	after, limit, err := page(r)
	if err != nil {
		return err
	}
	recs, err := s.svc.Timeline(r.Context(), accountID, caseID, after, limit)
	if err != nil {
		return err
	}
	body := map[string]any{"records": recs}
	if len(recs) == limit {
		body["next_after"] = recs[len(recs)-1].Seq
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// page reads ?after=SEQ&limit=N.
func page(r *http.Request) (after int64, limit int, err error) {
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return 0, 0, domain.Invalid("after", "must be a record number (0 or more), got %q", v)
		}
	}
	limit, err = limitOf(r)
	return after, limit, err
}

// limitOf reads ?limit=N, 100 when absent.
func limitOf(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, nil
	}
	limit, err := strconv.Atoi(v)
	if err != nil || limit < 1 || limit > 1000 {
		return 0, domain.Invalid("limit", "must be a number from 1 to 1000, got %q", v)
	}
	return limit, nil
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 13.1.2): a list, W/ tags, "*".
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// accountList serves a list about one existing account under key.
func accountList[T any](s *Server, w http.ResponseWriter, r *http.Request, key string, list func(context.Context, string) ([]T, error)) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.Account(r.Context(), id); err != nil {
		return err
	}
	items, err := list(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{key: items})
	return nil
}
