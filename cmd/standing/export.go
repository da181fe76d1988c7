package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/standing-org/standing/internal/config"
	"github.com/standing-org/standing/internal/dsa"
)

func exportDSA(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := flags("export dsa", stderr, &cfg, false)
	sinceFlag := fs.String("since", "", "only statements issued on or after this day (YYYY-MM-DD)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var since time.Time
	if *sinceFlag != "" {
		t, err := time.Parse(time.DateOnly, *sinceFlag)
		if err != nil {
			return fmt.Errorf("--since %q: want a day as YYYY-MM-DD", *sinceFlag)
		}
		since = t
	}
	a, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	w := bufio.NewWriter(stdout)
	enc := dsa.NewEncoder(w)
	n := 0
	err = a.Service.ExportDSA(ctx, since, func(r dsa.Record) error {
		n++
		if n%1000 == 0 {
			fmt.Fprintf(stderr, "\r%d statements…", n)
		}
		return enc.Encode(r)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "\r%d statements of reasons exported\n", n)
	return w.Flush()
}
