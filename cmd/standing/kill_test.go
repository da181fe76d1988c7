package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/store/sqlstore"
	"github.com/standing-org/standing/internal/store/storetest"
)

// TestMain lets the test binary stand in for the standing binary, so that tests can start
// and kill real server processes without building anything.
func TestMain(m *testing.M) {
	if os.Getenv("STANDING_TEST_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// standing runs the standing command line in a child process.
func standing(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STANDING_TEST_AS_MAIN=1")
	return cmd
}

func standingOut(t *testing.T, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := standing(t, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("standing %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// startServer starts `standing serve` and returns its base URL once it listens.
func startServer(t *testing.T, data []string) (*exec.Cmd, string) {
	t.Helper()
	cmd := standing(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, data...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("server said %q", line)
	}
	go io.Copy(io.Discard, stdout)
	return cmd, strings.Fields(line[i:])[0]
}

// TestAcknowledgedSurvivesKill: every change the API acknowledged is there after kill -9 and
// a restart, and the audit chain still verifies.
func TestAcknowledgedSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	storetest.ForEach(t, func(t *testing.T, engine string) {
		dir, dbURL := storetest.Target(t, engine)
		data := []string{"--data", dir}
		if dbURL != "" {
			data = []string{"--database-url", dbURL}
		}
		key := strings.TrimSpace(standingOut(t, append([]string{"apikey", "create", "--name", "load"}, data...)...))
		srv, base := startServer(t, data)

		var mu sync.Mutex
		accounts := map[string]bool{}
		measures := map[string]string{} // measure id → account
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ctx.Err() == nil; i++ {
					id := fmt.Sprintf("fl-%d-%d", w, i)
					body := `{"type":"private","country":"PL","language":"pl"}`
					if code, _ := call(client, "PUT", base+"/api/v1/accounts/"+id, key, body); code != 201 {
						continue
					}
					mu.Lock()
					accounts[id] = true
					mu.Unlock()
					code, res := call(client, "POST", base+"/api/v1/accounts/"+id+"/measures", key,
						`{"type":"warning","violation":"off_platform_payment","reason":"Asked a client to pay by bank transfer"}`)
					if code == 201 {
						var r struct{ Applied []struct{ ID string } }
						json.Unmarshal(res, &r)
						mu.Lock()
						measures[r.Applied[0].ID] = id
						mu.Unlock()
					}
				}
			}()
		}
		events := map[string]bool{} // acknowledged event ids
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ctx.Err() == nil; i++ {
					var b strings.Builder
					ids := make([]string, 50)
					b.WriteString("[")
					for j := range ids {
						ids[j] = fmt.Sprintf("ev-%d-%d-%d", w, i, j)
						if j > 0 {
							b.WriteString(",")
						}
						fmt.Fprintf(&b, `{"id":%q,"source":"load","type":"login","time":"2026-11-28T09:00:00Z","subject":"fl-%d","data":{"country":"PL"}}`, ids[j], j)
					}
					b.WriteString("]")
					if code, _ := call(client, "POST", base+"/api/v1/events", key, b.String()); code == 200 {
						mu.Lock()
						for _, id := range ids {
							events[id] = true
						}
						mu.Unlock()
					}
				}
			}()
		}
		// Let load build up, then kill the server without warning.
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			n := len(measures)
			mu.Unlock()
			if n >= 150 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := srv.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		srv.Wait()
		stop()
		wg.Wait()
		if len(measures) == 0 {
			t.Fatal("no change was acknowledged before the kill")
		}

		_, base = startServer(t, data)
		client := &http.Client{Timeout: 5 * time.Second}
		for id := range accounts {
			if code, res := call(client, "GET", base+"/api/v1/accounts/"+id, key, ""); code != 200 {
				t.Fatalf("acknowledged account %s lost after kill -9: %d %s", id, code, res)
			}
		}
		for mid, id := range measures {
			code, res := call(client, "GET", base+"/api/v1/accounts/"+id+"/measures", key, "")
			if code != 200 || !bytes.Contains(res, []byte(mid)) {
				t.Fatalf("acknowledged measure %s of %s lost after kill -9: %d %s", mid, id, code, res)
			}
		}
		st, err := sqlstore.Open(context.Background(), dir, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]bool{}
		err = st.Activity(context.Background(), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), func(e *domain.ActivityEvent) error {
			stored[e.ID] = true
			return nil
		})
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		for id := range events {
			if !stored[id] {
				t.Fatalf("acknowledged event %s lost after kill -9", id)
			}
		}
		if len(events) == 0 {
			t.Fatal("no event batch was acknowledged before the kill")
		}
		out := standingOut(t, append([]string{"audit", "verify"}, data...)...)
		if !strings.HasPrefix(out, "OK:") {
			t.Fatalf("audit chain after kill -9: %s", out)
		}
		t.Logf("%d accounts, %d measures and %d events acknowledged before kill -9, all present after restart; %s",
			len(accounts), len(measures), len(events), strings.SplitN(out, "\n", 2)[0])
	})
}

func call(c *http.Client, method, url, key, body string) (int, []byte) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}
