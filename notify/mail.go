package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one e-mail to send.
type Mail struct {
	To         []string
	Subject    string
	Body       string // plain text
	Attachment *Attachment
	MessageID  string // stable per outbox message, so a receiver can drop a duplicate
	Date       time.Time
}

// Attachment is a file attached to a mail.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Mailer sends e-mail.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// TLS modes of the SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption (a relay on the same host or network)
)

// SMTPConfig is the outgoing mail server (FOIDESK_SMTP_* settings).
type SMTPConfig struct {
	Host     string // empty: e-mail is not configured; messages stay queued
	Port     int
	User     string // empty: no authentication
	Password string
	From     string // the sender, "name <address>" or an address
	TLS      string // starttls (default), tls or none
	// HelloName is the name given in EHLO (default: the host name of this machine).
	HelloName string
	// TLSConfig overrides the TLS settings (tests trust their own certificate with it).
	TLSConfig *tls.Config
	Timeout   time.Duration // dial and command timeout (default 30 s)
}

// SMTPConfigFromEnv reads FOIDESK_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM and _TLS
// (starttls|tls|none). getenv is os.Getenv in production.
func SMTPConfigFromEnv(getenv func(string) string) (SMTPConfig, error) {
	c := SMTPConfig{Host: strings.TrimSpace(getenv("FOIDESK_SMTP_HOST")), User: getenv("FOIDESK_SMTP_USER"), Password: getenv("FOIDESK_SMTP_PASSWORD"),
		From: strings.TrimSpace(getenv("FOIDESK_SMTP_FROM")), TLS: strings.ToLower(strings.TrimSpace(getenv("FOIDESK_SMTP_TLS")))}
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	switch c.TLS {
	case TLSStartTLS:
		c.Port = 587
	case TLSImplicit:
		c.Port = 465
	case TLSNone:
		c.Port = 25
	default:
		return c, fmt.Errorf("FOIDESK_SMTP_TLS must be starttls, tls or none, not %q", c.TLS)
	}
	if p := strings.TrimSpace(getenv("FOIDESK_SMTP_PORT")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return c, fmt.Errorf("FOIDESK_SMTP_PORT %q is not a port", p)
		}
		c.Port = n
	}
	if c.Host != "" {
		if c.From == "" {
			return c, fmt.Errorf("FOIDESK_SMTP_FROM is required when FOIDESK_SMTP_HOST is set")
		}
		if _, err := mail.ParseAddress(c.From); err != nil {
			return c, fmt.Errorf("FOIDESK_SMTP_FROM %q: %v", c.From, err)
		}
	}
	return c, nil
}

// Enabled reports whether a mail server is configured.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// SMTPMailer sends each mail over its own SMTP connection (github.com/emersion/go-smtp).
type SMTPMailer struct{ Config SMTPConfig }

// NewSMTPMailer checks the configuration and returns the mailer.
func NewSMTPMailer(c SMTPConfig) (*SMTPMailer, error) {
	if _, err := mail.ParseAddress(c.From); err != nil {
		return nil, fmt.Errorf("smtp sender %q: %v", c.From, err)
	}
	if c.User != "" && c.TLS == TLSNone && !isLoopback(c.Host) {
		return nil, fmt.Errorf("refusing to send the SMTP password unencrypted to %s: use FOIDESK_SMTP_TLS=starttls or tls", c.Host)
	}
	return &SMTPMailer{Config: c}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m: connect (TLS as configured), authenticate, MAIL, RCPT for every recipient,
// DATA, QUIT. A refused recipient or message is an error.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) error {
	c := s.Config
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return err
	}
	msg, err := BuildMessage(from, m)
	if err != nil {
		return err
	}
	tlsConf := c.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	d := &net.Dialer{Timeout: timeout}
	var client *smtp.Client
	switch c.TLS {
	case TLSImplicit:
		conn, err := (&tls.Dialer{NetDialer: d, Config: tlsConf}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		client = smtp.NewClient(conn)
	default:
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		if dl, ok := ctx.Deadline(); ok {
			conn.SetDeadline(dl)
		}
		if c.TLS == TLSNone {
			client = smtp.NewClient(conn)
		} else if client, err = smtp.NewClientStartTLS(conn, tlsConf); err != nil {
			conn.Close()
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	defer client.Close()
	client.CommandTimeout = timeout
	client.SubmissionTimeout = 2 * timeout
	if err := client.Hello(helloName(c)); err != nil {
		return err
	}
	if c.User != "" {
		if err := client.Auth(sasl.NewPlainClient("", c.User, c.Password)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := client.SendMail(from.Address, m.To, bytes.NewReader(msg)); err != nil {
		return err
	}
	return client.Quit()
}

func helloName(c SMTPConfig) string {
	if c.HelloName != "" {
		return c.HelloName
	}
	return "localhost"
}

// BuildMessage writes m as an RFC 5322 message: UTF-8 headers encoded (RFC 2047), a base64
// text/plain part and, when there is one, the attachment (RFC 2231 file name).
func BuildMessage(from *mail.Address, m Mail) ([]byte, error) {
	var b bytes.Buffer
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	id := m.MessageID
	if id == "" {
		r := make([]byte, 12)
		rand.Read(r)
		id = hex.EncodeToString(r) + "@foidesk"
	}
	var to []string
	for _, t := range m.To {
		to = append(to, (&mail.Address{Address: t}).String())
	}
	h := []string{
		"From: " + from.String(),
		"To: " + strings.Join(to, ", "),
		"Subject: " + mime.BEncoding.Encode("UTF-8", m.Subject),
		"Date: " + date.Format(time.RFC1123Z),
		"Message-ID: <" + strings.Trim(id, "<>") + ">",
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
	}
	text := func(w *bytes.Buffer) {
		writeBase64(w, []byte(m.Body))
	}
	if m.Attachment == nil {
		h = append(h, "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64")
		b.WriteString(strings.Join(h, "\r\n") + "\r\n\r\n")
		text(&b)
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h = append(h, "Content-Type: multipart/mixed; boundary=\""+mw.Boundary()+"\"")
	b.WriteString(strings.Join(h, "\r\n") + "\r\n\r\n")
	pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=UTF-8"}, "Content-Transfer-Encoding": {"base64"}})
	if err != nil {
		return nil, err
	}
	var part bytes.Buffer
	text(&part)
	pw.Write(part.Bytes())
	a := m.Attachment
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, params = "application/octet-stream", map[string]string{}
	}
	params["name"] = a.Filename
	aw, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(mt, params)},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return nil, err
	}
	part.Reset()
	writeBase64(&part, a.Data)
	aw.Write(part.Bytes())
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// writeBase64 writes data base64-encoded in lines of 76 characters (RFC 2045).
func writeBase64(w *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		w.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	w.WriteString(enc + "\r\n")
}
