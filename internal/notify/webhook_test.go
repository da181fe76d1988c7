package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Standard Webhooks specification's published example.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specBody      = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationsExample(t *testing.T) {
	got, err := Sign(specSecret, specID, time.Unix(specTimestamp, 0), []byte(specBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != specSignature {
		t.Errorf("Sign = %q, want %q", got, specSignature)
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) != 32 {
		t.Errorf("secret %q: want whsec_ and 32 bytes in base64 (%v, %d bytes)", a, err, len(key))
	}
	if a == b {
		t.Error("two secrets are the same")
	}
}

// receiver is a webhook endpoint that checks each request the way the specification tells a
// receiver to, written from the specification.
type receiver struct {
	secret string
	status int
	answer string

	mu   sync.Mutex
	got  []http.Header
	body [][]byte
	errs []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	problem := rc.check(r, body)
	rc.mu.Lock()
	rc.got = append(rc.got, r.Header.Clone())
	rc.body = append(rc.body, body)
	if problem != "" {
		rc.errs = append(rc.errs, problem)
	}
	rc.mu.Unlock()
	if problem != "" {
		http.Error(w, problem, http.StatusUnauthorized)
		return
	}
	if rc.status != 0 {
		w.WriteHeader(rc.status)
		io.WriteString(w, rc.answer)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) check(r *http.Request, body []byte) string {
	switch {
	case r.Method != http.MethodPost:
		return "method " + r.Method
	case r.Header.Get("Content-Type") != "application/json":
		return "content type " + r.Header.Get("Content-Type")
	case r.Header.Get("User-Agent") != "Standing-Webhooks/1":
		return "user agent " + r.Header.Get("User-Agent")
	}
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil {
		return "bad webhook-id or webhook-timestamp"
	}
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return "timestamp too far from now"
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(rc.secret, "whsec_"))
	if err != nil {
		return "bad secret"
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(h.Sum(nil))
	for _, sig := range strings.Split(r.Header.Get("webhook-signature"), " ") {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return ""
		}
	}
	return "no matching signature"
}

func TestWebhookSenderDeliversASignedRequest(t *testing.T) {
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{secret: secret}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	body := []byte(`{"type":"standing.changed","account_id":"fl-1001","data":{"standing":"on_hold"}}`)
	var s WebhookSender
	status, err := s.Send(context.Background(), srv.URL+"/hooks/standing", secret, "evt_0001", time.Now(), body)
	if err != nil || status != http.StatusNoContent {
		t.Fatalf("status %d, err %v", status, err)
	}
	rc.mu.Lock()
	if len(rc.errs) != 0 || len(rc.got) != 1 {
		t.Fatalf("the receiver refused: %v", rc.errs)
	}
	if rc.got[0].Get("webhook-id") != "evt_0001" || string(rc.body[0]) != string(body) {
		t.Errorf("received id %q body %s", rc.got[0].Get("webhook-id"), rc.body[0])
	}
	rc.mu.Unlock()

	// The same receiver refuses a request signed with another secret.
	other, _ := NewSecret()
	status, err = s.Send(context.Background(), srv.URL, other, "evt_0002", time.Now(), body)
	if err == nil || status != http.StatusUnauthorized {
		t.Errorf("wrong secret: status %d, err %v", status, err)
	}
}

func TestWebhookSenderReportsARefusal(t *testing.T) {
	secret, _ := NewSecret()
	rc := &receiver{secret: secret, status: http.StatusInternalServerError, answer: "database on fire" + strings.Repeat(".", 2000)}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	status, err := (&WebhookSender{Client: srv.Client()}).Send(context.Background(), srv.URL+"/hook?token=s3cret", secret, "evt_1", time.Now(), []byte(`{}`))
	if status != http.StatusInternalServerError || err == nil {
		t.Fatalf("status %d, err %v", status, err)
	}
	wantIn(t, "error", err.Error(), "500 Internal Server Error", "database on fire", srv.URL+"/hook")
	wantNotIn(t, "error", err.Error(), "s3cret")
	if len(err.Error()) > 700 {
		t.Errorf("the error quotes %d bytes; at most 512 of the answer belong in it", len(err.Error()))
	}
}

func TestWebhookSenderDoesNotFollowRedirects(t *testing.T) {
	secret, _ := NewSecret()
	srv := httptest.NewServer(http.RedirectHandler("https://elsewhere.example/", http.StatusFound))
	defer srv.Close()
	status, err := new(WebhookSender).Send(context.Background(), srv.URL, secret, "evt_1", time.Now(), []byte(`{}`))
	if status != http.StatusFound || err == nil || !strings.Contains(err.Error(), "302") {
		t.Errorf("status %d, err %v", status, err)
	}
}

func TestWebhookSenderGivesUpOnASlowReceiver(t *testing.T) {
	secret, _ := NewSecret()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := new(WebhookSender).Send(ctx, srv.URL, secret, "evt_1", time.Now(), []byte(`{}`))
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("err %v after %s", err, time.Since(start))
	}
}
