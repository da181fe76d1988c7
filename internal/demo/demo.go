// Package demo seeds a small, believable freelance marketplace for `standing demo`: about
// thirty freelancers, clients and agencies, most in good standing, and a dozen stories that
// leave accounts in every standing and cases at every stage.
//
// Everything goes through the use cases of package enforce, on a copy of the service whose
// clock is simulated: the story starts about 60 days before `end` and the clock moves forward
// step by step, so audit records are chronological and every notice period that a closure
// relies on has really run out. The clock never passes `end`.
package demo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
)

// The actors of the story.
const (
	amira       = "operator:amira" // trust & safety moderator
	jonas       = "operator:jonas" // trust & safety moderator
	marketplace = "apikey:marketplace"
)

// Days is how far before `end` the story starts.
const Days = 60

// Summary is what Seed wrote.
type Summary struct {
	Accounts int
	Cases    int
	// ByStanding lists the account ids in each standing at `end`, sorted.
	ByStanding map[domain.Standing][]string
}

// Seed fills an empty store with the demo marketplace, its story spread over the weeks before
// `end`. It refuses a store that already holds any of the demo's accounts.
func Seed(ctx context.Context, svc *enforce.Service, end time.Time) (Summary, error) {
	end = end.UTC().Truncate(time.Microsecond)
	for _, a := range accounts {
		_, err := svc.Account(ctx, a.ID)
		switch domain.ErrorCode(err) {
		case domain.ENOTFOUND:
		case "":
			return Summary{}, fmt.Errorf("demo: account %s already exists: the demo seeds an empty store", a.ID)
		default:
			return Summary{}, fmt.Errorf("demo: %w", err)
		}
	}
	sd := newSeeder(svc, end)
	sd.signups()
	sd.stories()
	if err := sd.run(ctx); err != nil {
		return Summary{}, err
	}

	sd.now = end
	sum := Summary{Accounts: len(accounts), Cases: sd.cases, ByStanding: map[domain.Standing][]string{}}
	for _, a := range accounts {
		v, err := sd.svc.Standing(ctx, a.ID)
		if err != nil {
			return Summary{}, fmt.Errorf("demo: standing of %s: %w", a.ID, err)
		}
		sum.ByStanding[v.Standing] = append(sum.ByStanding[v.Standing], a.ID)
	}
	for _, ids := range sum.ByStanding {
		slices.Sort(ids)
	}
	return sum, nil
}

// step is one thing that happens in the story, at a time.
type step struct {
	at   time.Time
	n    int // order of registration, to keep same-time steps in story order
	what string
	do   func(ctx context.Context) error
}

type seeder struct {
	svc   *enforce.Service // the caller's service with the simulated clock
	now   time.Time        // the simulated clock
	day0  time.Time        // midnight (UTC) of end's day; day -1 is the day before
	end   time.Time
	steps []step
	cases int
	// created is when each account is first sent, for relative member_since months.
	created map[string]time.Time
}

func newSeeder(svc *enforce.Service, end time.Time) *seeder {
	sd := &seeder{end: end, day0: end.Truncate(24 * time.Hour)}
	s := *svc
	s.Now = func() time.Time { return sd.now }
	sd.svc = &s
	sd.now = sd.day0.AddDate(0, 0, -Days)
	return sd
}

// on schedules a step on day `day` (negative: days before end's day) at hh:mm UTC. Every
// story day is -1 or earlier, so no step can happen after `end`.
func (sd *seeder) on(day, hh, mm int, what string, do func(ctx context.Context) error) {
	if day > -1 || day < -Days {
		panic(fmt.Sprintf("demo: step %q on day %d: story days run from -%d to -1", what, day, Days))
	}
	at := sd.day0.AddDate(0, 0, day).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	sd.steps = append(sd.steps, step{at: at, n: len(sd.steps), what: what, do: do})
}

// run plays the steps in time order, moving the clock forward to each.
func (sd *seeder) run(ctx context.Context) error {
	sort.SliceStable(sd.steps, func(i, j int) bool { return sd.steps[i].at.Before(sd.steps[j].at) })
	for _, st := range sd.steps {
		if st.at.After(sd.end) {
			return fmt.Errorf("demo: step %q at %s would pass the end %s", st.what, st.at, sd.end)
		}
		if st.at.After(sd.now) {
			sd.now = st.at
		}
		if err := st.do(ctx); err != nil {
			return fmt.Errorf("demo: %s (at %s): %w", st.what, sd.now.Format(time.RFC3339), err)
		}
	}
	return nil
}

// ---- helpers the stories share

const day = 24 * time.Hour

func caps(names ...string) *domain.CapSet {
	s, err := domain.NewCapSet(names...)
	if err != nil {
		panic(err)
	}
	return &s
}

func ev(kind domain.EvidenceKind, description string, data ...string) domain.Evidence {
	e := domain.Evidence{Kind: kind, Description: description}
	if len(data) > 0 {
		e.Data = []byte(data[0])
	}
	return e
}

// openCase opens a case and keeps its id in *id for the story's later steps.
func (sd *seeder) openCase(day, hh, mm int, actor string, in enforce.CaseInput, id *string) {
	sd.on(day, hh, mm, in.AccountID+": open "+in.Violation+" case", func(ctx context.Context) error {
		c, err := sd.svc.OpenCase(ctx, actor, in)
		if err != nil {
			return err
		}
		sd.cases++
		*id = c.ID
		return nil
	})
}

func (sd *seeder) addEvidence(day, hh, mm int, actor, accountID string, caseID *string, items ...domain.Evidence) {
	sd.on(day, hh, mm, accountID+": add evidence", func(ctx context.Context) error {
		_, err := sd.svc.AddEvidence(ctx, actor, *caseID, items)
		return err
	})
}

// apply applies a measure on the story's case; when measureID is not nil it keeps the id of
// the last measure applied (the ladder's step, after an escalation's strike).
func (sd *seeder) apply(day, hh, mm int, actor, accountID string, caseID *string, in enforce.MeasureInput, measureID *string) {
	sd.on(day, hh, mm, accountID+": "+in.Type, func(ctx context.Context) error {
		in.CaseID = *caseID
		res, err := sd.svc.ApplyMeasure(ctx, actor, accountID, in)
		if err != nil {
			return err
		}
		if measureID != nil && len(res.Applied) > 0 {
			*measureID = res.Applied[len(res.Applied)-1].ID
		}
		return nil
	})
}

func (sd *seeder) lift(day, hh, mm int, actor, accountID string, measureID *string, reason string) {
	sd.on(day, hh, mm, accountID+": lift", func(ctx context.Context) error {
		_, err := sd.svc.Lift(ctx, actor, accountID, *measureID, reason)
		return err
	})
}

func (sd *seeder) put(day, hh, mm int, a domain.Account) {
	sd.on(day, hh, mm, a.ID+": account upsert", func(ctx context.Context) error {
		_, _, err := sd.svc.PutAccount(ctx, marketplace, a)
		return err
	})
}
