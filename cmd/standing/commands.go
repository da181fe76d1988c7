package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/standing-org/standing/internal/app"
	"github.com/standing-org/standing/internal/audit"
	"github.com/standing-org/standing/internal/config"
	"github.com/standing-org/standing/internal/demo"
	"github.com/standing-org/standing/internal/detect"
	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/policy"
)

func flags(name string, stderr io.Writer, cfg *config.Config, serve bool) *flag.FlagSet {
	fs := flag.NewFlagSet("standing "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Register(fs, serve)
	return fs
}

func open(ctx context.Context, cfg config.Config, stderr io.Writer) (*app.App, error) {
	return app.Open(ctx, cfg, newLogger(stderr, cfg.LogLevel))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, isDemo bool) error {
	var cfg config.Config
	name := "serve"
	if isDemo {
		name = "demo"
	}
	fs := flags(name, stderr, &cfg, true)
	if err := fs.Parse(args); err != nil {
		return err
	}
	dataGiven := os.Getenv("STANDING_DATA") != ""
	fs.Visit(func(f *flag.Flag) { dataGiven = dataGiven || f.Name == "data" })
	if isDemo && cfg.DatabaseURL == "" && !dataGiven {
		// Unless told where, a demo starts on a fresh folder, so it never mixes with real
		// data; a folder it is given must be empty of accounts (checked when seeding).
		dir, err := os.MkdirTemp("", "standing-demo-")
		if err != nil {
			return err
		}
		cfg.DataDir = dir
	}
	a, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := a.Listen()
	if err != nil {
		return err
	}
	if isDemo {
		if err := seedDemo(ctx, a, ln.Addr().String(), stdout); err != nil {
			ln.Close()
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Standing is serving on http://%s (database: %s)\n", ln.Addr(), a.Store.Dialect())
	}
	return a.Serve(ctx, ln)
}

func seedDemo(ctx context.Context, a *app.App, addr string, stdout io.Writer) error {
	n, err := a.Store.CountAccounts(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("demo: the database already holds %d accounts; the demo needs an empty one", n)
	}
	now := time.Now()
	sum, err := demo.Seed(ctx, a.Service, now)
	if err != nil {
		return fmt.Errorf("demo: seed: %w", err)
	}
	traffic, err := startTraffic(ctx, a, now)
	if err != nil {
		return err
	}
	key, err := a.Service.CreateAPIKey(ctx, "demo", "demo")
	if err != nil {
		return err
	}
	where := a.Config.DataDir
	if a.Config.DatabaseURL != "" {
		where = "PostgreSQL"
	}
	fmt.Fprintf(stdout, `Standing demo: a freelance marketplace with %d accounts and %d cases (data: %s)

  API:      http://%[4]s/api/v1   (OpenAPI: http://%[4]s/api/openapi.json)
  API key:  %[5]s

Try:
  export STANDING_KEY=%[5]s
`, sum.Accounts, sum.Cases, where, addr, key)
	for _, s := range []string{"on_hold", "closure_pending", "closed", "warned", "good"} {
		for st, ids := range sum.ByStanding {
			if string(st) == s && len(ids) > 0 {
				fmt.Fprintf(stdout, "  curl -s -H \"Authorization: Bearer $STANDING_KEY\" http://%s/api/v1/accounts/%s/standing    # %s\n", addr, ids[0], s)
			}
		}
	}
	if ids := sum.ByStanding["closed"]; len(ids) > 0 {
		fmt.Fprintf(stdout, "  curl -s -H \"Authorization: Bearer $STANDING_KEY\" http://%s/api/v1/accounts/%s/timeline  # the whole story, on the record\n", addr, ids[0])
	}
	labels := filepath.Join(a.Config.DataDir, "demo-labels.csv")
	fmt.Fprintf(stdout, `
Live traffic: %d more accounts send about %.0f events a second after two days of history; a few
percent of them cheat, and the ground truth is written to %s. Detection works on it as it arrives:
  curl -s -H "Authorization: Bearer $STANDING_KEY" "http://%[4]s/api/v1/rule-hits?limit=20"
  curl -s -H "Authorization: Bearer $STANDING_KEY" "http://%[4]s/api/v1/cases?status=open"   # the review queue
Score the rules against the ground truth (in another terminal, while the demo runs or after):
  go run ./cmd/standing rules backtest %[5]s --since %[6]s --labels %[3]s
`, traffic, demoRate, labels, addr, dataFlag(a.Config), now.Add(-demoHistory).Format(time.DateOnly))
	fmt.Fprintf(stdout, "\nStop with Ctrl-C.\n")
	return nil
}

// The demo's traffic: a population, its history and its live rate.
const (
	demoAccounts = 2000
	demoHistory  = 48 * time.Hour
	demoRate     = 25.0
)

// startTraffic registers the traffic's accounts, as of their sign-up, and arranges for their
// history to be fed through intake and detection once the server runs, then live traffic.
func startTraffic(ctx context.Context, a *app.App, now time.Time) (int, error) {
	t := demo.NewTraffic(42, demoAccounts, now.Add(-demoHistory))
	at := now
	svc := *a.Service
	svc.Now = func() time.Time { return at }
	for _, acct := range t.Accounts() {
		at = acct.CreatedAt
		if _, _, err := svc.PutAccount(ctx, "apikey:marketplace", acct); err != nil {
			return 0, fmt.Errorf("demo: traffic account %s: %w", acct.ID, err)
		}
	}
	labels := filepath.Join(a.Config.DataDir, "demo-labels.csv")
	a.Started = func(ctx context.Context, write func(context.Context, []*domain.ActivityEvent) error) {
		if err := demo.Backfill(ctx, t, time.Now(), write); err != nil {
			a.Log.Error("demo: history", "err", err)
			return
		}
		if err := writeLabels(labels, t.Labels()); err != nil {
			a.Log.Error("demo: labels", "err", err)
		}
		a.Log.Info("demo: history fed; live traffic runs", "rate", demoRate)
		if err := demo.Run(ctx, t, demoRate, write); err != nil {
			a.Log.Error("demo: traffic", "err", err)
		}
		if err := writeLabels(labels, t.Labels()); err != nil {
			a.Log.Error("demo: labels", "err", err)
		}
	}
	return len(t.Accounts()), nil
}

// writeLabels writes the ground truth as CSV lines account_id,violation.
func writeLabels(path string, labels detect.Labels) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# account_id,violation: the demo traffic's injected cheats\n")
	for v, ids := range labels {
		for id := range ids {
			fmt.Fprintf(&b, "%s,%s\n", id, v)
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	if err := flags("migrate", stderr, &cfg, false).Parse(args); err != nil {
		return err
	}
	a, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "%s database is up to date\n", a.Store.Dialect())
	return nil
}

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := flags("audit verify", stderr, &cfg, false)
	cpFlag := fs.String("checkpoint", "", "SEQ:HASH printed by an earlier verify; catches a truncated tail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cp *audit.Checkpoint
	if *cpFlag != "" {
		c, err := audit.ParseCheckpoint(*cpFlag)
		if err != nil {
			return err
		}
		cp = &c
	}
	a, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := enforce.VerifyAudit(ctx, a.Store, cp)
	if err != nil {
		var p *audit.Problem
		if errors.As(err, &p) {
			fmt.Fprintf(stdout, "FAIL after %d good records: %v\n", res.Records, p)
			return errors.New("the audit chain does not verify")
		}
		return err
	}
	fmt.Fprintf(stdout, "OK: %d records verify\ncheckpoint: %s\n", res.Records, res.Head)
	fmt.Fprintf(stdout, "Keep the checkpoint outside the database and pass it back with --checkpoint to catch a truncated tail.\n")
	return nil
}

func policyCheck(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: standing policy check FILE")
	}
	p, err := policy.Load(args[0])
	if err != nil {
		var probs policy.Problems
		if errors.As(err, &probs) {
			for _, pr := range probs {
				fmt.Fprintln(stdout, pr.String())
			}
			return fmt.Errorf("%s: %d problem(s)", filepath.Base(args[0]), len(probs))
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: OK, %d violation types: %v\n", args[0], len(p.Order), p.Order)
	return nil
}

func apikeyCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := flags("apikey create", stderr, &cfg, false)
	name := fs.String("name", "", "who the key is for, e.g. marketplace-backend (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required: say who the key is for")
	}
	a, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	key, err := a.Service.CreateAPIKey(ctx, "cli", *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, key)
	fmt.Fprintln(stderr, "This key is shown once; Standing keeps only its hash.")
	return nil
}

// dataFlag is the flag that points another command at the same data.
func dataFlag(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "--database-url '" + cfg.DatabaseURL + "'"
	}
	return "--data " + cfg.DataDir
}
