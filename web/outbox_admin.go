package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// outboxRow is one e-mail not sent, as the administrator sees it.
type outboxRow struct {
	cases.Message
	At   string
	Next string // "" when given up
}

type outboxData struct {
	Rows  []outboxRow
	Flash string
}

// outboxPage lists the e-mails whose delivery failed: still retried with backoff, or given up.
func (s *Server) outboxPage(c *gin.Context) {
	if !s.deploymentOnly(c) { // the outbox holds every agency's recipients
		return
	}
	ib, ok := s.inboxBackend(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	ms, err := ib.FailedMessages(c.Request.Context(), 200)
	if err != nil {
		s.pageError(c, err)
		return
	}
	loc := s.staffLocation(c, u)
	d := outboxData{Flash: s.flash(c)}
	for _, m := range ms {
		if cases.IsSecretKind(m.Kind) { // a new access code is for the applicant alone
			m.Subject, m.Body = T(lang(c), "outbox.secret"), ""
		}
		r := outboxRow{Message: m, At: m.CreatedAt.In(loc).Format("2006-01-02 15:04")}
		if m.NextTryAt != nil {
			r.Next = m.NextTryAt.In(loc).Format("2006-01-02 15:04")
		}
		d.Rows = append(d.Rows, r)
	}
	s.render(c, http.StatusOK, "admin/outbox", "outbox.title", d)
}

// outboxRetry schedules one failed e-mail for an immediate try by the delivery job.
func (s *Server) outboxRetry(c *gin.Context) {
	if !s.deploymentOnly(c) {
		return
	}
	ib, ok := s.inboxBackend(c)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	if err := ib.RetryMessage(c.Request.Context(), id); err != nil {
		s.pageError(c, err)
		return
	}
	s.setFlash(c, T(lang(c), "outbox.retried", id))
	c.Redirect(http.StatusSeeOther, "/admin/outbox")
}
