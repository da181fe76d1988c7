package standing

import (
	"fmt"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/policy"
)

// statement writes the statement of reasons for a new measure (DSA Art. 17(3)).
func statement(pol *policy.Policy, m domain.Measure, vt *policy.Violation, cs *domain.Case, acct domain.Account) domain.Statement {
	vt = vt.In(acct.Language) // the holder reads the policy's texts in their language where it has them
	s := domain.Statement{
		Measure: m.Type, CapabilitiesOff: m.Off.List(), StartsAt: m.StartsAt, EndsAt: m.EndsAt, DueAt: m.DueAt,
		Facts: m.Reason, Source: domain.SourceDetection, AutomatedDetect: m.Automated, AutomatedDecide: m.Automated,
		TermsClause: vt.Terms.Clause + " " + vt.Terms.Text, TermsURL: vt.Terms.URL, Explanation: vt.Explanation,
		Remediation: vt.Remediation,
		Redress: []string{
			"Reply to this notice with your explanation and any documents before the deadline.",
			"Appeal the decision through the internal complaint system within six months.",
			"Contact support through the help center, e-mail, live chat or a phone callback.",
			"Refer the dispute to a certified out-of-court dispute settlement body (DSA Art. 21) or to the courts.",
		},
	}
	if cs != nil {
		s.Source = cs.Source
		s.AutomatedDetect = cs.Automated
	}
	switch m.Type {
	case domain.Hold:
		s.IfDeadlineMissed = fmt.Sprintf("If no response arrives by %s, the account moves to a closure notice of %s before any permanent closure.",
			m.DueAt.UTC().Format("2 January 2006 15:04 MST"), days(vt.NoticePeriod.For(acct.Type)))
	case domain.ClosurePending:
		s.IfDeadlineMissed = fmt.Sprintf("If the issue is not addressed by %s, the account will be closed permanently.",
			m.DueAt.UTC().Format("2 January 2006 15:04 MST"))
	}
	if s.Remediation == nil {
		s.Remediation = []string{}
	}
	return s
}
