package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/standing-org/standing/internal/domain"
)

// mailbox is an SMTP server's backend that keeps what it receives.
type mailbox struct {
	user, pass string // when set, the server asks for AUTH PLAIN
	refuse     string // a recipient the server refuses with 550

	mu   sync.Mutex
	got  []envelope
	auth []string // the users that logged in
}

type envelope struct {
	from string
	to   []string
	data []byte
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: b}, nil }

func (b *mailbox) messages() []envelope {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]envelope(nil), b.got...)
}

type session struct {
	box    *mailbox
	authed bool
	env    envelope
}

func (s *session) AuthMechanisms() []string {
	if s.box.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.box.user || pass != s.box.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		s.box.mu.Lock()
		s.box.auth = append(s.box.auth, user)
		s.box.mu.Unlock()
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.box.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.env.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.box.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	}
	s.env.to = append(s.env.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.env.data = b
	s.box.mu.Lock()
	s.box.got = append(s.box.got, s.env)
	s.box.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.env = envelope{} }
func (s *session) Logout() error { return nil }

// startSMTP runs a real SMTP server for box on a free local port and returns its address.
func startSMTP(t *testing.T, box *mailbox) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(box)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

func mustMailer(t *testing.T, url string) *Mailer {
	t.Helper()
	m, err := NewMailer(url, "Acme Market Trust & Safety <trust@acme.example>")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// parsed is an e-mail read back with the standard library.
type parsed struct {
	header     mail.Header
	subject    string
	text, html string
}

func parseMail(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the server got no valid e-mail: %v\n%s", err, data)
	}
	p := parsed{header: msg.Header}
	p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, part)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		pt, pp, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if !strings.EqualFold(pp["charset"], "utf-8") {
			t.Errorf("part %s has charset %q, want UTF-8", pt, pp["charset"])
		}
		switch pt {
		case "text/plain":
			p.text = string(b)
		case "text/html":
			p.html = string(b)
		default:
			t.Errorf("unexpected part %s", pt)
		}
	}
	if p.text == "" || p.html == "" {
		t.Fatalf("want a text/plain and a text/html part; text %d bytes, html %d bytes", len(p.text), len(p.html))
	}
	return p
}

func TestMailerSendsTheNotice(t *testing.T) {
	box := &mailbox{}
	addr := startSMTP(t, box)
	d := applied(t, account("en"), domain.Hold, facts)
	msg := mustRender(t, DefaultTemplates(), d)

	id, err := mustMailer(t, "smtp://"+addr+"?starttls=none").Send(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}
	got := box.messages()
	if len(got) != 1 {
		t.Fatalf("the server got %d messages, want 1", len(got))
	}
	if got[0].from != "trust@acme.example" || len(got[0].to) != 1 || got[0].to[0] != "jane@example.com" {
		t.Errorf("envelope from %q to %q", got[0].from, got[0].to)
	}
	p := parseMail(t, got[0].data)
	if mid := p.header.Get("Message-ID"); mid == "" || mid != id || !strings.HasSuffix(mid, "@acme.example>") {
		t.Errorf("Message-ID %q, Send returned %q", mid, id)
	}
	if nid := p.header.Get("X-Standing-Notice-Id"); nid != d.Notice.ID {
		t.Errorf("X-Standing-Notice-Id %q, want %q", nid, d.Notice.ID)
	}
	if to := p.header.Get("To"); !strings.Contains(to, "jane@example.com") {
		t.Errorf("To %q", to)
	}
	if from, err := p.header.AddressList("From"); err != nil || from[0].Name != "Acme Market Trust & Safety" {
		t.Errorf("From %v (%v)", from, err)
	}
	wantIn(t, "subject", p.subject, "on hold", "19 May 2026")
	for part, s := range map[string]string{"text": p.text, "html": p.html} {
		wantIn(t, part, s, facts, "Tuesday 19 May 2026 at 09:30 UTC", "https://marketplace.example/terms#4-1", d.Notice.ID)
	}
	if strings.ReplaceAll(p.text, "\r\n", "\n") != msg.Text { // e-mail lines end in CRLF
		t.Errorf("the text part arrived changed:\n%q\n%q", p.text, msg.Text)
	}
}

func TestMailerSendsTheGermanNoticeToAGermanAccount(t *testing.T) {
	box := &mailbox{}
	addr := startSMTP(t, box)
	d := applied(t, account("de"), domain.Hold, "Ihre Auszahlungsdaten wurden innerhalb von 40 Minuten dreimal geändert.")
	msg := mustRender(t, DefaultTemplates(), d)
	if _, err := mustMailer(t, "smtp://"+addr+"?starttls=none").Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := box.messages()
	if len(got) != 1 {
		t.Fatalf("the server got %d messages, want 1", len(got))
	}
	p := parseMail(t, got[0].data)
	if got[0].to[0] != "joerg@example.de" {
		t.Errorf("sent to %q", got[0].to)
	}
	if lang := p.header.Get("Content-Language"); lang != "de" {
		t.Errorf("Content-Language %q", lang)
	}
	wantIn(t, "subject", p.subject, "Ihr Konto ist vorläufig gesperrt – bitte antworten Sie bis zum 19. Mai 2026")
	for part, s := range map[string]string{"text": p.text, "html": p.html} {
		wantIn(t, part, s, "Guten Tag Jörg Müller", "dreimal geändert", "Dienstag, 19. Mai 2026, 09:30 Uhr (UTC)",
			"https://marketplace.example/terms#4-1", "Auszahlungen erhalten", d.Notice.ID)
	}
}

func mailError(t *testing.T, err error, step MailStep) *MailError {
	t.Helper()
	var me *MailError
	if !errors.As(err, &me) {
		t.Fatalf("got %v (%T), want a *MailError", err, err)
	}
	if me.Step != step {
		t.Errorf("step %q, want %q: %v", me.Step, step, err)
	}
	return me
}

func TestMailerFailsFastOnAnUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now

	msg := mustRender(t, DefaultTemplates(), applied(t, account("en"), domain.Hold, facts))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err = mustMailer(t, "smtp://"+addr+"?starttls=none").Send(ctx, msg)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s to give up on a closed port", took)
	}
	me := mailError(t, err, StepConnect)
	if !me.Temporary {
		t.Error("a connection failure should be worth retrying")
	}
	wantIn(t, "error", err.Error(), "cannot connect to SMTP server "+addr, "refused")
}

func TestMailerRespectsTheContextOnASilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accepts, then never says a word
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	msg := mustRender(t, DefaultTemplates(), applied(t, account("en"), domain.Hold, facts))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = mustMailer(t, "smtp://"+l.Addr().String()+"?starttls=none").Send(ctx, msg)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s; the context allowed 300ms", took)
	}
	mailError(t, err, StepConnect)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q should name the context's deadline", err)
	}
}

func TestMailerLogsIn(t *testing.T) {
	box := &mailbox{user: "standing", pass: "p@ss/word"}
	addr := startSMTP(t, box)
	msg := mustRender(t, DefaultTemplates(), applied(t, account("en"), domain.Hold, facts))

	// The password's reserved characters are percent-encoded in the URL.
	if _, err := mustMailer(t, "smtp://standing:p%40ss%2Fword@"+addr+"?starttls=none").Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	logins := append([]string(nil), box.auth...)
	box.mu.Unlock()
	if len(box.messages()) != 1 || len(logins) != 1 {
		t.Fatalf("messages %d, logins %v", len(box.messages()), logins)
	}

	_, err := mustMailer(t, "smtp://standing:wrong@"+addr+"?starttls=none").Send(context.Background(), msg)
	mailError(t, err, StepAuth)
	wantIn(t, "error", err.Error(), "refused to log in user \"standing\"", "535")
	wantNotIn(t, "error", err.Error(), "wrong")

	// With a user, STARTTLS is mandatory unless the URL says otherwise: this server has none.
	_, err = mustMailer(t, "smtp://standing:p%40ss%2Fword@"+addr).Send(context.Background(), msg)
	mailError(t, err, StepConnect)
	wantIn(t, "error", err.Error(), "STARTTLS")
	if len(box.messages()) != 1 {
		t.Error("a failed send delivered a message")
	}
}

func TestMailerNamesARefusedRecipient(t *testing.T) {
	box := &mailbox{refuse: "jane@example.com"}
	addr := startSMTP(t, box)
	msg := mustRender(t, DefaultTemplates(), applied(t, account("en"), domain.Hold, facts))
	_, err := mustMailer(t, "smtp://"+addr+"?starttls=none").Send(context.Background(), msg)
	me := mailError(t, err, StepRecipient)
	if me.Temporary {
		t.Error("a 550 refusal is not temporary")
	}
	wantIn(t, "error", err.Error(), "refused the recipient jane@example.com", "550")

	msg.To = ""
	_, err = mustMailer(t, "smtp://"+addr+"?starttls=none").Send(context.Background(), msg)
	mailError(t, err, StepRecipient)
	wantIn(t, "error", err.Error(), "no e-mail address")

	msg.To = "not an address"
	_, err = mustMailer(t, "smtp://"+addr+"?starttls=none").Send(context.Background(), msg)
	mailError(t, err, StepRecipient)
}

func TestNewMailerReadsTheURL(t *testing.T) {
	good := []struct {
		url        string
		addr       string
		implicit   bool
		user, pass string
	}{
		{"smtp://mail.example", "mail.example:587", false, "", ""},
		{"smtp://mail.example:25?starttls=none", "mail.example:25", false, "", ""},
		{"smtps://u:p%3Aq@mail.example", "mail.example:465", true, "u", "p:q"},
		{"smtp://u:p@[::1]:2525?starttls=opportunistic", "[::1]:2525", false, "u", "p"},
	}
	for _, c := range good {
		m, err := NewMailer(c.url, "trust@acme.example")
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if m.addr() != c.addr || m.implicitTLS != c.implicit || m.user != c.user || m.pass != c.pass {
			t.Errorf("%s: addr %s tls %v user %q pass %q", c.url, m.addr(), m.implicitTLS, m.user, m.pass)
		}
	}
	bad := []struct{ url, from, want string }{
		{"http://mail.example", "a@b.example", "scheme must be smtp or smtps"},
		{"smtp://", "a@b.example", "no host"},
		{"smtp://mail.example:0", "a@b.example", "port must be 1 to 65535"},
		{"smtp://mail.example?starttls=always", "a@b.example", "starttls must be none, opportunistic or mandatory"},
		{"smtps://mail.example?starttls=none", "a@b.example", "starttls does not apply to smtps://"},
		{"smtp://mail.example?tls=1", "a@b.example", `unknown parameter "tls"`},
		{"smtp://u:hunter2@mail.example:bad", "a@b.example", "smtp url"},
		{"smtp://mail.example", "not an address", "mail from address"},
	}
	for _, c := range bad {
		_, err := NewMailer(c.url, c.from)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewMailer(%q, %q) = %v, want an error about %q", c.url, c.from, err, c.want)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
