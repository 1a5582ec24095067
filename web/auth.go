package web

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// Login throttling (docs/api.md "Pages other programs rely on"): maxUserFailures failures of
// one account from one address within throttleWindow block that pair (429 until the window has
// passed); maxAddrFailures failures from one address, whatever the accounts, block the address;
// maxAccountFailures failures of one account since its last login, from any addresses, lock the
// account until an administrator unlocks it. Counting and recording happen in one transaction
// before the password is checked (store BeginLogin), so parallel guesses cannot slip through.
const (
	throttleWindow     = 15 * time.Minute
	maxUserFailures    = 5
	maxAddrFailures    = 20
	maxAccountFailures = 50
)

var loginPolicy = cases.LoginPolicy{Window: throttleWindow, PairLimit: maxUserFailures, AddressLimit: maxAddrFailures, AccountLimit: maxAccountFailures}

// Password hashes are memory-hard (argon2id, 19 MiB each): at most maxHashes run at once, and a
// login that cannot start one within hashWait is refused with 429 (issue 11: anonymous logins
// must not exhaust the server's memory).
const hashWait = 2 * time.Second

func defaultMaxHashes() int { return min(max(runtime.NumCPU(), 2), 4) }

// acquireHash waits up to hashWait for a slot of the password-hash bound; release it with
// releaseHash.
func (s *Server) acquireHash(ctx context.Context) bool {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.hashes <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (s *Server) releaseHash() { <-s.hashes }

// Auth log events (store.Auth*; the store's names, repeated to keep web free of store).
const (
	authLogin     = "login"
	authFailed    = "login_failed"
	authLogout    = "logout"
	authThrottled = "login_throttled"
)

// staffState is the office side's state: the session managers (one for plain HTTP, one whose
// cookie is Secure, for TLS requests) on one store.
type staffState struct {
	plain, secure *scs.SessionManager
	store         scs.Store

	cleanMu   sync.Mutex
	lastClean time.Time
}

// SessionStore keeps the staff sessions (package store's, in the database) and sweeps the
// expired ones.
type SessionStore interface {
	scs.Store
	DeleteExpired(ctx context.Context) (int64, error)
}

// cleanSessions deletes expired sessions at most once an hour (at a successful login).
func (s *Server) cleanSessions(ctx context.Context) {
	d := s.cfg.Sessions
	if d == nil { // in memory: the store sweeps itself
		return
	}
	s.staff.cleanMu.Lock()
	due := time.Since(s.staff.lastClean) > time.Hour
	if due {
		s.staff.lastClean = time.Now()
	}
	s.staff.cleanMu.Unlock()
	if due {
		if _, err := d.DeleteExpired(ctx); err != nil {
			s.log.Error("delete expired sessions", "err", err)
		}
	}
}

// newStaffState builds the session managers on Config.Sessions (the database), or in memory when
// it is unset.
func (s *Server) newStaffState() *staffState {
	var st scs.Store = memstore.New()
	if s.cfg.Sessions != nil {
		st = s.cfg.Sessions
	}
	mk := func(secure bool) *scs.SessionManager {
		sm := scs.New()
		sm.Store = st
		sm.Lifetime = s.cfg.SessionLifetime
		sm.IdleTimeout = s.cfg.SessionIdle
		sm.Cookie.Name = "foidesk_session"
		sm.Cookie.HttpOnly = true
		sm.Cookie.SameSite = http.SameSiteLaxMode
		sm.Cookie.Secure = secure
		sm.Cookie.Persist = false
		sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
			s.log.Error("session", "err", err)
			http.Error(w, "系统内部错误。Internal error.", http.StatusInternalServerError)
		}
		return sm
	}
	return &staffState{plain: mk(false), secure: mk(true), store: st}
}

type smKey struct{}

// withSessions loads and saves the staff session around every request (the cookie is Secure on
// requests that came over HTTPS, directly or per a trusted proxy). Called from handler().
func (s *Server) withSessions(next http.Handler) http.Handler {
	plain := s.staff.plain.LoadAndSave(next)
	secure := s.staff.secure.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		sm, h := s.staff.plain, plain
		if s.isHTTPS(r) {
			sm, h = s.staff.secure, secure
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), smKey{}, sm)))
	})
}

// sessions returns the session manager of the request (nil outside withSessions).
func sessions(c *gin.Context) *scs.SessionManager {
	sm, _ := c.Request.Context().Value(smKey{}).(*scs.SessionManager)
	return sm
}

// readScoper is a backend whose cached reads can share one version of the database within a
// request that only reads (package store's ReadScope): a page view then asks whether the database
// changed once instead of a dozen times.
type readScoper interface {
	ReadScope(ctx context.Context) context.Context
}

// authenticate finds the user of a request: by bearer token under /api/v1, by session cookie
// elsewhere. It only identifies; authorize decides.
func (s *Server) authenticate(c *gin.Context) {
	if rs, ok := s.db.(readScoper); ok && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		c.Request = c.Request.WithContext(rs.ReadScope(c.Request.Context()))
	}
	ctx := c.Request.Context()
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		scheme, tok, _ := strings.Cut(strings.TrimSpace(c.GetHeader("Authorization")), " ")
		if strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) != "" { // the scheme is case-insensitive (RFC 9110 §11.1)
			u, err := s.db.UserByToken(ctx, strings.TrimSpace(tok))
			if err != nil {
				c.Set("auth_error", err)
			} else if u.Active {
				c.Set("user", u)
			}
		}
		c.Next()
		return
	}
	if sm := sessions(c); sm != nil {
		if id := sm.GetInt64(ctx, "user_id"); id > 0 {
			u, err := s.db.UserByID(ctx, id)
			switch {
			case err == nil && u.Active:
				c.Set("user", u)
			case err == nil || cases.ErrorCode(err) == cases.ENOTFOUND:
				_ = sm.Destroy(ctx) // deactivated or deleted: the session ends
			default:
				s.log.Error("session user", "err", err)
			}
		}
	}
	c.Next()
}

// currentUser returns the authenticated user, if any.
func currentUser(c *gin.Context) (cases.User, bool) {
	v, ok := c.Get("user")
	if !ok {
		return cases.User{}, false
	}
	u, ok := v.(cases.User)
	return u, ok
}

// actorOf is the workflow actor of the request's user.
func actorOf(c *gin.Context) cases.Actor {
	u, _ := currentUser(c)
	return u.Actor()
}

type loginData struct {
	Username string
	Next     string
	Error    string
	Notice   string
}

// safeNext keeps a post-login destination on this site: a path, never //host or a scheme, and
// nothing a browser would strip or bend into one (tabs, line breaks, other control characters,
// spaces, backslashes: /<TAB>/evil.example is //evil.example to a browser).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return ""
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return ""
		}
	}
	return next
}

func (s *Server) loginPage(c *gin.Context) {
	d := loginData{Next: safeNext(c.Query("next"))}
	if c.Query("out") == "1" {
		d.Notice = T(lang(c), "auth.logged_out")
	}
	if u, ok := currentUser(c); ok && d.Next == "" {
		c.Redirect(http.StatusSeeOther, homeOf(u))
		return
	}
	s.render(c, http.StatusOK, "staff/login", "auth.title", d)
}

// homeOf is where a user lands after signing in.
func homeOf(u cases.User) string {
	if !u.Actor().Has(cases.RoleClerk) && !u.Actor().Has(cases.RoleSupervisor) && u.Actor().Has(cases.RoleAdmin) {
		return "/admin"
	}
	return "/staff/queue"
}

// login checks the throttle, then the password; it renews the session token (no session
// fixation) and records the outcome in the auth log.
func (s *Server) login(c *gin.Context) {
	ctx := c.Request.Context()
	l := lang(c)
	username := strings.TrimSpace(c.PostForm("username"))
	password := c.PostForm("password")
	d := loginData{Username: username, Next: safeNext(c.PostForm("next"))}
	addr := c.ClientIP()
	if username == "" || password == "" {
		d.Error = T(l, "auth.missing")
		s.render(c, http.StatusUnprocessableEntity, "staff/login", "auth.title", d)
		return
	}
	if len(username) > 200 || len(password) > 1024 { // no account has these; not worth a hash
		s.logAuth(ctx, truncate(username, 200), addr, authFailed, "oversized")
		d.Username, d.Error = "", T(l, "auth.failed")
		s.render(c, http.StatusUnauthorized, "staff/login", "auth.title", d)
		return
	}
	if !s.acquireHash(ctx) {
		c.Header("Retry-After", "1")
		d.Error = T(l, "auth.busy")
		s.render(c, http.StatusTooManyRequests, "staff/login", "auth.title", d)
		return
	}
	u, att, err := s.checkLogin(ctx, username, password, addr)
	s.releaseHash()
	if err == nil && (att.Throttled || att.Locked) {
		secs := retryAfter(c, att.RetryAfter)
		d.Error = T(l, "auth.throttled", (secs+59)/60)
		if att.Locked {
			d.Error = T(l, "auth.locked")
		}
		s.render(c, http.StatusTooManyRequests, "staff/login", "auth.title", d)
		return
	}
	if err != nil {
		if cases.ErrorCode(err) != cases.EUNAUTHORIZED {
			s.pageError(c, err)
			return
		}
		d.Error = T(l, "auth.failed")
		s.render(c, http.StatusUnauthorized, "staff/login", "auth.title", d)
		return
	}
	sm := sessions(c)
	if err := sm.RenewToken(ctx); err != nil {
		s.pageError(c, err)
		return
	}
	sm.Put(ctx, "user_id", u.ID)
	if err := s.db.LoginSucceeded(ctx, att.ID); err != nil {
		s.log.Error("auth log", "err", err)
	}
	s.cleanSessions(ctx)
	next := d.Next
	if next == "" {
		next = homeOf(u)
	}
	if u.MustChangePassword {
		next = "/account/password"
	}
	c.Redirect(http.StatusSeeOther, next)
}

// checkLogin records the attempt (throttled or counted as a failure) and, unless throttled,
// checks the password.
func (s *Server) checkLogin(ctx context.Context, username, password, addr string) (cases.User, cases.LoginAttempt, error) {
	att, err := s.db.BeginLogin(ctx, username, addr, loginPolicy)
	if err != nil || att.Throttled || att.Locked {
		return cases.User{}, att, err
	}
	u, err := s.db.Authenticate(ctx, username, password)
	return u, att, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func (s *Server) logout(c *gin.Context) {
	ctx := c.Request.Context()
	if u, ok := currentUser(c); ok {
		s.logAuth(ctx, u.Username, c.ClientIP(), authLogout, "")
	}
	if sm := sessions(c); sm != nil {
		if err := sm.Destroy(ctx); err != nil {
			s.pageError(c, err)
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/login?out=1")
}

func (s *Server) logAuth(ctx context.Context, username, addr, event, detail string) {
	if err := s.db.LogAuth(ctx, username, addr, event, detail); err != nil {
		s.log.Error("auth log", "err", err)
	}
}

// pageError renders a coded error as a page with its status.
func (s *Server) pageError(c *gin.Context, err error) {
	if s.clientGone(c, err) {
		return
	}
	code := cases.ErrorCode(err)
	status := statusOf[code]
	l := lang(c)
	d := staffErrorData{Message: cases.ErrorMessage(err, l), Status: status}
	title := "error.title"
	switch code {
	case cases.EFORBIDDEN:
		title = "error.forbidden.t"
	case cases.ENOTFOUND:
		title = "error.notfound.t"
	case cases.ERATELIMIT:
		title = "error.ratelimited.t"
	case cases.EINTERNAL:
		s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
		d.Message = T(l, "error.internal")
	}
	if _, ok := currentUser(c); !ok {
		d.Login = true
	}
	s.render(c, status, "staff/error", title, d)
	c.Abort()
}

type staffErrorData struct {
	Message string
	Status  int
	Login   bool
}
