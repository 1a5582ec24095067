package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// 审批通过 has a confirmation step: the first submission shows the reply letter to be issued
// (the draft preview, framed by this site only) and changes nothing; the confirmed one issues it.
func TestApproveConfirmationStep(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StatePendingApproval)
	b := o.as("sup1")
	v := formOf(t, b, c.ID, "approve")
	code, _, body := postAction(b, c.ID, "approve", v, url.Values{})
	id := strconv.FormatInt(c.ID, 10)
	if code != http.StatusOK || !strings.Contains(body, `id="approve-letter"`) || !strings.Contains(body, `src="/staff/cases/`+id+`/preview"`) ||
		!strings.Contains(body, `name="confirm" value="1"`) || !strings.Contains(pageText(body), "确认审批通过，发出答复书") {
		t.Fatalf("review step: %d %s", code, pageText(body))
	}
	unchanged(t, o, c)
	w := b.get("/staff/cases/" + id + "/preview")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Fatalf("preview: %d %v", w.Code, w.Header())
	}
	code, _, body = postAction(b, c.ID, "approve", v, url.Values{"confirm": {"1"}})
	if code != http.StatusSeeOther || o.load(c.ID).State != cases.StateReplied {
		t.Fatalf("confirmed: %d %s", code, pageText(body))
	}
	// A stale form skips the review and is refused by the machine.
	c2 := o.inState(cases.StatePendingApproval)
	if code, _, _ = postAction(b, c2.ID, "approve", strconv.Itoa(c2.Version-1), url.Values{}); code != http.StatusConflict {
		t.Errorf("stale approve: %d", code)
	}
}

// Art. 33, docs/rules.md §4: an overdue case is not offered 延期答复 (nor a consultation, a fee
// notice or a new period); the page gives the reason instead of the form. A case within its
// deadline is offered the form.
func TestArt33OverdueCaseNotOfferedExtension(t *testing.T) {
	o := newOffice(t)
	late := o.register("2026-09-01")
	late = o.fire(late.ID, "clerk1", "accept", nil)
	if !cases.DateOf(o.db.Now(), time.UTC).After(late.ReplyDue) {
		t.Fatalf("the case is not overdue: due %s", late.ReplyDue)
	}
	page := o.as("sup1").get("/staff/cases/" + strconv.FormatInt(late.ID, 10)).Body.String()
	if strings.Contains(page, `id="form-extend"`) || !strings.Contains(page, `id="unav-extend"`) ||
		!strings.Contains(pageText(page), "答复期限已于"+late.ReplyDue.String()+"届满，不能再延长答复期限") {
		t.Fatalf("overdue case page: %s", pageText(page))
	}
	if !strings.Contains(page, `id="form-reassign"`) {
		t.Error("other actions are still offered")
	}
	fresh := o.fire(o.register("2026-11-02").ID, "clerk1", "accept", nil)
	if page := o.as("sup1").get("/staff/cases/" + strconv.FormatInt(fresh.ID, 10)).Body.String(); !strings.Contains(page, `id="form-extend"`) || strings.Contains(page, `id="unav-extend"`) {
		t.Error("a case within its deadline is not offered an extension")
	}
}
