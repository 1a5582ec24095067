package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	cases "foidesk/case"
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
                   instance`

func init() {
	register(&command{Name: "serve", Summary: "run the web server and the scheduler", Usage: serveUsage, Run: runServe})
}

// serveEnv is what a running server offers to the jobs started beside it.
type serveEnv struct {
	DB          *store.DB
	Web         *web.Server
	Logger      *slog.Logger
	Font        string // the path of the font serve loaded (--font, FOIDESK_FONT)
	NoScheduler bool   // --no-scheduler: scheduled jobs must not start
}

// serveHooks start background work beside the web server (the notify scheduler registers one
// from its own file's init()). Each runs after the database is migrated and before the server
// listens; it returns a stop function called at shutdown (after the HTTP server has stopped), or
// an error that aborts the start. A hook honours env.NoScheduler itself.
var serveHooks []func(ctx context.Context, env *serveEnv) (stop func(), err error)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "serve")
	dsn, addr, fontPath := f.DB(), f.Addr(), f.Font()
	demo := f.Bool("demo", false, "fill an empty database with demo data and print the logins")
	noScheduler := f.Bool("no-scheduler", false, "do not run the scheduled jobs")
	if err := f.parseNone(args, serveUsage, stdout); err != nil {
		return err
	}
	log := logger(ctx)

	renderer, err := loadRenderer(*fontPath)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.Renderer = renderer

	var logins []demoLogin
	var sample string
	if *demo {
		n, err := db.CountCases(ctx, cases.CaseFilter{})
		if err != nil {
			return err
		}
		if n == 0 {
			log.Info("filling the empty database with demo data", "cases", defaultDemoCases)
			res, err := fillDemo(ctx, db, demoConfig{Cases: defaultDemoCases, Seed: 1, Log: log})
			if err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			logins = res.Logins
			if res.SampleTracking != "" {
				sample = "track: " + res.SampleTracking + " / " + res.SampleCode
			}
		} else {
			log.Info("the database already holds cases: no demo data added", "cases", n)
			logins = demoLogins()
		}
	}

	srv, err := web.New(web.Config{Backend: db, Renderer: renderer, Logger: log})
	if err != nil {
		return err
	}
	env := &serveEnv{DB: db, Web: srv, Logger: log, Font: *fontPath, NoScheduler: *noScheduler}
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()
	for _, hook := range serveHooks {
		stop, err := hook(ctx, env)
		if err != nil {
			return err
		}
		if stop != nil {
			stops = append(stops, stop)
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads
		WriteTimeout:      5 * time.Minute, // large reports and ledgers
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := listenURL(ln.Addr(), *addr)
	log.Info("foidesk listening", "url", url, "db", redact(*dsn))
	if *demo {
		fmt.Fprintln(stdout, "foidesk is running at "+url)
		for _, l := range logins {
			fmt.Fprintln(stdout, l.String())
		}
		if sample != "" {
			fmt.Fprintln(stdout, sample)
		}
	}

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-served
	log.Info("stopped")
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
