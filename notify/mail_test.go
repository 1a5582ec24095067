package notify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
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
)

// sink is a real SMTP server (github.com/emersion/go-smtp) run inside the test: STARTTLS with a
// certificate made here, AUTH PLAIN required, every accepted message kept.
type sink struct {
	mu   sync.Mutex
	msgs []sunk
	addr string
	pool *x509.CertPool
}

type sunk struct {
	From string
	To   []string
	Data []byte
}

type sinkSession struct {
	s      *sink
	authed bool
	from   string
	to     []string
}

func (x *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *sinkSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != "foidesk" || pass != "s3cret-pass" {
			return errors.New("invalid credentials")
		}
		x.authed = true
		return nil
	}), nil
}
func (x *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = append(x.to, to); return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, sunk{From: x.from, To: x.to, Data: b})
	x.s.mu.Unlock()
	return nil
}
func (x *sinkSession) Reset()        { x.from, x.to = "", nil }
func (x *sinkSession) Logout() error { return nil }

func (s *sink) received() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.msgs...)
}

func startSink(t *testing.T) *sink {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s := &sink{pool: x509.NewCertPool()}
	s.pool.AddCert(cert)
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) mailer(t *testing.T) *SMTPMailer {
	host, port, _ := net.SplitHostPort(s.addr)
	m, err := NewSMTPMailer(SMTPConfig{Host: host, Port: atoi(port), User: "foidesk", Password: "s3cret-pass", From: "望城区政府信息公开办公室 <gkb@wangcheng.example.cn>",
		TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: s.pool, ServerName: host}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// unreachable is a mailer whose server refuses connections (a port just closed).
func unreachable(t *testing.T) *SMTPMailer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	m, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: addr.Port, From: "gkb@wangcheng.example.cn", TLS: TLSNone, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// parsed is a received e-mail taken apart.
type parsed struct {
	To, Subject, Text, Filename string
	Attachment                  []byte
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var p parsed
	dec := new(mime.WordDecoder)
	p.To = m.Header.Get("To")
	if p.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if mt != "multipart/mixed" {
		b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
		p.Text = string(b)
		return p
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		if err != nil {
			t.Fatal(err)
		}
		if fn := part.FileName(); fn != "" {
			p.Filename, p.Attachment = fn, b
		} else {
			p.Text = string(b)
		}
	}
	return p
}

// E-mail through a real SMTP server: the applicant's registration notice with the receipt
// attached reaches the sink once; an unreachable server leaves it queued with its attempt, next try
// and last error, and it is sent when the retry comes.
func TestEmailDelivery(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-14", 9, 0))
			srv := startSink(t)
			c := e.paper("2026-09-14", "zhangsan@example.cn")
			msgs, err := e.db.CaseMessages(e.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 || msgs[0].Kind != "applicant.register" || msgs[0].DocumentID == 0 || msgs[0].SentAt != nil {
				t.Fatalf("outbox after registration: %+v", msgs)
			}
			id := msgs[0].ID

			// The server is down: the message stays queued, retried after the backoff.
			e.svc.Mailer = unreachable(t)
			d, err := e.svc.Deliver(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			m, _ := e.db.Message(e.ctx, id)
			if d.Failed != 1 || d.Sent != 0 || m.Attempts != 1 || m.SentAt != nil || m.LastError == "" || m.NextTryAt == nil ||
				!m.NextTryAt.Equal(e.clk.Now().Add(time.Minute)) {
				t.Fatalf("after a failed try: %+v, message %+v", d, m)
			}
			failed, _ := e.db.FailedMessages(e.ctx, 10)
			if len(failed) != 1 || failed[0].ID != id {
				t.Fatalf("failures listed: %+v", failed)
			}
			e.svc.Mailer = srv.mailer(t)
			if d, _ := e.svc.Deliver(e.ctx); d.Sent != 0 {
				t.Fatal("sent before the next try was due")
			}
			e.clk.Set(e.clk.Now().Add(61 * time.Second))
			if d, err := e.svc.Deliver(e.ctx); err != nil || d.Sent != 1 {
				t.Fatalf("retry: %+v %v", d, err)
			}
			if d, _ := e.svc.Deliver(e.ctx); d.Sent != 0 {
				t.Fatal("sent twice")
			}
			m, _ = e.db.Message(e.ctx, id)
			if m.SentAt == nil || m.Attempts != 2 || m.LastError != "" {
				t.Errorf("after sending: %+v", m)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("the sink received %d messages", len(got))
			}
			if got[0].From != "gkb@wangcheng.example.cn" || len(got[0].To) != 1 || got[0].To[0] != "zhangsan@example.cn" {
				t.Errorf("envelope: %s → %v", got[0].From, got[0].To)
			}
			p := parse(t, got[0].Data)
			doc, err := e.db.OutboxDocument(e.ctx, msgs[0].DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			if p.To != "<zhangsan@example.cn>" || !strings.Contains(p.Subject, "政府信息公开申请登记回执") || !strings.Contains(p.Subject, c.TrackingNo) {
				t.Errorf("headers: to %q subject %q", p.To, p.Subject)
			}
			for _, want := range []string{"张三：", "申请编号为" + c.TrackingNo, "答复期限截至2026年10月16日", "第三十三条", "《登记回执》（" + doc.Number + "）"} {
				if !strings.Contains(p.Text, want) {
					t.Errorf("body lacks %q:\n%s", want, p.Text)
				}
			}
			if p.Filename != c.TrackingNo+"-receipt.pdf" || !bytes.Equal(p.Attachment, doc.Body) || !bytes.HasPrefix(p.Attachment, []byte("%PDF")) {
				t.Errorf("attachment %q (%d bytes)", p.Filename, len(p.Attachment))
			}
			if failed, _ := e.db.FailedMessages(e.ctx, 10); len(failed) != 0 {
				t.Errorf("still listed as failed: %+v", failed)
			}
		})
	}
}

// After MaxAttempts failed tries an e-mail is given up (no next try) and stays listed for the
// administrator, who may retry it.
func TestEmailGivenUp(t *testing.T) {
	e := newEnv(t, engines(t)[0], at("2026-09-14", 9, 0))
	c := e.paper("2026-09-14", "zhangsan@example.cn")
	e.svc.Mailer = unreachable(t)
	for i := 1; i <= MaxAttempts; i++ {
		if d, err := e.svc.Deliver(e.ctx); err != nil || d.Failed != 1 {
			t.Fatalf("try %d: %+v %v", i, d, err)
		}
		e.clk.Set(e.clk.Now().Add(Backoff(i) + time.Second))
	}
	msgs, _ := e.db.CaseMessages(e.ctx, c.ID)
	m := msgs[0]
	if m.Attempts != MaxAttempts || m.NextTryAt != nil || m.SentAt != nil {
		t.Fatalf("given up: %+v", m)
	}
	if d, _ := e.svc.Deliver(e.ctx); d.Failed != 0 {
		t.Fatal("a given-up message was tried again")
	}
	if err := e.db.RetryMessage(e.ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	e.svc.Mailer = startSink(t).mailer(t)
	if d, _ := e.svc.Deliver(e.ctx); d.Sent != 1 {
		t.Fatalf("retry by the administrator: %+v", d)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	if Backoff(30) != 6*time.Hour {
		t.Errorf("Backoff(30) = %s", Backoff(30))
	}
}

// The e-mail settings come from FOIDESK_SMTP_*.
func TestSMTPConfigFromEnv(t *testing.T) {
	env := map[string]string{"FOIDESK_SMTP_HOST": "smtp.example.cn", "FOIDESK_SMTP_FROM": "gkb@example.cn", "FOIDESK_SMTP_TLS": "tls", "FOIDESK_SMTP_USER": "u"}
	c, err := SMTPConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || c.Port != 465 || c.TLS != TLSImplicit || !c.Enabled() {
		t.Fatalf("%+v %v", c, err)
	}
	env["FOIDESK_SMTP_TLS"] = "ssl"
	if _, err := SMTPConfigFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("accepted TLS mode ssl")
	}
	env["FOIDESK_SMTP_TLS"], env["FOIDESK_SMTP_PORT"] = "none", "2525"
	c, _ = SMTPConfigFromEnv(func(k string) string { return env[k] })
	if c.Port != 2525 {
		t.Errorf("port %d", c.Port)
	}
	if _, err := NewSMTPMailer(c); err == nil {
		t.Error("a password would go unencrypted to a remote host")
	}
	if c, _ := SMTPConfigFromEnv(func(string) string { return "" }); c.Enabled() {
		t.Error("enabled without a host")
	}
}
