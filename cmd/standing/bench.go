package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standing-org/standing/internal/demo"
)

// bench puts load on a running Standing from outside its process and reports what it
// sustained: `standing bench intake` posts batches of demo-traffic events, `standing bench
// standing` reads accounts' standings.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "intake" && args[0] != "standing") {
		return errors.New("usage: standing bench intake|standing --url URL --key KEY [--duration 10s] [--clients 32]")
	}
	kind := args[0]
	fs := flag.NewFlagSet("standing bench "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "the running Standing")
	key := fs.String("key", "", "an API key (standing apikey create --name bench)")
	duration := fs.Duration("duration", 10*time.Second, "how long to load it")
	clients := fs.Int("clients", 32, "concurrent clients")
	batch := fs.Int("batch", 100, "events a request (intake)")
	accounts := fs.String("accounts", "fl-1104,fl-1095,ag-3009,fl-1089,ag-3001", "comma-separated account ids to read (standing)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *key == "" {
		return errors.New("--key is required: create one with `standing apikey create --name bench`")
	}
	if *clients < 1 || *batch < 1 || *duration <= 0 {
		return errors.New("--clients, --batch and --duration must be positive")
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}, Timeout: 30 * time.Second}
	var request func(i int) (*http.Request, int)
	switch kind {
	case "intake":
		traffic := demo.NewTraffic(uint64(time.Now().UnixNano()), 5000, time.Now().Add(-time.Hour))
		var mu sync.Mutex
		request = func(int) (*http.Request, int) {
			mu.Lock()
			evs := traffic.Next(*batch)
			mu.Unlock()
			body, _ := json.Marshal(evs)
			req, _ := http.NewRequest("POST", *url+"/api/v1/events", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return req, len(evs)
		}
	case "standing":
		ids := strings.Split(*accounts, ",")
		request = func(i int) (*http.Request, int) {
			req, _ := http.NewRequest("GET", *url+"/api/v1/accounts/"+ids[i%len(ids)]+"/standing", nil)
			return req, 1
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	var done, failed atomic.Int64
	var lastFailure atomic.Value // the latest failure's status or error, to explain a failed run
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := c; ctx.Err() == nil; i += *clients {
				req, n := request(i)
				req.Header.Set("Authorization", "Bearer "+*key)
				t0 := time.Now()
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						lastFailure.Store(err.Error())
					}
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
					lastFailure.Store(res.Status)
					continue
				}
				mine = append(mine, time.Since(t0))
				done.Add(int64(n))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			fmt.Fprintf(stderr, "\r%5.0fs  %d done  %.0f/s  %d failed", time.Since(start).Seconds(), done.Load(),
				float64(done.Load())/time.Since(start).Seconds(), failed.Load())
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Fprintln(stderr)
	if len(lat) == 0 {
		return fmt.Errorf("no request succeeded (%d failed, the last with %v): is Standing running at %s, the key right and the accounts there?",
			failed.Load(), lastFailure.Load(), *url)
	}
	slices.Sort(lat)
	unit := "events"
	if kind == "standing" {
		unit = "reads"
	}
	fmt.Fprintf(stdout, "%s: %d %s in %s from %d clients: %.0f %s/s; answer p50 %s, p99 %s, max %s; %d requests failed\n",
		kind, done.Load(), unit, elapsed.Round(time.Millisecond), *clients, float64(done.Load())/elapsed.Seconds(), unit,
		lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond), failed.Load())
	return nil
}
