package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	cases "foidesk/case"
	"foidesk/demo"
	"foidesk/notify"
	"foidesk/store"
	"foidesk/web"
)

const serveUsage = `Usage: foidesk serve [--addr ADDR] [--db DSN] [--font PATH] [--demo] [--no-scheduler]

Opens and migrates the database, loads the letter font, starts the web server (pages, the JSON
API under /api/v1, /healthz, /metrics) and the scheduler, and shuts down gracefully on SIGINT or
SIGTERM. A missing font stops the start with an error naming the path and the Debian package
fonts-lxgw-wenkai.

  --addr ADDR      listen address (FOIDESK_ADDR, default :8080)
  --db DSN         SQLite file or postgres:// URL (FOIDESK_DB, default foidesk.db)
  --font PATH      CJK TrueType font (FOIDESK_FONT)
  --demo           fill an empty database with demo data first (see "foidesk demo") and print
                   the URL and the demo logins
  --no-scheduler   do not run the scheduled jobs (deadline sweep, lapses, notices) in this
                   instance
  --trusted-proxies CIDRS
                   comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For
                   and X-Forwarded-Proto are believed (FOIDESK_TRUSTED_PROXIES; default none)
  --session-idle D staff sessions end after D without a request (FOIDESK_SESSION_IDLE,
                   default 30m)
  --session-lifetime D
                   staff sessions end D after the login (FOIDESK_SESSION_LIFETIME, default 12h)

FOIDESK_ALLOW_COMBINED_ROLES=1 lets one account be both administrator and clerk or supervisor
(refused by default: separation of duties).`

// runServe parses the flags of "foidesk serve", then opens, runs and closes a server.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "serve")
	s := &server{Log: logger(ctx), Stdout: stdout}
	dsn, addr, fontPath := f.DB(), f.Addr(), f.Font()
	f.BoolVar(&s.Demo, "demo", false, "fill an empty database with demo data and print the logins")
	f.BoolVar(&s.NoScheduler, "no-scheduler", false, "do not run the scheduled jobs")
	proxies := f.String("trusted-proxies", envOr("FOIDESK_TRUSTED_PROXIES", ""), "trusted reverse proxies (CIDRs)")
	f.DurationVar(&s.SessionIdle, "session-idle", envDuration("FOIDESK_SESSION_IDLE", 30*time.Minute), "idle session timeout")
	f.DurationVar(&s.SessionLifetime, "session-lifetime", envDuration("FOIDESK_SESSION_LIFETIME", 12*time.Hour), "absolute session lifetime")
	if err := f.parseNone(args, serveUsage, stdout); err != nil {
		return err
	}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			s.TrustedProxies = append(s.TrustedProxies, p)
		}
	}
	s.DSN, s.Addr, s.Font = *dsn, *addr, *fontPath
	defer s.Close()
	if err := s.Open(ctx); err != nil {
		return err
	}
	return s.Run(ctx)
}

// server is a running "foidesk serve": the database, the web server, the scheduler and the HTTP
// listener, opened in that order by Open and closed in the reverse order by Close.
type server struct {
	// Settings, from the flags.
	DSN, Addr, Font   string
	Demo, NoScheduler bool
	Log               *slog.Logger
	Stdout            io.Writer // where --demo prints the URL and the logins
	// TrustedProxies (--trusted-proxies), the staff sessions' idle timeout and lifetime.
	TrustedProxies               []string
	SessionIdle, SessionLifetime time.Duration

	db        *store.DB
	web       *web.Server
	scheduler *notify.Scheduler // nil with --no-scheduler
	ln        net.Listener
	http      *http.Server

	stopLetters func() // stops the background renderer of letters (nil before it started)
}

// Open loads the font, opens and migrates the database, fills it with demo data if asked, builds
// the web server, starts the scheduler (unless NoScheduler) and listens on Addr.
func (s *server) Open(ctx context.Context) error {
	renderer, err := loadRenderer(ctx, s.Font)
	if err != nil {
		return err
	}
	if s.db, err = openDB(ctx, s.DSN); err != nil {
		return err
	}
	s.db.Renderer = renderer

	var logins []demo.Login
	var sample string
	if s.Demo {
		if logins, sample, err = s.fillDemo(ctx); err != nil {
			return err
		}
	}
	// From here on a transition answers after its commit and its letters are rendered in the
	// background, one at a time, starting with those a crash left without their PDF (store/pending.go).
	s.stopLetters = s.db.StartLetterRenderer(context.WithoutCancel(ctx), func(err error) { s.Log.Error("pending letters", "err", err) })
	if s.web, err = web.New(web.Config{Backend: s.db, Renderer: renderer, Logger: s.Log, Now: func() time.Time { return s.db.Now() },
		TrustedProxies: s.TrustedProxies, SessionIdle: s.SessionIdle, SessionLifetime: s.SessionLifetime, AllowCombinedRoles: allowCombinedRoles(),
		Reports: s.db, ReportRenderer: renderer, Inbox: s.db, Archive: s.db, ArchiveRenderer: renderer, Sessions: s.db.SessionStore()}); err != nil {
		return err
	}
	if s.NoScheduler {
		s.Log.Info("scheduler disabled (--no-scheduler)")
	} else if s.scheduler, err = startScheduler(ctx, s.db, s.web, s.Font, s.Log); err != nil {
		return err
	}

	if s.ln, err = net.Listen("tcp", s.Addr); err != nil {
		return err
	}
	s.http = &http.Server{
		Handler:           s.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads
		WriteTimeout:      5 * time.Minute, // large reports and ledgers
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	url := listenURL(s.ln.Addr(), s.Addr)
	s.Log.Info("foidesk listening", "url", url, "db", redact(s.DSN))
	if s.Demo {
		fmt.Fprintln(s.Stdout, "foidesk is running at "+url)
		for _, l := range logins {
			fmt.Fprintln(s.Stdout, l.String())
		}
		if sample != "" {
			fmt.Fprintln(s.Stdout, sample)
		}
	}
	return nil
}

// fillDemo fills an empty database with the demo data (package demo) and returns the logins to
// print and a tracking sample; a database with cases is left as it is.
func (s *server) fillDemo(ctx context.Context) ([]demo.Login, string, error) {
	n, err := s.db.CountCases(ctx, cases.CaseFilter{})
	if err != nil {
		return nil, "", err
	}
	if n > 0 {
		s.Log.Info("the database already holds cases: no demo data added", "cases", n)
		return demo.Logins(), "", nil
	}
	s.Log.Info("filling the empty database with demo data", "cases", demo.DefaultCases)
	res, err := demo.Fill(ctx, s.db, demo.Config{Cases: demo.DefaultCases, Seed: 1, Log: s.Log})
	if err != nil {
		return nil, "", fmt.Errorf("demo data: %w", err)
	}
	var sample string
	if res.SampleTracking != "" {
		sample = "track: " + res.SampleTracking + " / " + res.SampleCode
	}
	return res.Logins, sample, nil
}

// Run serves HTTP until ctx is cancelled (SIGINT, SIGTERM), then shuts the HTTP server down
// gracefully.
func (s *server) Run(ctx context.Context) error {
	served := make(chan error, 1)
	go func() { served <- s.http.Serve(s.ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	s.Log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-served
	s.Log.Info("stopped")
	return nil
}

// Close stops the scheduler (after the HTTP server has stopped) and closes the database. It is
// safe after a failed or partial Open.
func (s *server) Close() error {
	if s.scheduler != nil {
		s.scheduler.Stop()
		s.scheduler = nil
	}
	if s.web != nil {
		s.web.FlushAccessLog() // the access log's queued views
	}
	if s.stopLetters != nil { // after the letter being rendered; the others stay pending for the next start
		s.stopLetters()
		s.stopLetters = nil
	}
	if s.db != nil {
		err := s.db.Close()
		s.db = nil
		return err
	}
	return nil
}

// listenURL is the address a person opens: localhost for an unspecified host.
func listenURL(a net.Addr, asked string) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + asked
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// envDuration reads a duration from the environment (def when unset or unreadable).
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// allowCombinedRoles reads FOIDESK_ALLOW_COMBINED_ROLES: may one account both administer users
// and handle cases (docs/design.md "Users")?
func allowCombinedRoles() bool {
	b, _ := strconv.ParseBool(os.Getenv("FOIDESK_ALLOW_COMBINED_ROLES"))
	return b
}
