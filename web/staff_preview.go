package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// replyPreview shows the drafted reply letter before approval (docs/rules.md §7, docs/design.md
// "Documents"): the store builds it as the approval would issue it, with a 草稿 watermark on every
// page and no number. Nothing is stored.
func (s *Server) replyPreview(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	pdf, err := s.db.PreviewReply(c.Request.Context(), cs.ID, s.now())
	if err != nil {
		s.pageError(c, err)
		return
	}
	name := cs.TrackingNo + "-reply-draft.pdf"
	c.Header("Content-Disposition", "inline; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "private, no-store")
	// Embedded in the approval's confirmation step (approveReview): framed by this site's own pages only.
	c.Header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
	c.Header("X-Frame-Options", "SAMEORIGIN")
	c.Data(http.StatusOK, "application/pdf", pdf)
}
