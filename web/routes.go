package web

// routes registers every route of foidesk. Each group lives in its own file; openapi.yaml
// documents every /api/v1 route (a test checks it).
func (s *Server) routes() {
	r := s.engine
	r.Use(s.authenticate, s.authorize) // the one authorization table: web/authz.go
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
}
