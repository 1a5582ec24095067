package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// routes registers every route of foidesk. Each group lives in its own file; openapi.yaml
// documents every /api/v1 route (a test checks it).
func (s *Server) routes() {
	r := s.engine
	r.Use(s.authenticate, s.authorize) // the one authorization table: web/authz.go
	r.Use(s.freeTextGuard)             // NUL, bidi controls and overlong text refused: web/freetext.go
	r.Use(s.unreadCount)               // the unread count of the page header (web/inbox.go)
	r.GET("/healthz", s.healthz)
	r.GET("/metrics", s.metricsHandler())
	r.GET("/static/*path", s.static)
	s.publicRoutes(r)
	s.staffRoutes(r)
	s.accountRoutes(r) // web/account.go: own password and API tokens
	s.inboxRoutes(r)
	s.reportRoutes(r)  // web/reports.go: ledger, reports, audit sign-off, dashboard
	s.archiveRoutes(r) // web/archive.go: archival packages, the year's transfer, retention
	// Unknown routes and wrong methods: under /api/v1 the JSON error body (docs/api.md "Codes").
	r.HandleMethodNotAllowed = true
	r.NoRoute(s.noRoute(http.StatusNotFound))
	r.NoMethod(s.noRoute(http.StatusMethodNotAllowed))
}

// noRoute answers an unmatched request: the JSON error body under /api/, gin's plain answer
// elsewhere.
func (s *Server) noRoute(status int) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !isAPI(c.Request.URL.Path) {
			c.String(status, map[int]string{http.StatusNotFound: "404 page not found", http.StatusMethodNotAllowed: "405 method not allowed"}[status])
			return
		}
		if status == http.StatusMethodNotAllowed { // the route exists, not with this method (Allow lists them)
			e := cases.E(cases.ENOTFOUND, "该接口不支持此请求方法。", "This API route does not take this method.")
			c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": cases.ENOTFOUND, "message": cases.ErrorMessage(e, lang(c))}})
			return
		}
		s.apiError(c, cases.E(cases.ENOTFOUND, "接口不存在。", "No such API route."))
	}
}
