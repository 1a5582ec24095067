// Package web serves foidesk's pages and its JSON API (/api/v1) with gin: html/template views and
// static assets embedded in the binary, Chinese by default with English by ?lang=en, security
// headers, request logs, /healthz and /metrics.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"foidesk/archive"
	cases "foidesk/case"
	"foidesk/workflow"
)

// Backend is what the web layer needs of the store (package store implements it).
type Backend interface {
	cases.CaseService
	cases.AgencyService
	cases.UserService
	cases.AccessLogService  // the access log of personal data (web/accesslog.go)
	cases.AccountService    // account changes, API tokens, login throttling, fee counts (web/auth.go, web/admin.go)
	cases.SimilarityService // repeated requests and Art. 44 clusters (staff_case.go, staff_overview.go)
	Calendar() *workflow.Calendar
	SetCalendarDay(ctx context.Context, o workflow.Override, by string) ([]cases.Recomputed, error)
	DeleteCalendarDay(ctx context.Context, day cases.Date, by string) ([]cases.Recomputed, error)
	PreviewCalendarDay(ctx context.Context, day cases.Date, o *workflow.Override) ([]cases.Recomputed, error)
	Ping(ctx context.Context) error
	// PreviewReply renders the reply letter a drafted reply would issue if approved at (a draft:
	// watermarked, unnumbered), by the code that issues it.
	PreviewReply(ctx context.Context, id int64, at time.Time) ([]byte, error)
	// PreviewDraft renders the reply letter a draft (draft_reply's payload) would issue if actor
	// drafted it and it were approved at, before it is sent for approval; nothing is stored.
	PreviewDraft(ctx context.Context, id int64, payload json.RawMessage, actor cases.Actor, at time.Time) ([]byte, error)
	// OpenCasesByAssignee counts the open cases of agencies by assignee (the overview's load).
	OpenCasesByAssignee(ctx context.Context, agencyIDs []int64) (map[string]int, error)
	// RecoverAccess issues a new access code when the identity number and contact match the case
	// (POST /track/recover), and reports whether they did.
	RecoverAccess(ctx context.Context, trackingNo, idNumber, contact string) (bool, error)
}

// Config wires the web layer.
type Config struct {
	Backend  Backend
	Renderer cases.Renderer // for previews and the application form
	Logger   *slog.Logger
	Now      func() time.Time
	// TrustedProxies are the addresses or CIDRs (FOIDESK_TRUSTED_PROXIES, --trusted-proxies)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed: the client's address (rate
	// limits, logs; clientAddr) and whether it came over HTTPS (Secure cookies, HSTS). None by
	// default.
	TrustedProxies []string
	// SessionIdle ends a staff session unused this long (default 30 minutes); SessionLifetime
	// ends any session this long after the login (default 12 hours).
	SessionIdle, SessionLifetime time.Duration
	// AllowCombinedRoles lets one account be both administrator and clerk or supervisor
	// (FOIDESK_ALLOW_COMBINED_ROLES); refused by default (separation of duties).
	AllowCombinedRoles bool
	// MaxConcurrentHashes bounds the password hashes running at once (default: the CPUs, 2–4).
	MaxConcurrentHashes int

	// Capabilities beyond Backend, set by cmd/foidesk from the store and the renderer; a nil one
	// makes the pages that need it answer that it is not available (tests leave some unset).
	Reports         cases.ReportService  // reports and the ledger (reports.go)
	ReportRenderer  cases.ReportRenderer // report and ledger files: PDF, CSV, XLSX (reports.go)
	Inbox           InboxBackend         // the staff inbox and the administrator's outbox (inbox.go)
	Archive         ArchiveBackend       // archival packages and records due (archive.go)
	ArchiveRenderer archive.Renderer     // the archival packages' PDFs (archive.go)
	Sessions        SessionStore         // staff sessions in the database; nil: in memory (auth.go)
}

// Server is foidesk's HTTP server.
type Server struct {
	cfg        Config
	db         Backend
	log        *slog.Logger
	now        func() time.Time
	engine     *gin.Engine
	views      *views
	metrics    *metrics
	staff      *staffState   // sessions of the office side (auth.go)
	access     *accessLogger // the access log's queue (accesslog.go)
	accessOnce sync.Once
	hashes     chan struct{}  // the bound on concurrent password hashes (auth.go)
	proxies    []netip.Prefix // Config.TrustedProxies (proxy.go)
	public     *publicState   // rate limits and replay protection of the public pages (public.go)
	listJSON   listJSONCache  // the JSON of listed cases (api_staff.go)
}

// New builds the server and its routes; it fails on a missing or broken view.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	if cfg.MaxConcurrentHashes <= 0 {
		cfg.MaxConcurrentHashes = defaultMaxHashes()
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, db: cfg.Backend, log: cfg.Logger, now: cfg.Now, engine: gin.New(), metrics: newMetrics()}
	s.hashes = make(chan struct{}, cfg.MaxConcurrentHashes)
	var err error
	if s.views, err = loadViews(); err != nil {
		return nil, err
	}
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	if s.proxies, err = parseProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	s.engine.Use(gin.CustomRecovery(func(c *gin.Context, v any) {
		s.log.Error("panic", "path", c.Request.URL.Path, "panic", v)
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	s.engine.Use(s.logRequests, s.securityHeaders, s.language, s.careSwitch)
	s.routes()
	return s, nil
}

// ServeHTTP serves a request, with cross-origin protection on every state-changing request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler().ServeHTTP(w, r) }

func (s *Server) handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error":{"code":"EFORBIDDEN","message":"跨站请求已被拒绝。"}}`))
	}))
	return cop.Handler(s.withSessions(s.engine)) // staff sessions: web/auth.go
}

// Engine exposes the gin engine (for tests listing routes).
func (s *Server) Engine() *gin.Engine { return s.engine }

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "foidesk_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "foidesk_http_request_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"route"})
	m.reg.MustRegister(m.requests, m.duration, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (s *Server) metricsHandler() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// Registry lets other packages (notify) register their metrics.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	text := http.StatusText(status)
	if status == StatusClientClosedRequest {
		text = "Client Closed Request"
	}
	s.metrics.requests.WithLabelValues(route, c.Request.Method, text).Inc()
	s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	s.log.Info("http", "method", c.Request.Method, "path", c.Request.URL.Path, "status", status, "ms", time.Since(start).Milliseconds(), "ip", c.ClientIP())
}

func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	if s.isHTTPS(c.Request) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	// Pages and API answers carry personal data (identity numbers, contacts): never kept by a
	// browser or a proxy. Static assets set their own caching.
	if !strings.HasPrefix(c.Request.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	c.Next()
}

func (s *Server) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// statusOf maps an error code to its HTTP status (docs/api.md "Codes").
var statusOf = map[string]int{
	cases.EINVALID:      http.StatusUnprocessableEntity,
	cases.EFORBIDDEN:    http.StatusForbidden,
	cases.EUNAUTHORIZED: http.StatusUnauthorized,
	cases.ENOTFOUND:     http.StatusNotFound,
	cases.ECONFLICT:     http.StatusConflict,
	cases.ERATELIMIT:    http.StatusTooManyRequests,
	cases.EINTERNAL:     http.StatusInternalServerError,
}

// StatusClientClosedRequest is the status recorded for a request whose client went away before
// the answer (nginx's 499): not an internal error, nothing is written.
const StatusClientClosedRequest = 499

// clientGone answers a request whose client has gone (its context cancelled, so the store's
// query failed with context.Canceled): it is recorded as 499, logged as such (not as an internal
// error) and nothing is written. It reports whether it did.
func (s *Server) clientGone(c *gin.Context, err error) bool {
	if c.Request.Context().Err() == nil && !errors.Is(err, context.Canceled) {
		return false
	}
	s.log.Info("request cancelled by the client", "path", c.Request.URL.Path, "status", StatusClientClosedRequest)
	c.AbortWithStatus(StatusClientClosedRequest)
	return true
}

// apiError writes the coded error body; internal errors are logged and shown generically.
func (s *Server) apiError(c *gin.Context, err error) {
	if s.clientGone(c, err) {
		return
	}
	code := cases.ErrorCode(err)
	lang := lang(c)
	body := gin.H{"code": code, "message": cases.ErrorMessage(err, lang)}
	var e *cases.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		if lang == "en" && len(e.FieldsEN) > 0 {
			body["fields"] = e.FieldsEN
		} else {
			body["fields"] = e.Fields
		}
	}
	if code == cases.EINTERNAL {
		s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
	}
	c.AbortWithStatusJSON(statusOf[code], gin.H{"error": body})
}
