package enforce

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store"
)

// ReportInput is a notice from a third party (DSA Art. 16).
type ReportInput struct {
	AccountID   string            `json:"account_id"`
	Source      domain.CaseSource `json:"source"` // user_notice, trusted_flagger or rights_holder
	Violation   string            `json:"violation"`
	Notifier    domain.Notifier   `json:"notifier"`
	Description string            `json:"description"`
	Work        string            `json:"work"`
	Item        string            `json:"infringing_item"`
}

// ReportResult is the report as filed, the case it feeds, and whether the account is now a
// repeat infringer under the policy.
type ReportResult struct {
	Report         domain.Report `json:"report"`
	Case           domain.Case   `json:"case"`
	NoticesCounted int           `json:"notices_counted"`
	RepeatOffender bool          `json:"repeat_offender"`
}

// Report files a third-party notice: it goes as evidence into the account's open case for
// that violation, or opens one, and counts towards the policy's repeat-notice threshold.
func (s *Service) Report(ctx context.Context, actor string, in ReportInput) (ReportResult, error) {
	var v domain.Validation
	if err := domain.ValidID(in.AccountID); err != nil {
		v.Add("account_id", "must be an account id")
	}
	switch in.Source {
	case domain.SourceUserNotice, domain.SourceTrustedFlag, domain.SourceRightsHolder:
	default:
		v.Add("source", "must be user_notice, trusted_flagger or rights_holder; got %q", in.Source)
	}
	vt, ok := s.Policy.Violations[in.Violation]
	if !ok {
		v.Add("violation", "unknown violation type %q (the policy has: %v)", in.Violation, s.Policy.Order)
	}
	if in.Notifier.Name == "" || len(in.Notifier.Name) > domain.MaxTextLen {
		v.Add("notifier.name", "is required (at most %d bytes): a notice names who sends it", domain.MaxTextLen)
	}
	if in.Notifier.Email == "" || len(in.Notifier.Email) > domain.MaxTextLen {
		v.Add("notifier.email", "is required (at most %d bytes): the notifier is told the outcome", domain.MaxTextLen)
	}
	if len(in.Notifier.Organisation) > domain.MaxTextLen {
		v.Add("notifier.organisation", "at most %d bytes", domain.MaxTextLen)
	}
	if in.Description == "" || len(in.Description) > domain.MaxDescriptionLen {
		v.Add("description", "is required (at most %d bytes): explain why the content is unlawful or breaks the terms", domain.MaxDescriptionLen)
	}
	if in.Violation == "copyright_infringement" && (in.Work == "" || in.Item == "") {
		v.Add("work", "a copyright notice names the protected work and the infringing item")
	}
	if len(in.Work) > domain.MaxTextLen || len(in.Item) > domain.MaxTextLen {
		v.Add("work", "work and infringing_item: at most %d bytes each", domain.MaxTextLen)
	}
	if err := v.Err(); err != nil {
		return ReportResult{}, err
	}
	now := s.now()
	rp := domain.Report{ID: NewID("rpt"), AccountID: in.AccountID, Source: in.Source, Violation: in.Violation,
		Notifier: in.Notifier, Description: in.Description, Work: in.Work, Item: in.Item, ReceivedAt: now}
	var res ReportResult
	err := s.Store.Tx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockAccount(ctx, in.AccountID); err != nil {
			return err
		}
		c, err := openCaseFor(ctx, tx, actor, rp, now)
		if err != nil {
			return err
		}
		rp.CaseID = c.ID
		if err := tx.InsertReport(ctx, rp); err != nil {
			return err
		}
		notifier := in.Notifier.Name
		if in.Notifier.Organisation != "" {
			notifier += " (" + in.Notifier.Organisation + ")"
		}
		desc := fmt.Sprintf("Notice from %s: %s", notifier, in.Description)
		if in.Work != "" {
			desc += fmt.Sprintf(" Work: %s. Infringing item: %s.", in.Work, in.Item)
		}
		ev, err := insertEvidence(ctx, tx, actor, c.ID, []domain.Evidence{{Kind: domain.EvidenceReport, Description: clipText(desc, domain.MaxDescriptionLen),
			Data: mustJSON(map[string]string{"report_id": rp.ID, "source": string(rp.Source)})}}, now)
		if err != nil {
			return err
		}
		c.Evidence = append(c.Evidence, ev...)
		res = ReportResult{Report: rp, Case: c}
		if rn := vt.RepeatNotices; rn.Count > 0 {
			if res.NoticesCounted, err = tx.CountReports(ctx, in.AccountID, in.Violation, now.Add(-rn.Within)); err != nil {
				return err
			}
			res.RepeatOffender = res.NoticesCounted >= rn.Count
		}
		if res.RepeatOffender && c.Status != domain.CaseUnderReview {
			c.Status, c.UpdatedAt = domain.CaseUnderReview, now
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
			res.Case = c
		}
		_, err = tx.Append(ctx, audit.Entry{At: now, Actor: actor, Action: "report.receive", AccountID: in.AccountID, CaseID: c.ID,
			Subject: rp.ID, After: mustJSON(res), Reason: in.Description})
		return err
	})
	return res, err
}

// openCaseFor returns the account's unresolved case for the report's violation, or opens one.
func openCaseFor(ctx context.Context, tx store.Tx, actor string, rp domain.Report, now time.Time) (domain.Case, error) {
	if c, found, err := unresolvedCase(ctx, tx, rp.AccountID, rp.Violation); err != nil || found {
		if err != nil {
			return c, err
		}
		return tx.Case(ctx, c.ID)
	}
	notifier := rp.Notifier.Name
	if rp.Notifier.Organisation != "" {
		notifier = rp.Notifier.Organisation
	}
	return insertCase(ctx, tx, actor, CaseInput{AccountID: rp.AccountID, Violation: rp.Violation, Source: rp.Source,
		Summary: clipText(rp.Description, domain.MaxDescriptionLen), Notifier: notifier}, now)
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
