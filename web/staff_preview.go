package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

// replyPreview renders the drafted reply letter as a preview before approval (docs/rules.md §7,
// docs/design.md "Documents"): a 草稿 watermark on every page and no number. Nothing is stored.
func (s *Server) replyPreview(c *gin.Context) {
	cs, err := s.caseFor(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if cs.Draft == nil || cs.State != cases.StatePendingApproval {
		s.pageError(c, cases.E(cases.ECONFLICT, "该案件没有待审批的答复草稿。", "this case has no drafted reply awaiting approval"))
		return
	}
	if s.cfg.Renderer == nil {
		s.pageError(c, cases.E(cases.EINTERNAL, "系统内部错误。", "no renderer"))
		return
	}
	ctx := c.Request.Context()
	a, err := s.db.Agency(ctx, cs.AgencyID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	all, err := s.db.Agencies(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	var siblings []cases.Agency
	for _, o := range all {
		if o.ID != a.ID {
			siblings = append(siblings, o)
		}
	}
	preview := *cs
	preview.Outcome = cs.Draft.Outcome
	pdf, _, err := s.cfg.Renderer.Render(cases.LetterRequest{Kind: cases.DocReply, Case: &preview, Agency: a, Draft: true,
		Date: s.staffToday(a), Siblings: siblings})
	if err != nil {
		s.pageError(c, err)
		return
	}
	name := cs.TrackingNo + "-reply-draft.pdf"
	c.Header("Content-Disposition", "inline; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}
