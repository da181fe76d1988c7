package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/standing-org/standing/internal/policy"
	"github.com/standing-org/standing/internal/store/storetest"
)

// ---- a real SMTP server that keeps what it receives

type mailbox struct {
	mu   sync.Mutex
	msgs []*mail.Message
	raw  [][]byte
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: b}, nil }

type mailSession struct{ box *mailbox }

func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, m)
	s.box.raw = append(s.box.raw, raw)
	s.box.mu.Unlock()
	return nil
}

// byNotice returns the received mails by notice id, each with its plain-text body.
func (b *mailbox) byNotice(t *testing.T) map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]string{}
	for i, m := range b.msgs {
		id := m.Header.Get("X-Standing-Notice-Id")
		if id == "" || m.Header.Get("Message-Id") == "" {
			t.Fatalf("mail %d lacks the notice id or a Message-ID:\n%s", i, b.raw[i])
		}
		mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/alternative" {
			t.Fatalf("mail %d is %q, want multipart/alternative", i, mt)
		}
		mr := multipart.NewReader(m.Body, params["boundary"])
		var text string
		var sawHTML bool
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("mail %d: %v", i, err)
			}
			body, _ := io.ReadAll(p)
			ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
				body = qpDecode(body)
			}
			switch ct {
			case "text/plain":
				text = string(body)
			case "text/html":
				sawHTML = true
			}
		}
		if text == "" || !sawHTML {
			t.Fatalf("mail %d needs a text and an HTML part", i)
		}
		out[id] = text
	}
	// Bodies are read once; keep them for later calls.
	for i, m := range b.msgs {
		m.Body = bytes.NewReader(b.raw[i][bytes.Index(b.raw[i], []byte("\r\n\r\n"))+4:])
	}
	return out
}

// ---- a real webhook receiver that checks signatures as the Standard Webhooks spec says

type receiver struct {
	mu     sync.Mutex
	secret string
	seen   map[string]bool // webhook-id: a retry of a seen message is dropped
	events []map[string]any
	bad    []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(rc.secret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	sec, err := strconv.ParseInt(ts, 10, 64)
	ok := false
	for _, s := range strings.Fields(sigs) {
		ok = ok || hmac.Equal([]byte(s), []byte(want))
	}
	if !ok || err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		rc.bad = append(rc.bad, fmt.Sprintf("id=%s ts=%s sig=%s", id, ts, sigs))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if !rc.seen[id] {
		rc.seen[id] = true
		var ev map[string]any
		json.Unmarshal(body, &ev)
		rc.events = append(rc.events, ev)
	}
	w.WriteHeader(http.StatusNoContent)
}

// standingChanges lists, in order, the standings an account moved to.
func (rc *receiver) standingChanges(account string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, ev := range rc.events {
		d, _ := ev["data"].(map[string]any)
		if ev["type"] == "standing.changed" && d["account_id"] == account {
			out = append(out, d["to"].(string))
		}
	}
	return out
}

// fastPolicyFile writes the default policy with its durations in seconds.
func fastPolicyFile(t *testing.T) string {
	src := strings.NewReplacer(
		"response_window: 336h", "response_window: 4s",
		"response_window: 168h", "response_window: 4s",
		"notice_period: {business: 720h, private: 720h}", "notice_period: {business: 4s, private: 4s}\n  p2b_exception: test timings",
		"notice_period: {private: 336h}", "notice_period: {private: 4s}",
		"reminders: [72h, 24h]", "reminders: [2s, 1s]",
	).Replace(string(policy.DefaultYAML))
	path := filepath.Join(t.TempDir(), "fast.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type apiClient struct {
	t         *testing.T
	base, key string
}

func (c *apiClient) call(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	code, raw := call(&http.Client{Timeout: 5 * time.Second}, method, c.base+path, c.key, body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return code, m
}

func (c *apiClient) standing(id string) string {
	_, m := c.call("GET", "/api/v1/accounts/"+id+"/standing", "")
	s, _ := m["standing"].(string)
	return s
}

// TestNoticesDeadlinesAndDeliveryEndToEnd walks the story twice on a running server with a
// real SMTP server and a real webhook receiver: a hold nobody answers escalates to a closure
// notice and then to closure, with a kill -9 and restart in the middle; its twin answers in
// time and is reinstated.
func TestNoticesDeadlinesAndDeliveryEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server for several seconds")
	}
	storetest.ForEach(t, func(t *testing.T, engine string) {
		box := &mailbox{}
		smtpSrv := smtp.NewServer(box)
		smtpSrv.Domain = "localhost"
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go smtpSrv.Serve(ln)
		defer smtpSrv.Close()
		rc := &receiver{seen: map[string]bool{}}
		hook := httptest.NewServer(rc)
		defer hook.Close()

		dir, dbURL := storetest.Target(t, engine)
		data := []string{"--data", dir, "--policy", fastPolicyFile(t)}
		if dbURL != "" {
			data = []string{"--database-url", dbURL, "--policy", fastPolicyFile(t)}
		}
		serveArgs := append([]string{"--tick", "100ms", "--smtp-url", "smtp://" + ln.Addr().String() + "?starttls=none",
			"--smtp-from", "trust@marketplace.example"}, data...)
		key := strings.TrimSpace(standingOut(t, append([]string{"apikey", "create", "--name", "ops"}, data...)...))
		srv, base := startServer(t, serveArgs)
		c := &apiClient{t: t, base: base, key: key}

		code, ep := c.call("POST", "/api/v1/webhooks", `{"url":"`+hook.URL+`","events":["*"]}`)
		if code != 201 || !strings.HasPrefix(ep["secret"].(string), "whsec_") {
			t.Fatalf("register webhook: %d %v", code, ep)
		}
		rc.mu.Lock()
		rc.secret = ep["secret"].(string)
		rc.mu.Unlock()

		for _, id := range []string{"fl-silent", "fl-answers"} {
			if code, m := c.call("PUT", "/api/v1/accounts/"+id, `{"type":"private","country":"DE","language":"en","email":"`+id+`@example.org"}`); code != 201 {
				t.Fatalf("put account: %d %v", code, m)
			}
		}
		hold := func(id string) map[string]any {
			code, m := c.call("POST", "/api/v1/accounts/"+id+"/measures", `{"type":"hold","violation":"misleading_profile",
				"reason":"Your profile lists a degree from a university that has no record of it.",
				"evidence":[{"kind":"event","description":"profile_edit: degree added","data":{"field":"education"}}]}`)
			if code != 201 {
				t.Fatalf("hold %s: %d %v", id, code, m)
			}
			return m["applied"].([]any)[0].(map[string]any)
		}
		silent := hold("fl-silent")
		answers := hold("fl-answers")

		// The twin answers at once: its clock stops.
		code, resp := c.call("POST", "/api/v1/accounts/fl-answers/responses", `{"measure_id":"`+answers["id"].(string)+`",
			"text":"The degree was from a partner college; I have removed it until the transcript arrives.","fixed":["Correct the profile"]}`)
		if code != 201 {
			t.Fatalf("respond: %d %v", code, resp)
		}

		// Kill the server without warning between the reminders and the deadline.
		due, _ := time.Parse(time.RFC3339Nano, silent["due_at"].(string))
		time.Sleep(time.Until(due.Add(-1500 * time.Millisecond)))
		srv.Process.Kill()
		srv.Wait()
		srv, base = startServer(t, serveArgs)
		c.base = base

		deadline := time.Now().Add(40 * time.Second)
		for c.standing("fl-silent") != "closed" && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if s := c.standing("fl-silent"); s != "closed" {
			t.Fatalf("the silent holder's account is %s, want closed after hold → closure notice → closure", s)
		}
		if s := c.standing("fl-answers"); s != "on_hold" {
			t.Fatalf("the holder who answered is %s: a response must stop the clock", s)
		}
		code, _ = c.call("POST", "/api/v1/responses/"+resp["id"].(string)+"/accept", `{"reason":"Profile corrected; the transcript is on its way."}`)
		if code != 200 || c.standing("fl-answers") != "good" {
			t.Fatalf("accept: %d, standing %s", code, c.standing("fl-answers"))
		}

		// Never early: the closure came no sooner than the closure notice's end.
		_, ms := c.call("GET", "/api/v1/accounts/fl-silent/measures", "")
		var cpDue, closedAt time.Time
		for _, m := range ms["measures"].([]any) {
			m := m.(map[string]any)
			switch m["type"] {
			case "closure_pending":
				cpDue, _ = time.Parse(time.RFC3339Nano, m["due_at"].(string))
			case "closure":
				closedAt, _ = time.Parse(time.RFC3339Nano, m["starts_at"].(string))
			}
		}
		if cpDue.IsZero() || closedAt.Before(cpDue) {
			t.Fatalf("closure at %s, notice period until %s: never straight to closure, never early", closedAt, cpDue)
		}

		// Every notice reaches the holder's inbox, and is e-mailed.
		waitFor(t, "every notice e-mailed", func() bool {
			_, inbox := c.call("GET", "/api/v1/accounts/fl-silent/inbox", "")
			for _, n := range inbox["notices"].([]any) {
				for _, d := range n.(map[string]any)["deliveries"].([]any) {
					if d.(map[string]any)["status"] != "sent" {
						return false
					}
				}
			}
			return true
		})
		mails := box.byNotice(t)
		_, inbox := c.call("GET", "/api/v1/accounts/fl-silent/inbox", "")
		kinds := map[string]int{}
		for _, n := range inbox["notices"].([]any) {
			n := n.(map[string]any)
			kinds[n["kind"].(string)]++
			text, ok := mails[n["id"].(string)]
			if !ok {
				t.Fatalf("notice %s (%s) was not e-mailed", n["id"], n["kind"])
			}
			if n["kind"] == "measure_applied" && n["measure_id"] == silent["id"] {
				for _, want := range []string{"no record of it", "https://marketplace.example/terms", "appeal"} {
					if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
						t.Fatalf("the hold's e-mail does not say %q:\n%s", want, text)
					}
				}
			}
		}
		if kinds["reminder"] < 2 || kinds["measure_applied"] != 3 {
			t.Fatalf("notices by kind %v; want the hold, closure notice and closure, with reminders", kinds)
		}

		// The marketplace heard every change, signed.
		waitFor(t, "webhooks delivered", func() bool {
			return strings.Join(rc.standingChanges("fl-silent"), " ") == "on_hold closure_pending closed"
		})
		waitFor(t, "the twin's webhooks", func() bool {
			return strings.Join(rc.standingChanges("fl-answers"), " ") == "on_hold good"
		})
		rc.mu.Lock()
		bad := rc.bad
		rc.mu.Unlock()
		if len(bad) > 0 {
			t.Fatalf("webhooks with bad signatures: %v", bad)
		}
		_, metrics := call(&http.Client{Timeout: 5 * time.Second}, "GET", c.base+"/metrics", "", "")
		for _, name := range []string{"standing_deadlines_fired_total", "standing_deliveries_sent_total"} {
			if !regexp.MustCompile(`(?m)^` + name + ` [1-9]`).Match(metrics) {
				t.Fatalf("/metrics should count the background work: %s missing or zero", name)
			}
		}
		if out := standingOut(t, append([]string{"audit", "verify"}, data...)...); !strings.HasPrefix(out, "OK:") {
			t.Fatalf("audit chain: %s", out)
		}
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// qpDecode decodes a quoted-printable body.
func qpDecode(b []byte) []byte {
	out, err := io.ReadAll(newQPReader(b))
	if err != nil {
		return b
	}
	return out
}
