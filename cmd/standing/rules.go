package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/standing-org/standing/internal/config"
	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/rules"
)

// rulesTest compiles a rules file and, given sample events, shows which rules each one hits.
func rulesTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := flags("rules test", stderr, &cfg, false)
	eventsFile := fs.String("events", "", "sample events to run the rules on: a JSON array or NDJSON of activity events")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: standing rules test FILE [--events EVENTS]")
	}
	pol, err := loadPolicy(cfg)
	if err != nil {
		return err
	}
	rs, err := rules.LoadFileFor(fs.Arg(0), pol, rules.Limits{})
	if err != nil {
		fmt.Fprintln(stdout, err)
		return fmt.Errorf("%s: the rules do not compile", fs.Arg(0))
	}
	eng := rules.NewEngine(pol, rules.Limits{})
	if _, err := eng.Set(rs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d rules compile and pass the cost check\n", fs.Arg(0), len(rs))
	if *eventsFile == "" {
		return nil
	}
	body, err := os.ReadFile(*eventsFile)
	if err != nil {
		return err
	}
	items, err := ingest.Decode(body, ingest.DefaultLimits)
	if err != nil {
		return fmt.Errorf("%s: %w", *eventsFile, err)
	}
	feats := rules.NewStore(rules.StoreConfig{})
	for _, it := range items {
		if it.Err != nil {
			fmt.Fprintf(stdout, "event %d: refused: %v\n", it.Index, it.Err)
			continue
		}
		f := feats.ObserveSnapshot(it.Event)
		hits, err := eng.Evaluate(ctx, it.Event, nil, &f)
		names := []string{}
		for _, h := range hits {
			names = append(names, h.Rule)
		}
		fmt.Fprintf(stdout, "event %d %s (%s, %s): %s\n", it.Index, it.Event.ID, it.Event.Type, it.Event.Subject, orNone(names))
		if err != nil {
			fmt.Fprintf(stdout, "  error: %v\n", err)
		}
	}
	return nil
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "no rule hits"
	}
	return "hits " + strings.Join(ss, ", ")
}

// rulesBacktest replays stored events against a rule set and reports what it would have done.
func rulesBacktest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := flags("rules backtest", stderr, &cfg, false)
	sinceFlag := fs.String("since", "", "replay events from this day on (YYYY-MM-DD; required)")
	rulesFlag := fs.String("rules", "", "rules file to test; the rules in force when empty")
	labelsFlag := fs.String("labels", "", "known outcomes, CSV lines account_id,violation; else the measures people applied")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	since, err := time.Parse(time.DateOnly, *sinceFlag)
	if err != nil {
		return fmt.Errorf("--since %q: want a day as YYYY-MM-DD", *sinceFlag)
	}
	cfg.RulesFile = *rulesFlag
	a, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	rs, from, _, err := a.Rules(ctx)
	if err != nil {
		return err
	}
	eng := rules.NewEngine(a.Service.Policy, rules.Limits{})
	for i := range rs {
		rs[i].Mode = rules.Shadow // a backtest only counts
	}
	if _, err := eng.Set(rs); err != nil {
		return fmt.Errorf("rules (%s): %w", from, err)
	}
	labels, labelsFrom, err := backtestLabels(ctx, a.Store.HumanDecisions, *labelsFlag)
	if err != nil {
		return err
	}
	accounts := map[string]*domain.Account{}
	account := func(id string) *domain.Account {
		if a, ok := accounts[id]; ok {
			return a
		}
		acct, err := a.Service.Account(ctx, id)
		if err != nil {
			accounts[id] = nil
			return nil
		}
		accounts[id] = &acct
		return &acct
	}
	standing := func(id string) domain.Standing {
		v, err := a.Service.Standing(ctx, id)
		if err != nil {
			return domain.Good
		}
		return v.Standing
	}
	bt := detect.NewBacktest(eng, account, standing)
	total, err := a.Store.CountActivity(ctx, since)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, total)
	err = a.Store.Activity(ctx, since, func(ev *domain.ActivityEvent) error {
		bt.Feed(ctx, ev)
		bar.step()
		return nil
	})
	bar.done()
	if err != nil {
		return err
	}
	rr, pr := bt.Report(labels)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"events": bt.Events, "rules_from": from, "labels_from": labelsFrom,
			"rules": rr, "violations": pr})
	}
	fmt.Fprintf(stdout, "Replayed %d events since %s against %d rules (%s); outcomes from %s.\n\n", bt.Events, *sinceFlag, len(rs), from, labelsFrom)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tVIOLATION\tHITS\tACCOUNTS\tWOULD OPEN CASES\tWOULD APPLY\tPRECISION\tRECALL")
	for _, r := range rr {
		apply := "-"
		if r.Measure != "" {
			apply = fmt.Sprintf("%d %s", r.Measures, r.Measure)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", r.Rule, orDash(r.Violation), r.Hits, r.Accounts, r.Cases, apply, pct(r.Precision), pct(r.Recall))
	}
	tw.Flush()
	if len(pr) > 0 {
		fmt.Fprintln(stdout, "\nThe pack, by violation:")
		tw = tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VIOLATION\tKNOWN\tFLAGGED\tPRECISION\tRECALL")
		for _, p := range pr {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", p.Violation, p.Known, p.Flagged, pct(p.Precision), pct(p.Recall))
		}
		tw.Flush()
	}
	return nil
}

func backtestLabels(ctx context.Context, decisions func(context.Context) (map[string][]string, error), file string) (detect.Labels, string, error) {
	labels := detect.Labels{}
	add := func(violation, id string) {
		if labels[violation] == nil {
			labels[violation] = map[string]bool{}
		}
		labels[violation][id] = true
	}
	if file == "" {
		ds, err := decisions(ctx)
		if err != nil {
			return nil, "", err
		}
		for v, ids := range ds {
			for _, id := range ids {
				add(v, id)
			}
		}
		return labels, "the measures people applied", nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, "", fmt.Errorf("--labels %s: %w", file, err)
	}
	for _, rec := range recs {
		add(strings.TrimSpace(rec[1]), strings.TrimSpace(rec[0]))
	}
	return labels, file, nil
}

func pct(v float64) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func loadPolicy(cfg config.Config) (*policy.Policy, error) {
	if cfg.PolicyFile == "" {
		return policy.Default(), nil
	}
	return policy.Load(cfg.PolicyFile)
}

// progress draws a bar on stderr for long commands.
type progress struct {
	w          io.Writer
	total, n   int64
	start, put time.Time
}

func newProgress(w io.Writer, total int64) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

func (p *progress) step() {
	p.n++
	if time.Since(p.put) < 100*time.Millisecond {
		return
	}
	p.put = time.Now()
	p.draw()
}

func (p *progress) draw() {
	frac := 1.0
	if p.total > 0 {
		frac = min(1, float64(p.n)/float64(p.total))
	}
	const width = 30
	full := int(frac * width)
	rate := float64(p.n) / max(time.Since(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%  %d/%d events  %.0f/s", strings.Repeat("#", full), strings.Repeat(".", width-full), 100*frac, p.n, p.total, rate)
}

func (p *progress) done() {
	p.draw()
	fmt.Fprintln(p.w)
}
