package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
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

// draftPreview shows the reply letter the draft form's values would issue, before the draft is
// sent for approval: the draft and its approval applied by the workflow on a copy and rendered
// as a draft (草稿 watermark, no number) by the renderer of the issued letter (store
// PreviewDraft). A draft the workflow refuses comes back as the refused form. Nothing is stored.
func (s *Server) draftPreview(c *gin.Context, cs *cases.Case, payload json.RawMessage) {
	pdf, err := s.db.PreviewDraft(c.Request.Context(), cs.ID, payload, actorOf(c), s.now())
	if err != nil {
		s.caseRefused(c, cs, string(cases.EventDraftReply), err)
		return
	}
	name := cs.TrackingNo + "-reply-draft.pdf"
	c.Header("Content-Disposition", "inline; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// insertPhrase adds the chosen phrase of the agency's phrases for the outcome (an agency setting
// kept by the administrator) to the draft's reasons and shows the draft form again: the insert
// works without script. Nothing is stored.
func (s *Server) insertPhrase(c *gin.Context, cs *cases.Case, form url.Values) {
	d, err := s.caseData(c, cs)
	if err != nil {
		s.pageError(c, err)
		return
	}
	in := url.Values{}
	for k, v := range form {
		in[k] = v
	}
	if p := strings.TrimSpace(form.Get("phrase")); p != "" {
		r := strings.TrimRight(form.Get("reasons"), " \r\n")
		if r != "" {
			r += "\n"
		}
		in.Set("reasons", r+p)
	}
	d.Failed, d.Input = string(cases.EventDraftReply), in
	for i := range d.Actions {
		d.Actions[i].Open = d.Actions[i].Event == string(cases.EventDraftReply)
	}
	s.render(c, http.StatusOK, "staff/case", "case.title", d)
}
