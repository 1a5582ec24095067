package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// publicRoutes are the applicant's pages and the public API (no account needed): the start page,
// the guide, the application form, the tracking pages and /api/v1's public part.
func (s *Server) publicRoutes(r *gin.Engine) {
	s.public = newPublicState(s.now)
	r.GET("/", s.home)
	r.GET("/guide", s.guide)
	r.GET("/apply", s.applyForm)
	r.POST("/apply", s.applySubmit)
	r.POST("/track/confirmation", s.applyDone)
	r.GET("/track", s.trackForm)
	r.POST("/track", s.trackLookup)
	r.GET("/track/recover", s.recoverForm)
	r.POST("/track/recover", s.recoverSubmit)
	r.GET("/track/:no", s.trackCase)
	r.GET("/track/:no/documents/:doc", s.trackDocument)
	r.POST("/track/:no/correction", s.trackCorrection)
	r.POST("/track/:no/files", s.trackUpload)
	r.GET("/track/:no/withdraw", s.trackWithdrawConfirm)
	r.POST("/track/:no/withdraw", s.trackWithdraw)
	r.POST("/track/:no/leave", s.trackLeave)
	s.publicAPIRoutes(r.Group("/api/v1"))
}

// homePage is the start page: what the service does and the three ways in.
type homePage struct {
	Agencies   []cases.Agency
	Several    bool
	ReplyDays  int
	UploadMB   string
	Correction int
}

func (s *Server) home(c *gin.Context) {
	as, err := s.db.Agencies(c.Request.Context())
	if err != nil || len(as) == 0 {
		s.errorPage(c, err)
		return
	}
	st := as[0].Settings.WithDefaults()
	s.render(c, http.StatusOK, "public/home", "home.title", homePage{Agencies: as, Several: len(as) > 1,
		ReplyDays: cases.ReplyDays, UploadMB: megabytes(st.UploadLimit), Correction: st.CorrectionPeriod})
}

// agencyFor returns the agency an applicant addresses: the one with code, or the deployment's
// only (first) agency when code is empty.
func (s *Server) agencyFor(ctx context.Context, code string) (cases.Agency, error) {
	a, err := s.db.AgencyByCode(ctx, code)
	if err != nil {
		return a, err
	}
	a.Settings = a.Settings.WithDefaults()
	return a, nil
}

// agencyToday is the agency's calendar date now.
func (s *Server) agencyToday(a cases.Agency) cases.Date {
	return cases.DateOf(s.now(), a.Settings.Location())
}

// errorPage shows the generic error page; internal errors are logged.
func (s *Server) errorPage(c *gin.Context, err error) {
	if err != nil && s.clientGone(c, err) {
		return
	}
	status := http.StatusInternalServerError
	if err != nil {
		if st, ok := statusOf[cases.ErrorCode(err)]; ok {
			status = st
		}
		if status == http.StatusInternalServerError {
			s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
		}
	}
	msg := cases.ErrorMessage(err, lang(c))
	if err == nil {
		msg = T(lang(c), "error.generic")
	}
	s.render(c, status, "public/error", "error.title", errorData{Message: msg})
	c.Abort()
}

type errorData struct{ Message string }
