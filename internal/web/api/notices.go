package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/notify"
)

// Renderer writes notices in the holder's language; the app gives the live templates.
type Renderer interface {
	Render(notify.NoticeData) (notify.Message, error)
	Set(lang, kind, part, src string) error
}

// inboxNotice is a notice as the holder reads it, with how it was delivered.
type inboxNotice struct {
	ID         string            `json:"id"`
	Kind       string            `json:"kind"`
	AccountID  string            `json:"account_id"`
	CaseID     string            `json:"case_id"`
	MeasureID  string            `json:"measure_id"`
	CreatedAt  time.Time         `json:"created_at"`
	Language   string            `json:"language"`
	Subject    string            `json:"subject"`
	Text       string            `json:"text"`
	HTML       string            `json:"html"`
	Statement  domain.Statement  `json:"statement"`
	Deliveries []domain.Delivery `json:"deliveries"`
}

func (s *Server) inboxEntry(ctx context.Context, n domain.Notice) (inboxNotice, error) {
	_, acct, vt, err := s.svc.NoticeContext(ctx, n.ID)
	if err != nil {
		return inboxNotice{}, err
	}
	out := inboxNotice{ID: n.ID, Kind: n.Kind, AccountID: n.AccountID, CaseID: n.CaseID, MeasureID: n.MeasureID,
		CreatedAt: n.CreatedAt, Language: n.Language, Statement: n.Statement}
	if s.Templates != nil {
		msg, err := s.Templates.Render(notify.NoticeData{Notice: n, Account: acct, Violation: vt, Marketplace: s.Marketplace, PortalURL: s.PortalURL})
		if err != nil {
			return out, err
		}
		out.Subject, out.Text, out.HTML, out.Language = msg.Subject, msg.Text, msg.HTML, msg.Language
	}
	out.Deliveries, err = s.svc.Store.Deliveries(ctx, n.ID, "", "", 100)
	return out, err
}

// inbox is the holder's in-app inbox: every notice, rendered, newest first.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.Account(r.Context(), id); err != nil {
		return err
	}
	ns, err := s.svc.Store.Notices(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]inboxNotice, 0, len(ns))
	for i := len(ns) - 1; i >= 0; i-- {
		e, err := s.inboxEntry(r.Context(), ns[i])
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": out})
	return nil
}

func (s *Server) getNotice(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Store.Notice(r.Context(), r.PathValue("notice"))
	if err != nil {
		return err
	}
	e, err := s.inboxEntry(r.Context(), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.svc.Store.Templates(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"languages": notify.Languages, "kinds": notify.Kinds,
		"parts": []string{notify.PartSubject, notify.PartText, notify.PartHTML}, "overrides": ts})
	return nil
}

// putTemplate replaces one part of a notice template after checking that it parses, uses
// only known fields and renders.
func (s *Server) putTemplate(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Source string `json:"source"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	t := domain.Template{Language: r.PathValue("language"), Kind: r.PathValue("kind"), Part: r.PathValue("part"), Source: b.Source}
	var v domain.Validation
	if len(t.Language) != 2 || strings.ToLower(t.Language) != t.Language {
		v.Add("language", "must be a two-letter ISO 639-1 code in lower case, got %q", t.Language)
	}
	if !slices.Contains(notify.Kinds, t.Kind) {
		v.Add("kind", "must be one of %v, got %q", notify.Kinds, t.Kind)
	}
	if t.Part != notify.PartSubject && t.Part != notify.PartText && t.Part != notify.PartHTML {
		v.Add("part", "must be subject, text or html, got %q", t.Part)
	}
	if strings.TrimSpace(t.Source) == "" {
		v.Add("source", "must not be empty: a notice must say something")
	}
	if err := v.Err(); err != nil {
		return err
	}
	t, err := s.svc.PutTemplate(r.Context(), actor(r), t, func(t domain.Template) error {
		if err := s.Templates.Set(t.Language, t.Kind, t.Part, t.Source); err != nil {
			return domain.Invalid("source", "%v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
