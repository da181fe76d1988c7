package demo

import (
	"context"
	"maps"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
)

const (
	event   = domain.EvidenceEvent
	ruleHit = domain.EvidenceRuleHit
	report  = domain.EvidenceReport
	file    = domain.EvidenceFile
	note    = domain.EvidenceNote
)

// signupDays says when accounts that join during the story sign up; the rest are sent by the
// marketplace on the story's first morning.
var signupDays = map[string][3]int{"fl-1112": {-12, 19, 42}}

// signups creates the accounts and the later changes the marketplace sends about them.
func (sd *seeder) signups() {
	sd.created = map[string]time.Time{}
	i := 0
	for _, a := range accounts {
		d, ok := signupDays[a.ID]
		if !ok {
			d = [3]int{-Days, 8, i} // one a minute from 08:00
			i++
		}
		at := sd.day0.AddDate(0, 0, d[0]).Add(time.Duration(d[1])*time.Hour + time.Duration(d[2])*time.Minute)
		sd.created[a.ID] = at
		sd.put(d[0], d[1], d[2], sd.account(a.ID, nil))
	}
	sd.put(-20, 18, 3, sd.account("fl-1042", func(a *domain.Account) { a.Profile["hourly_rate"] = "105 EUR" }))
	sd.put(-5, 9, 12, sd.account("cl-2215", func(a *domain.Account) { a.Identity = domain.IdentityPending }))
}

// account returns the account with id as the marketplace sends it, changed by fn if not nil.
func (sd *seeder) account(id string, fn func(a *domain.Account)) domain.Account {
	for _, a := range accounts {
		if a.ID == id {
			a.Profile = maps.Clone(a.Profile)
			a.Profile["member_since"] = memberSince(a.Profile["member_since"], sd.created[id])
			if fn != nil {
				fn(&a)
			}
			return a
		}
	}
	panic("demo: no account " + id)
}

// stories are what happened to the accounts that are not simply in good standing.
func (sd *seeder) stories() {
	sd.closedForFraud()
	sd.emergencyClosure()
	sd.closureNoticeRunning()
	sd.payoutHold()
	sd.harassmentSuspension()
	sd.offPlatformWarning()
	sd.fakeReviewsRestriction()
	sd.reinstatedAfterResponse()
	sd.liftedAfterVerification()
	sd.copyrightNotice()
	sd.openCaseNoMeasure()
	sd.ladderWalk()
}

// closedForFraud: a client disputes payments for delivered work, does not answer the hold,
// gets a 30-day closure notice (business account) and is closed once it has run out.
func (sd *seeder) closedForFraud() {
	const id = "cl-2207"
	var caseID, hold string
	sd.openCase(-58, 8, 40, "rule:chargeback_ratio", enforce.CaseInput{AccountID: id, Violation: "fraud",
		Source: domain.SourceDetection, Automated: true,
		Summary: "4 card chargebacks in 10 days on milestones the freelancers had delivered and the client had approved",
		Evidence: []domain.Evidence{
			ev(ruleHit, "4 card chargebacks in 10 days on approved milestones (3,870 EUR in total); the threshold is 2",
				`{"rule":"chargeback_ratio","chargebacks":4,"window_days":10,"amount_eur":3870,"threshold":2}`),
			ev(event, "Chargeback on milestone 3 of contract ct-88412 with fl-1047, reason 'merchandise not received', filed 2 days after the client approved the delivery",
				`{"contract":"ct-88412","milestone":3,"freelancer":"fl-1047","amount_eur":1450,"reason_code":"13.1"}`),
		}}, &caseID)
	sd.addEvidence(-58, 9, 15, marketplace, id, &caseID,
		ev(report, "Piotr Kowalski (fl-1047): the client approved the delivery, downloaded the source files and then disputed the payment as 'not received'"))
	sd.apply(-58, 11, 20, jonas, id, &caseID, enforce.MeasureInput{Type: "hold",
		Reason: "Four payments you made for delivered and approved work were disputed with your card issuer as 'not received' within ten days. " +
			"The account is on hold while we look into it. Please explain these disputes and send any documents that support them."}, &hold)
	sd.addEvidence(-50, 9, 0, amira, id, &caseID,
		ev(note, "No response to the hold notice or its two reminders by the deadline. The card issuer confirmed that the cardholder filed all four chargebacks; the freelancers lost 3,870 EUR."))
	sd.apply(-50, 9, 10, amira, id, &caseID, enforce.MeasureInput{Type: "closure_pending",
		Reason: "The hold's deadline passed without a response. Disputing payments for work you approved and received takes money from freelancers by deception, " +
			"so we intend to close the account permanently. You have 30 days to address this: withdraw the disputes, or explain them with documents."}, nil)
	sd.lift(-50, 9, 12, amira, id, &hold, "Superseded by the closure notice: the hold's response deadline passed without a response.")
	sd.on(-19, 10, 5, id+": close", func(ctx context.Context) error {
		_, err := sd.svc.Close(ctx, jonas, id,
			"The 30-day closure notice ran out without a response, and the disputes were not withdrawn. The account is closed permanently for fraud (terms 4.1).")
		return err
	})
}

// emergencyClosure: an agency's first fraud case ends with a refund; weeks later a trusted
// flagger reports more of the same and a court freezes its balance, and two operators close it
// without a notice period.
func (sd *seeder) emergencyClosure() {
	const id = "ag-3009"
	var first, hold, second, request string
	sd.openCase(-53, 16, 30, marketplace, enforce.CaseInput{AccountID: id, Violation: "fraud",
		Source: domain.SourceUserNotice, Notifier: "Harbor & Pine LLC (client cl-2212)",
		Summary: "Client paid a 2,400 EUR deposit for a web shop; nothing was delivered after six weeks and the agency stopped replying",
		Evidence: []domain.Evidence{
			ev(report, "Client report: deposit of 2,400 EUR paid on milestone 1 of contract ct-90117; no files delivered; last reply 19 days ago"),
			ev(event, "Milestone 1 of ct-90117 was funded and released early at the agency's request",
				`{"contract":"ct-90117","milestone":1,"amount_eur":2400,"released_early":true}`),
		}}, &first)
	sd.apply(-52, 10, 0, jonas, id, &first, enforce.MeasureInput{Type: "hold",
		Reason: "A client reports that you took a 2,400 EUR deposit for a web shop and have neither delivered nor replied for 19 days. " +
			"Please deliver the work or refund the client, and tell us what happened."}, &hold)
	sd.addEvidence(-48, 14, 20, marketplace, id, &first,
		ev(report, "Agency's response: the developer on the project left the company; the agency refunded the deposit in full and apologised to the client"),
		ev(file, "Refund confirmation for ct-90117, 2,400 EUR", `{"file":"refund-ct-90117.pdf","sha256":"5f1c0c3e0c9a4b1e8d7f2a6b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"}`))
	sd.lift(-48, 15, 0, jonas, id, &hold,
		"Response accepted: the client was refunded in full and confirmed it. Please keep clients informed when a project is delayed.")
	sd.openCase(-17, 9, 30, marketplace, enforce.CaseInput{AccountID: id, Violation: "fraud",
		Source: domain.SourceTrustedFlag, Notifier: "Consumer Fraud Helpline NL (trusted flagger)",
		Summary: "Three more clients paid deposits for websites that were never delivered; the agency changed its payout account and stopped replying",
		Evidence: []domain.Evidence{
			ev(report, "Trusted flagger notice: 3 clients lost 7,150 EUR in deposits over the last four weeks; none received any work"),
			ev(event, "Payout IBAN changed to an account already used by an account closed for fraud in 2025",
				`{"previous_account":"ag-2871","closed":"2025-06"}`),
			ev(file, "Court order freezing the agency's marketplace balance, ref. DEMO-KG-2026-0417", `{"file":"court-order-DEMO-KG-2026-0417.pdf"}`),
		}}, &second)
	sd.on(-16, 11, 0, id+": request emergency closure", func(ctx context.Context) error {
		r, err := sd.svc.RequestEmergencyClosure(ctx, amira, id, enforce.EmergencyInput{CaseID: second,
			Ground: "Art. 4(4) P2B: repeated serious fraud against clients (second case in seven weeks); court order ref. DEMO-KG-2026-0417 freezing the balance",
			Reason: "After a first case ended with a refund, three more clients report deposits taken for websites that were never delivered, " +
				"and the new payout account matches one closed for fraud. A court has frozen the balance. The account is closed without a notice period to protect further clients."})
		request = r.ID
		return err
	})
	sd.on(-16, 12, 40, id+": approve emergency closure", func(ctx context.Context) error {
		_, err := sd.svc.ApproveEmergencyClosure(ctx, jonas, request)
		return err
	})
}

// closureNoticeRunning: a misleading profile, a hold whose deadline passes without an answer,
// and a 30-day closure notice that is still running at the end.
func (sd *seeder) closureNoticeRunning() {
	const id = "fl-1095"
	var caseID, hold string
	sd.openCase(-47, 13, 10, marketplace, enforce.CaseInput{AccountID: id, Violation: "misleading_profile",
		Source: domain.SourceUserNotice, Notifier: "Greenleaf Organics Ltd (client cl-2210)",
		Summary: "Client reports that the AWS certification and a case study on the profile are not the freelancer's",
		Evidence: []domain.Evidence{
			ev(report, "Client report: the 'Retail data platform migration' case study on the profile is a published case study of another consultancy with the names changed"),
		}}, &caseID)
	sd.addEvidence(-46, 10, 0, amira, id, &caseID,
		ev(note, "The AWS certification validation number on the profile returns 'not found' in AWS's credential verification."),
		ev(file, "Side-by-side comparison: the profile's case study and the consultancy's published page (92% identical text)", `{"file":"case-study-comparison.pdf"}`))
	sd.apply(-45, 10, 20, amira, id, &caseID, enforce.MeasureInput{Type: "hold",
		Reason: "Your profile says you hold the AWS Solutions Architect Professional certification, but its validation number is not found, " +
			"and your case study 'Retail data platform migration' copies another consultancy's published work. Please correct these items or send proof."}, &hold)
	sd.apply(-25, 10, 30, jonas, id, &caseID, enforce.MeasureInput{Type: "closure_pending",
		Reason: "The hold's deadline passed without a response, and the profile still shows the certification and the case study. " +
			"We intend to close the account permanently. You have 30 days to correct the profile or send proof; if you do, the closure will not go ahead."}, nil)
	sd.lift(-25, 10, 32, jonas, id, &hold, "Superseded by the closure notice: the hold's response deadline passed without a response.")
}

// payoutHold: a detection rule sees payout details change fast from two countries; a moderator
// holds the account, and the response deadline is still ahead at the end.
func (sd *seeder) payoutHold() {
	const id = "fl-1104"
	var caseID string
	sd.openCase(-3, 2, 14, "rule:payout_velocity", enforce.CaseInput{AccountID: id, Violation: "fraud",
		Source: domain.SourceDetection, Automated: true,
		Summary: "Payout details changed 3 times in 40 minutes from 2 countries, right after a login from a new device",
		Evidence: []domain.Evidence{
			ev(ruleHit, "Payout method changed 3 times in 40 minutes from 2 countries",
				`{"rule":"payout_velocity","changes":3,"window_minutes":40,"countries":["BR","RO"]}`),
			ev(event, "Login from a new device in Bucharest, RO; the account usually logs in from Recife, BR",
				`{"ip_country":"RO","usual_country":"BR","new_device":true}`),
			ev(event, "Withdrawal of 1,180 USD requested to the newest payout method 6 minutes after it was added",
				`{"amount_usd":1180,"minutes_after_change":6}`),
		}}, &caseID)
	sd.apply(-3, 8, 45, amira, id, &caseID, enforce.MeasureInput{Type: "hold",
		Reason: "Early this morning your payout details were changed three times within 40 minutes, from Brazil and Romania, " +
			"and a withdrawal of 1,180 USD was requested to the newest one. To protect your earnings we have paused payouts and new work. " +
			"Please confirm whether these changes were yours; if they were not, reset your password and we will restore your previous payout method."}, nil)
}

// harassmentSuspension: a warning for rude messages, then threats to a client and a 14-day
// suspension.
func (sd *seeder) harassmentSuspension() {
	const id = "fl-1098"
	var first, second string
	sd.openCase(-41, 15, 0, marketplace, enforce.CaseInput{AccountID: id, Violation: "harassment",
		Source: domain.SourceUserNotice, Notifier: "Pixelwerk GmbH (agency ag-3001)",
		Summary: "Insulting messages to an agency's project manager after a declined proposal",
		Evidence: []domain.Evidence{
			ev(report, "Three messages calling the project manager 'incompetent' and 'a joke' after the proposal was declined"),
		}}, &first)
	sd.apply(-40, 9, 30, jonas, id, &first, enforce.MeasureInput{Type: "escalate",
		Reason: "Your messages to a project manager at Pixelwerk GmbH after your proposal was declined were insulting. " +
			"This is a warning: keep messages respectful, also when a proposal is turned down."}, nil)
	sd.openCase(-7, 21, 5, marketplace, enforce.CaseInput{AccountID: id, Violation: "harassment",
		Source: domain.SourceUserNotice, Notifier: "Tomasz Zieliński (client cl-2204)",
		Summary: "Insults and a threat after the client sent a milestone back for changes",
		Evidence: []domain.Evidence{
			ev(report, "Client report: 11 messages in 2 hours after a milestone was sent back for changes, including insults and a threat to post the client's home address on review sites"),
			ev(file, "Chat export with the 11 messages", `{"file":"chat-export-ct-92240.pdf","messages":11}`),
		}}, &second)
	sd.addEvidence(-6, 10, 15, jonas, id, &second,
		ev(note, "Read the whole thread: the client's change request was polite and within the contract's scope. Second harassment case in five weeks."))
	sd.apply(-6, 10, 40, jonas, id, &second, enforce.MeasureInput{Type: "suspension", Duration: domain.Duration(14 * day),
		Reason: "After a client asked for changes to a milestone, you sent 11 insulting messages in two hours and threatened to publish the client's home address. " +
			"This follows a warning five weeks ago. The account is suspended for 14 days and is restored automatically afterwards."}, nil)
}

// offPlatformWarning: a message asks a client to pay outside the marketplace; a warning.
func (sd *seeder) offPlatformWarning() {
	const id = "fl-1101"
	var caseID string
	sd.openCase(-9, 14, 22, "rule:off_platform_keywords", enforce.CaseInput{AccountID: id, Violation: "off_platform_payment",
		Source: domain.SourceDetection, Automated: true,
		Summary: "A message to a client asks to move payment off the marketplace",
		Evidence: []domain.Evidence{
			ev(ruleHit, "Message to client cl-2212 matched 'pay me directly' and a Zelle handle",
				`{"rule":"off_platform_keywords","matched":["pay me directly","zelle"],"contract":"ct-91233"}`),
			ev(event, "Message in the thread of contract ct-91233: 'for the next batch just pay me directly via Zelle, saves us both the fee'"),
		}}, &caseID)
	sd.apply(-8, 10, 5, amira, id, &caseID, enforce.MeasureInput{Type: "warning",
		Reason: "In a message to a client you asked to be paid directly through Zelle instead of through the marketplace. " +
			"Work found here is paid through the marketplace for two years (terms 5.2). This is a warning; it counts as a strike for six months."}, nil)
}

// fakeReviewsRestriction: bought reviews, a warning, then a discount offered for a five-star
// review and proposals switched off for 30 days.
func (sd *seeder) fakeReviewsRestriction() {
	const id = "fl-1092"
	var caseID string
	sd.openCase(-33, 11, 0, "rule:review_ring", enforce.CaseInput{AccountID: id, Violation: "fake_reviews",
		Source: domain.SourceDetection, Automated: true,
		Summary: "A burst of five-star reviews from new client accounts paying with the same card",
		Evidence: []domain.Evidence{
			ev(ruleHit, "7 five-star reviews in 48 hours from client accounts created the same week, all paid with the same card",
				`{"rule":"review_ring","reviews":7,"window_hours":48,"distinct_cards":1}`),
		}}, &caseID)
	sd.apply(-32, 9, 40, amira, id, &caseID, enforce.MeasureInput{Type: "escalate",
		Reason: "Seven five-star reviews arrived on your profile within two days from client accounts created the same week and paid with one card. " +
			"The marketplace has removed them. This is a warning: ask for reviews only from real clients through the review request."}, nil)
	sd.addEvidence(-14, 16, 10, marketplace, id, &caseID,
		ev(report, "Client cl-2201 reports being offered a 20% discount for a five-star review before the work had started"))
	sd.apply(-13, 11, 30, jonas, id, &caseID, enforce.MeasureInput{Type: "restriction", CapabilitiesOff: caps("proposals"),
		Duration: domain.Duration(30 * day),
		Reason: "After a warning for bought reviews, you offered a client a 20% discount for a five-star review before the work had started. " +
			"Sending proposals is switched off for 30 days; your current contracts, messages and payouts continue."}, nil)
}

// reinstatedAfterResponse: two accounts on one computer look like one person's; the holder
// answers that it is her brother's, and the account is reinstated.
func (sd *seeder) reinstatedAfterResponse() {
	const id = "fl-1063"
	var caseID string
	sd.openCase(-36, 7, 50, "rule:device_fingerprint", enforce.CaseInput{AccountID: id, Violation: "multiple_accounts",
		Source: domain.SourceDetection, Automated: true,
		Summary: "Two freelancer accounts share one device and home network",
		Evidence: []domain.Evidence{
			ev(ruleHit, "fl-1063 and fl-1064 logged in from the same device and IP address on 12 of the last 30 days",
				`{"rule":"device_fingerprint","other_account":"fl-1064","shared_days":12,"window_days":30}`),
		}}, &caseID)
	sd.apply(-35, 9, 0, amira, id, &caseID, enforce.MeasureInput{Type: "hold",
		Reason: "Your account and another freelancer account (fl-1064) are used from the same computer and network on most days. " +
			"Please tell us which account you want to keep, or who uses the other one."}, nil)
	sd.addEvidence(-33, 18, 25, marketplace, id, &caseID,
		ev(report, "Holder's response: fl-1064 belongs to her brother Arjun, who lives in the same flat and shares the family computer; each has their own contracts"),
		ev(file, "Identity verification results: fl-1063 and fl-1064 are two different people (different ID documents and selfie checks)", `{"fl-1063":"verified","fl-1064":"verified"}`))
	sd.on(-32, 10, 10, id+": reinstate", func(ctx context.Context) error {
		_, err := sd.svc.Reinstate(ctx, amira, id,
			"Response accepted: the two accounts belong to two different, verified people who share a household computer. The hold is lifted and no strike is recorded.")
		return err
	})
}

// liftedAfterVerification: earnings pass the verification threshold, a rule switches payouts
// off, the holder verifies and the restriction is lifted.
func (sd *seeder) liftedAfterVerification() {
	const id = "fl-1086"
	var caseID, restriction string
	sd.openCase(-27, 12, 0, "rule:kyc_threshold", enforce.CaseInput{AccountID: id, Violation: "identity_unverified",
		Source: domain.SourceDetection, Automated: true,
		Summary: "Earnings passed the identity verification threshold while verification is still pending",
		Evidence: []domain.Evidence{
			ev(event, "Earnings reached 612 EUR; identity verification is required from 500 EUR", `{"earnings_eur":612,"threshold_eur":500}`),
		}}, &caseID)
	sd.apply(-27, 12, 1, "rule:kyc_threshold", id, &caseID, enforce.MeasureInput{Type: "restriction", Automated: true,
		CapabilitiesOff: caps("payouts", "new_contracts"),
		Reason: "Your earnings have passed 500 EUR, and we must verify your identity before paying you. Until then, payouts and new contracts are paused; " +
			"your ongoing work and messages continue. Upload an ID on the verification page to lift this."}, &restriction)
	sd.put(-24, 17, 45, sd.account(id, func(a *domain.Account) { a.Identity = domain.IdentityVerified }))
	sd.lift(-24, 17, 52, amira, id, &restriction, "Identity verified: payouts and new contracts are restored.")
}

// copyrightNotice: a stock image agency sends a notice; a warning.
func (sd *seeder) copyrightNotice() {
	const id = "fl-1089"
	var caseID string
	sd.openCase(-20, 9, 5, marketplace, enforce.CaseInput{AccountID: id, Violation: "copyright_infringement",
		Source: domain.SourceRightsHolder, Notifier: "Northlight Stock Imagery GmbH (rights holder)",
		Summary: "Notice of copyright infringement: three portfolio images are licensed stock illustrations",
		Evidence: []domain.Evidence{
			ev(report, "Notice from Northlight Stock Imagery GmbH: the portfolio items 'Fox in the snow', 'Lighthouse at dusk' and 'Balloon ride' are its stock illustrations NL-88213, NL-88214 and NL-90102, not licensed to be shown as the freelancer's own work",
				`{"items":["NL-88213","NL-88214","NL-90102"]}`),
			ev(file, "Side-by-side comparison of the three portfolio images with the stock originals", `{"file":"northlight-comparison.pdf"}`),
		}}, &caseID)
	sd.apply(-18, 14, 30, jonas, id, &caseID, enforce.MeasureInput{Type: "escalate",
		Reason: "A rights holder has shown that three images in your portfolio are its stock illustrations, shown as your own work. " +
			"The marketplace has hidden them. This is a warning; if you hold a licence for them, reply with it."}, nil)
}

// openCaseNoMeasure: a rule flags a shared payout account; a moderator is still looking.
func (sd *seeder) openCaseNoMeasure() {
	const id = "fl-1110"
	var caseID string
	sd.openCase(-2, 6, 30, "rule:shared_payout_account", enforce.CaseInput{AccountID: id, Violation: "multiple_accounts",
		Source: domain.SourceDetection, Automated: true,
		Summary: "Payout bank account shared with another freelancer account",
		Evidence: []domain.Evidence{
			ev(ruleHit, "Same payout bank account as fl-1071 (Thiago Almeida), added 3 days ago",
				`{"rule":"shared_payout_account","other_account":"fl-1071","added_days_ago":3}`),
		}}, &caseID)
	sd.addEvidence(-1, 11, 15, jonas, id, &caseID,
		ev(note, "Both profiles name the same animation studio in São Paulo: they may be colleagues paid through the studio's company account. Asked the marketplace for the account holder's name before deciding anything."))
}

// ladderWalk: the same freelancer keeps asking clients to pay outside the marketplace and
// climbs the ladder: warning, restriction, restriction, suspension.
func (sd *seeder) ladderWalk() {
	const id, rule = "fl-1077", "rule:off_platform_keywords"
	cases := make([]string, 4)
	walk := []struct {
		day, hh, mm int
		actor       string
		in          enforce.CaseInput
		reason      string
	}{
		{-56, 13, 0, rule, enforce.CaseInput{Summary: "A message to a client shares a PayPal address for payment outside the marketplace",
			Evidence: []domain.Evidence{ev(ruleHit, "Message to a client matched a PayPal address and 'outside the platform'",
				`{"rule":"off_platform_keywords","matched":["paypal.me/","outside the platform"]}`)}},
			"Your message to a client shared a PayPal address for payment outside the marketplace. This is a warning."},
		{-44, 15, 20, rule, enforce.CaseInput{Summary: "A proposal offers a lower price for payment by bank transfer",
			Evidence: []domain.Evidence{ev(ruleHit, "Proposal text matched 'IBAN' and '10% less if paid directly'",
				`{"rule":"off_platform_keywords","matched":["iban","paid directly"]}`)}},
			"A second time, a proposal offered a lower price for payment outside the marketplace. Messaging and proposals are paused for 7 days."},
		{-29, 10, 40, rule, enforce.CaseInput{Summary: "A message to a client shares a crypto wallet address for payment",
			Evidence: []domain.Evidence{ev(ruleHit, "Message to a client matched a USDT wallet address",
				`{"rule":"off_platform_keywords","matched":["usdt","trc20"]}`)}},
			"A third time, a message asked a client to pay into a crypto wallet. Messaging and proposals are paused for another 7 days."},
		{-10, 19, 0, marketplace, enforce.CaseInput{Source: domain.SourceUserNotice, Notifier: "Harbor & Pine LLC (client cl-2212)",
			Summary:  "Client reports being offered a discount for paying by bank transfer outside the marketplace",
			Evidence: []domain.Evidence{ev(report, "Client report: offered 15% off the next milestone for paying by bank transfer instead of through the marketplace")}},
			"A client reports that you offered a discount for paying outside the marketplace, after a warning and two restrictions for the same. " +
				"The account is suspended for 30 days."},
	}
	for i, w := range walk {
		in := w.in
		in.AccountID, in.Violation = id, "off_platform_payment"
		automated := w.actor == rule
		if automated {
			in.Source, in.Automated = domain.SourceDetection, true
		}
		sd.openCase(w.day, w.hh, w.mm, w.actor, in, &cases[i])
		// The rule escalates by itself (the policy allows automation for this violation); the
		// suspension is a moderator's decision, the next morning.
		actor, day, hh, mm := rule, w.day, w.hh, w.mm+1
		if !automated {
			actor, day, hh, mm = jonas, w.day+1, 9, 20
		}
		sd.apply(day, hh, mm, actor, id, &cases[i], enforce.MeasureInput{Type: "escalate", Automated: automated, Reason: w.reason}, nil)
	}
}
