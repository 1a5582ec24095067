package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// Who may use a route. The workflow then checks each event against its own table (role and
// relation: e.g. approve is refused to the clerk who drafted the reply), and every case route
// checks that the case belongs to an agency the user may act for.
var (
	public    []string // nil: no account needed
	anyStaff  = []string{cases.RoleClerk, cases.RoleSupervisor, cases.RoleAdmin}
	caseWork  = []string{cases.RoleClerk, cases.RoleSupervisor} // the queue, cases and their applicant data
	clerkOnly = []string{cases.RoleClerk}
	supOnly   = []string{cases.RoleSupervisor}
	adminOnly = []string{cases.RoleAdmin}
)

// route is one row of the authorization table: a gin route pattern and method, and the roles
// that may use it (nil: public).
type route struct {
	Method string
	Path   string
	Roles  []string
}

// authzTable is THE authorization table of foidesk: every route of the router is listed here
// (TestAuthorizationTable walks every row with every role and anonymously, and fails on a route
// missing from it). Add a row with every new route.
var authzTable = []route{
	// Infrastructure.
	{"GET", "/healthz", public},
	{"GET", "/metrics", public},
	{"GET", "/static/*path", public},

	// Applicants (web/public.go): no account needed.
	{"GET", "/", public},
	{"GET", "/guide", public},
	{"GET", "/apply", public},
	{"POST", "/apply", public},
	{"GET", "/track", public},
	{"POST", "/track", public},
	{"GET", "/track/:no", public},
	{"GET", "/track/:no/documents/:doc", public},
	{"POST", "/track/:no/correction", public},
	{"POST", "/track/:no/files", public},
	{"GET", "/track/:no/withdraw", public},
	{"POST", "/track/:no/withdraw", public},
	{"POST", "/track/:no/leave", public},
	{"GET", "/track/recover", public},
	{"POST", "/track/confirmation", public},
	{"POST", "/track/recover", public},
	{"GET", "/api/v1/openapi.yaml", public},
	{"GET", "/api/v1/agencies", public},
	{"POST", "/api/v1/applications", public},
	{"POST", "/api/v1/applications/:tracking_no/files", public},
	{"GET", "/api/v1/track/:tracking_no", public},
	{"POST", "/api/v1/track/recover", public},
	{"POST", "/api/v1/track/:tracking_no/events", public},
	{"GET", "/api/v1/track/:tracking_no/documents/:doc_id", public},

	// Sign-in.
	{"GET", "/login", public},
	{"POST", "/login", public},
	{"POST", "/logout", anyStaff},
	{"GET", "/account", anyStaff},
	{"GET", "/account/password", anyStaff},
	{"POST", "/account/password", anyStaff},
	{"POST", "/account/tokens", anyStaff},
	{"POST", "/account/tokens/:token_id/revoke", anyStaff},

	// The office (web/staff*.go).
	{"GET", "/staff", caseWork},
	{"GET", "/staff/queue", caseWork},
	{"GET", "/staff/register", clerkOnly},
	{"POST", "/staff/register", clerkOnly},
	{"GET", "/staff/cases/:id", caseWork},
	{"POST", "/staff/cases/:id/events", caseWork},
	{"POST", "/staff/cases/:id/uploads", caseWork},
	{"GET", "/staff/cases/:id/documents/:doc_id", caseWork},
	{"GET", "/staff/cases/:id/preview", caseWork},
	{"GET", "/staff/overview", supOnly},
	{"GET", "/staff/access-log", supOnly},
	{"GET", "/staff/inbox", anyStaff},
	{"POST", "/staff/inbox/read", anyStaff},
	{"GET", "/staff/inbox/:id/attachment", anyStaff},

	// Ledger, reports, audit sign-off and dashboard (web/reports.go, ledger.go, dashboard.go).
	{"GET", "/staff/ledger", anyStaff},
	{"GET", "/staff/ledger/export", anyStaff},
	{"GET", "/staff/reports", supOrAdmin},
	{"GET", "/staff/reports/monthly", supOrAdmin},
	{"GET", "/staff/dashboard", supOrAdmin},
	{"GET", "/staff/signoff", supOnly},
	{"POST", "/staff/signoff", supOnly},
	{"POST", "/staff/signoff/reopen", supOnly},
	{"GET", "/staff/signoff/:id/pdf", supOrAdmin},

	// The archive (web/archive.go).
	{"GET", "/staff/cases/:id/archive", caseWork},
	{"GET", "/staff/ledger/archive", supOnly},
	{"GET", "/staff/archive/due", caseWork},
	{"GET", "/api/v1/archive/due", caseWork},

	// Administration (web/admin*.go).
	{"GET", "/admin", adminOnly},
	{"GET", "/admin/agencies", adminOnly},
	{"POST", "/admin/agencies", adminOnly},
	{"GET", "/admin/agencies/:id", adminOnly},
	{"POST", "/admin/agencies/:id", adminOnly},
	{"POST", "/admin/agencies/:id/seal", adminOnly},
	{"GET", "/admin/agencies/:id/seal.png", adminOnly},
	{"GET", "/admin/users", adminOnly},
	{"POST", "/admin/users", adminOnly},
	{"GET", "/admin/users/:id", adminOnly},
	{"POST", "/admin/users/:id", adminOnly},
	{"POST", "/admin/users/:id/tokens", adminOnly},
	{"POST", "/admin/users/:id/tokens/:token_id/revoke", adminOnly},
	{"POST", "/admin/users/:id/unlock", adminOnly},
	{"GET", "/admin/calendar", adminOnly},
	{"POST", "/admin/calendar", adminOnly},
	{"POST", "/admin/calendar/delete", adminOnly},
	{"GET", "/admin/outbox", adminOnly},
	{"POST", "/admin/outbox/:id/retry", adminOnly},

	// The staff JSON API (web/api_staff.go), bearer tokens only.
	{"POST", "/api/v1/cases", clerkOnly},
	{"GET", "/api/v1/cases", caseWork},
	{"GET", "/api/v1/cases/:id", caseWork},
	{"POST", "/api/v1/cases/:id/events", caseWork},
	{"POST", "/api/v1/cases/bulk", caseWork},
	{"GET", "/api/v1/cases/:id/documents/:doc_id", caseWork},
	{"GET", "/api/v1/calendar/due", anyStaff},
	{"GET", "/api/v1/calendar/preview", supOrAdmin},
	{"GET", "/api/v1/reports/annual", supOrAdmin},
	{"GET", "/api/v1/signoffs", supOrAdmin},
	{"POST", "/api/v1/signoffs/reopen", supOnly},
	{"GET", "/api/v1/reports/monthly", supOrAdmin},
	{"GET", "/api/v1/ledger", anyStaff},
}

// protectedPrefixes: a route under one of these that is missing from authzTable is refused
// (fail closed); elsewhere a missing route is treated as public (and the table test fails).
var protectedPrefixes = []string{"/staff", "/admin", "/account", "/api/v1/cases", "/api/v1/calendar", "/api/v1/reports", "/api/v1/ledger", "/api/v1/users", "/api/v1/archive"}

var authzIndex = func() map[string]route {
	m := map[string]route{}
	for _, r := range authzTable {
		k := r.Method + " " + r.Path
		if _, dup := m[k]; dup {
			panic("web: duplicate authorization row " + k)
		}
		m[k] = r
	}
	return m
}()

// lookupRoute returns the row of a route pattern.
func lookupRoute(method, path string) (route, bool) {
	r, ok := authzIndex[method+" "+path]
	return r, ok
}

func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") }

// authorize enforces authzTable on every matched route: anonymous callers get 401 from the API
// and a redirect to the sign-in page elsewhere; a user without a listed role gets 403.
func (s *Server) authorize(c *gin.Context) {
	pattern := c.FullPath()
	if pattern == "" { // no route: gin answers 404
		c.Next()
		return
	}
	rt, ok := lookupRoute(c.Request.Method, pattern)
	if !ok {
		for _, p := range protectedPrefixes {
			if pattern == p || strings.HasPrefix(pattern, p+"/") {
				s.log.Error("route missing from the authorization table", "method", c.Request.Method, "route", pattern)
				s.deny(c, pattern, cases.E(cases.EFORBIDDEN, "您无权访问此页面。", "forbidden"))
				return
			}
		}
		c.Next()
		return
	}
	if rt.Roles == nil {
		c.Next()
		return
	}
	u, ok := currentUser(c)
	if !ok {
		if isAPI(pattern) {
			c.Header("WWW-Authenticate", `Bearer realm="foidesk"`)
			if err, bad := c.Get("auth_error"); bad {
				s.apiError(c, err.(error))
				return
			}
			s.apiError(c, cases.E(cases.EUNAUTHORIZED, "请提供有效的访问令牌（Authorization: Bearer）。", "a valid bearer token is required (Authorization: Bearer)"))
			return
		}
		next := c.Request.URL.RequestURI()
		if c.Request.Method != http.MethodGet {
			next = ""
		}
		to := "/login"
		if next != "" {
			to += "?next=" + url.QueryEscape(next)
		}
		c.Redirect(http.StatusSeeOther, to)
		c.Abort()
		return
	}
	if mustChangePassword(c, u) { // web/account.go
		c.Redirect(http.StatusSeeOther, "/account/password")
		c.Abort()
		return
	}
	if !hasAnyRole(u.Roles(), rt.Roles) {
		s.deny(c, pattern, cases.E(cases.EFORBIDDEN, "您的角色无权访问此页面或接口。", "your role may not use this page or route"))
		return
	}
	c.Next()
}

func (s *Server) deny(c *gin.Context, pattern string, err error) {
	if isAPI(pattern) {
		s.apiError(c, err)
		return
	}
	s.pageError(c, err)
}

func hasAnyRole(have, allowed []string) bool {
	for _, h := range have {
		for _, a := range allowed {
			if h == a {
				return true
			}
		}
	}
	return false
}

// mayUse reports whether user u may use the route (for showing links only to those who may).
func mayUse(u cases.User, method, path string) bool {
	r, ok := lookupRoute(method, path)
	return ok && (r.Roles == nil || hasAnyRole(u.Roles(), r.Roles))
}
