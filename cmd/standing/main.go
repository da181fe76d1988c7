// Command standing runs Standing: the service that keeps a marketplace's accounts in good
// standing and handles, on the record, what happens when one is not.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `standing — account standing, enforcement and due process for marketplaces

Usage:
  standing serve                     run the service
  standing demo                      run the service on a fresh demo marketplace
  standing migrate                   create or upgrade the database schema
  standing audit verify [--checkpoint SEQ:HASH]
                                     check the whole audit chain
  standing policy check FILE         explain every mistake in a policy file
  standing apikey create --name NAME print a new API key (only its hash is kept)
  standing export dsa [--since DATE] write every statement of reasons as NDJSON records
                                     for the EU DSA Transparency Database
  standing rules test FILE [--events EVENTS]
                                     compile and cost-check rules; run them on sample events
  standing rules backtest --since DATE [--rules FILE] [--labels CSV]
                                     replay stored events against rules: hits, would-be
                                     measures, precision and recall
  standing bench intake|standing --url URL --key KEY
                                     load a running Standing from outside and report what
                                     it sustained

Every command that touches data takes --data DIR (STANDING_DATA, default ./standing-data)
and --database-url postgres://… (STANDING_DATABASE_URL). Run 'standing COMMAND -h' for more.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "standing:", err)
		os.Exit(1)
	}
}

// run dispatches a command line; it is main without the process around it, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	sub := func() (string, []string) {
		if len(rest) == 0 {
			return "", nil
		}
		return rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr, false)
	case "demo":
		return serve(ctx, rest, stdout, stderr, true)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "audit":
		if s, r := sub(); s == "verify" {
			return auditVerify(ctx, r, stdout, stderr)
		}
		return errors.New("usage: standing audit verify [--checkpoint SEQ:HASH]")
	case "policy":
		if s, r := sub(); s == "check" {
			return policyCheck(r, stdout, stderr)
		}
		return errors.New("usage: standing policy check FILE")
	case "apikey":
		if s, r := sub(); s == "create" {
			return apikeyCreate(ctx, r, stdout, stderr)
		}
		return errors.New("usage: standing apikey create --name NAME")
	case "export":
		if s, r := sub(); s == "dsa" {
			return exportDSA(ctx, r, stdout, stderr)
		}
		return errors.New("usage: standing export dsa [--since YYYY-MM-DD]")
	case "rules":
		switch s, r := sub(); s {
		case "test":
			return rulesTest(ctx, r, stdout, stderr)
		case "backtest":
			return rulesBacktest(ctx, r, stdout, stderr)
		}
		return errors.New("usage: standing rules test FILE | standing rules backtest --since DATE")
	case "bench":
		return bench(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
