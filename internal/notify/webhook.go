package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Webhooks follow the Standard Webhooks specification (https://www.standardwebhooks.com/):
// each request carries webhook-id, webhook-timestamp (Unix seconds) and webhook-signature,
// "v1," and the base64 HMAC-SHA256 of id + "." + timestamp + "." + body, keyed with the
// base64-decoded part of the endpoint's secret after "whsec_". Any of the specification's
// libraries verifies them.

// Webhook header names.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

const (
	secretPrefix     = "whsec_"
	webhookUserAgent = "Standing-Webhooks/1"
	webhookTimeout   = 10 * time.Second
	// maxErrorBody is how much of a refusing receiver's answer goes into the error.
	maxErrorBody = 512
)

// NewSecret returns a new endpoint secret: "whsec_" and 32 random bytes in base64.
func NewSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b[:]), nil
}

// secretKey decodes a secret to its HMAC key; the "whsec_" prefix may be left off.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, fmt.Errorf("webhook secret: not %s followed by base64: %v", secretPrefix, err)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("webhook secret: empty")
	}
	return key, nil
}

func mac(key []byte, id string, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	h.Write(body)
	return h.Sum(nil)
}

// Sign returns the webhook-signature header value for one request: "v1,<base64 signature>".
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body)), nil
}

// WebhookSender posts signed webhooks.
type WebhookSender struct {
	// Client sends the requests; nil means a client with a 10-second timeout that does not
	// follow redirects (a redirected webhook is an answer to fix, not to follow).
	Client *http.Client
}

var defaultWebhookClient = &http.Client{
	Timeout:       webhookTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Send posts body to url, signed with secret, as message id sent at ts (a retry keeps the id
// and signs with the time of the attempt). It returns the receiver's status; anything but 2xx
// is an error that names the status and quotes up to 512 bytes of the answer.
func (s *WebhookSender) Send(ctx context.Context, endpoint, secret, id string, ts time.Time, body []byte) (int, error) {
	where := safeURL(endpoint)
	sig, err := Sign(secret, id, ts, body)
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %w", where, err)
	}
	client := s.Client
	if client == nil {
		client = defaultWebhookClient
	}
	if client.Timeout == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, webhookTimeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %v", where, redactURLError(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", webhookUserAgent)
	req.Header.Set(HeaderWebhookID, id)
	req.Header.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderWebhookSignature, sig)
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook %s: %v", where, redactURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return resp.StatusCode, nil
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	msg := fmt.Sprintf("webhook %s: receiver answered %s", where, resp.Status)
	if a := strings.TrimSpace(string(answer)); a != "" {
		msg += fmt.Sprintf(": %q", a)
	}
	return resp.StatusCode, errors.New(msg)
}

// safeURL names an endpoint without what may be a credential: user info and query.
func safeURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "(malformed URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
