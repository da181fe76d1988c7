package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// NoticeIDHeader carries the notice id in every e-mail, so that bounces and replies can be
// matched to the notice.
const NoticeIDHeader = "X-Standing-Notice-Id"

const (
	// dialTimeout bounds the TCP connect: an unreachable server fails fast.
	dialTimeout = 5 * time.Second
	// commandTimeout bounds each SMTP command once connected.
	commandTimeout = 30 * time.Second
)

// Mailer sends notices over SMTP, one connection per message.
type Mailer struct {
	host        string
	port        int
	implicitTLS bool // smtps: TLS from the first byte
	starttls    gomail.TLSPolicy
	user, pass  string
	from        *mail.Address
}

// NewMailer reads the SMTP server's URL (STANDING_SMTP_URL) and the From address.
//
//	smtp://[user:pass@]host[:port][?starttls=none|opportunistic|mandatory]
//	smtps://[user:pass@]host[:port]
//
// smtp:// talks plain SMTP and upgrades it with STARTTLS; its port defaults to 587. starttls
// defaults to mandatory when a user is given (a password is never sent in the clear) and to
// opportunistic otherwise; none never upgrades, for a relay on localhost. smtps:// speaks TLS
// from the first byte (port 465 by default). User and password are percent-encoded where they
// hold reserved characters. With a user, the server must offer SCRAM-SHA-256, PLAIN, LOGIN or
// CRAM-MD5; PLAIN and LOGIN only over TLS or to localhost.
func NewMailer(smtpURL, from string) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %v", redactURLError(err))
	}
	m := &Mailer{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		m.port = 587
	case "smtps":
		m.port, m.implicitTLS = 465, true
	default:
		return nil, fmt.Errorf("smtp url: scheme must be smtp or smtps, got %q", u.Scheme)
	}
	if m.host == "" {
		return nil, fmt.Errorf("smtp url: no host (want smtp://[user:pass@]host[:port])")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("smtp url: port must be 1 to 65535, got %q", p)
		}
		m.port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("smtp url: unexpected path %q", u.Path)
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.pass, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "starttls" {
			return nil, fmt.Errorf("smtp url: unknown parameter %q (known: starttls)", k)
		}
	}
	m.starttls = gomail.TLSOpportunistic
	if m.user != "" {
		m.starttls = gomail.TLSMandatory
	}
	if q.Has("starttls") {
		if m.implicitTLS {
			return nil, fmt.Errorf("smtp url: starttls does not apply to smtps://, which is TLS from the start")
		}
		switch v := q.Get("starttls"); v {
		case "none":
			m.starttls = gomail.NoTLS
		case "opportunistic":
			m.starttls = gomail.TLSOpportunistic
		case "mandatory":
			m.starttls = gomail.TLSMandatory
		default:
			return nil, fmt.Errorf("smtp url: starttls must be none, opportunistic or mandatory, got %q", v)
		}
	}
	m.from, err = mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail from address %q: %v", from, err)
	}
	return m, nil
}

// redactURLError keeps a password in a malformed URL out of the message.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (m *Mailer) addr() string { return net.JoinHostPort(m.host, strconv.Itoa(m.port)) }

// MailStep is where sending an e-mail failed.
type MailStep string

const (
	StepConnect   MailStep = "connect"   // the server could not be reached, greeted or upgraded to TLS
	StepAuth      MailStep = "auth"      // the server refused the login, or offered no usable mechanism
	StepSender    MailStep = "sender"    // the server refused the From address
	StepRecipient MailStep = "recipient" // the server refused the recipient, or the address is malformed
	StepMessage   MailStep = "message"   // the server refused the message itself
)

// MailError is a failed send: the step that failed, and whether trying again later may help.
type MailError struct {
	Step MailStep
	// Temporary is true for connection trouble and SMTP 4xx replies; a 5xx recipient refusal
	// will not change by retrying.
	Temporary bool
	msg       string
	Err       error
}

func (e *MailError) Error() string { return e.msg }
func (e *MailError) Unwrap() error { return e.Err }

func (m *Mailer) fail(step MailStep, temporary bool, err error, format string, args ...any) *MailError {
	return &MailError{Step: step, Temporary: temporary, Err: err,
		msg: "e-mail: " + fmt.Sprintf(format, args...) + ": " + err.Error()}
}

// Send delivers msg as multipart/alternative (plain text and HTML) with a fresh Message-ID,
// which it returns, and the notice id in the X-Standing-Notice-Id header. A failure is a
// *MailError that names the step that failed. ctx bounds the whole exchange.
func (m *Mailer) Send(ctx context.Context, msg Message) (string, error) {
	if strings.TrimSpace(msg.To) == "" {
		return "", &MailError{Step: StepRecipient, msg: fmt.Sprintf("e-mail: notice %s: the account has no e-mail address", msg.NoticeID)}
	}
	em := gomail.NewMsg()
	em.FromMailAddress(m.from)
	if err := em.To(msg.To); err != nil {
		return "", m.fail(StepRecipient, false, err, "notice %s: recipient address %q", msg.NoticeID, msg.To)
	}
	em.Subject(msg.Subject)
	id, err := newMessageID(m.from.Address)
	if err != nil {
		return "", err
	}
	em.SetMessageIDWithValue(id)
	em.SetDate()
	em.SetGenHeader(NoticeIDHeader, msg.NoticeID)
	em.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no out-of-office replies
	if msg.Language != "" {
		em.SetGenHeader("Content-Language", msg.Language)
	}
	em.SetBodyString(gomail.TypeTextPlain, msg.Text)
	em.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)

	// The dial records its outcome and the connection: go-mail leaves a connection open when
	// the greeting or login fails, and ctx must bound the exchange after the dial too.
	var (
		mu      sync.Mutex
		dialErr error
		conn    net.Conn
	)
	auth := &recordingAuth{user: m.user, pass: m.pass, host: m.host}
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		d := net.Dialer{Timeout: dialTimeout}
		c, err := d.DialContext(ctx, network, address)
		if err == nil && m.implicitTLS {
			tc := tls.Client(c, m.tlsConfig())
			if err = tc.HandshakeContext(ctx); err != nil {
				c.Close()
			}
			c = tc
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			dialErr = err
			return nil, err
		}
		conn = c
		return c, nil
	}
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if conn != nil {
			conn.Close()
		}
	})
	defer func() {
		stop()
		mu.Lock()
		defer mu.Unlock()
		if conn != nil {
			conn.Close()
		}
	}()
	opts := []gomail.Option{
		gomail.WithPort(m.port), gomail.WithTimeout(commandTimeout), gomail.WithDialContextFunc(dial),
		gomail.WithTLSPolicy(m.starttls), gomail.WithTLSConfig(m.tlsConfig()),
	}
	if m.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if m.user != "" {
		opts = append(opts, gomail.WithSMTPAuthCustom(auth))
	}
	c, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return "", fmt.Errorf("e-mail: smtp client for %s: %w", m.addr(), err)
	}

	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		mu.Lock()
		dialed := dialErr == nil
		mu.Unlock()
		err = withContext(ctx, err)
		switch {
		case !dialed:
			return "", m.fail(StepConnect, true, err, "cannot connect to SMTP server %s", m.addr())
		case auth.started():
			return "", m.fail(StepAuth, isTemporary(err), err, "SMTP server %s refused to log in user %q", m.addr(), m.user)
		default:
			return "", m.fail(StepConnect, true, err, "SMTP server %s did not complete the greeting or the TLS upgrade", m.addr())
		}
	}
	defer c.CloseWithSMTPClient(sc)

	if err := c.SendWithSMTPClient(sc, em); err != nil {
		err = withContext(ctx, err)
		var se *gomail.SendError
		if !errors.As(err, &se) {
			return "", m.fail(StepConnect, true, err, "SMTP server %s", m.addr())
		}
		temp := se.IsTemp() || ctx.Err() != nil
		switch se.Reason {
		case gomail.ErrSMTPMailFrom, gomail.ErrGetSender:
			return "", m.fail(StepSender, temp, err, "SMTP server %s refused the sender %s", m.addr(), m.from.Address)
		case gomail.ErrSMTPRcptTo, gomail.ErrGetRcpts:
			return "", m.fail(StepRecipient, temp, err, "SMTP server %s refused the recipient %s", m.addr(), msg.To)
		case gomail.ErrConnCheck:
			return "", m.fail(StepConnect, true, err, "SMTP server %s: connection lost", m.addr())
		default:
			return "", m.fail(StepMessage, temp, err, "SMTP server %s refused notice %s", m.addr(), msg.NoticeID)
		}
	}
	return "<" + id + ">", nil
}

func (m *Mailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
}

// withContext names the context's end as the cause when it closed the connection.
func withContext(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// isTemporary reports an SMTP 4xx reply.
func isTemporary(err error) bool {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 400 && te.Code < 500
	}
	return false
}

// newMessageID returns a random Message-ID (without the angle brackets) on the From domain.
func newMessageID(from string) (string, error) {
	domain := "standing.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("e-mail: message id: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])) + "@" + domain, nil
}

// recordingAuth picks the best mechanism the server offers and records that the login began,
// so that a failure is reported as the login's and not the connection's.
type recordingAuth struct {
	user, pass, host string
	mu               sync.Mutex
	began            bool
	inner            smtp.Auth
}

func (a *recordingAuth) started() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.began
}

func (a *recordingAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	a.mu.Lock()
	a.began = true
	a.mu.Unlock()
	offers := func(mech string) bool { return slices.Contains(server.Auth, mech) }
	switch {
	case offers("SCRAM-SHA-256"):
		a.inner = smtp.ScramSHA256Auth(a.user, a.pass)
	case offers("PLAIN"):
		a.inner = smtp.PlainAuth("", a.user, a.pass, a.host, false)
	case offers("LOGIN"):
		a.inner = smtp.LoginAuth(a.user, a.pass, a.host, false)
	case offers("CRAM-MD5"):
		a.inner = smtp.CRAMMD5Auth(a.user, a.pass)
	case len(server.Auth) == 0:
		return "", nil, errors.New("the server offers no login (no AUTH in its EHLO reply; with starttls=none or opportunistic, it may offer one only after STARTTLS)")
	default:
		return "", nil, fmt.Errorf("the server offers no login mechanism this client speaks (it offers %s)", strings.Join(server.Auth, " "))
	}
	proto, resp, err := a.inner.Start(server)
	if errors.Is(err, smtp.ErrUnencrypted) {
		err = fmt.Errorf("the server offers %s only over an unencrypted connection, which would expose the password: use smtps:// or starttls=mandatory", strings.Join(server.Auth, " "))
	}
	return proto, resp, err
}

func (a *recordingAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.inner.Next(fromServer, more)
}
