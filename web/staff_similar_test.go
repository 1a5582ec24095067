package web

import (
	"net/http"
	"strings"
	"testing"

	cases "foidesk/case"
)

// Art. 36(六), Art. 44 (docs/rules.md §8): the case page of a repeated request shows the applicant's
// earlier case with its outcome and letter; the supervisor's overview lists the information three
// applicants asked for.
func TestArt44_RepeatsOnCasePageClustersOnOverview(t *testing.T) {
	o := newOffice(t)
	first := o.register("2026-11-02")
	o.fire(first.ID, "clerk1", "accept", nil)
	o.fire(first.ID, "clerk1", "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开"})
	first = o.fire(first.ID, "sup1", "approve", nil)
	again := o.register("2026-11-03")
	for _, id := range []string{"E1234567", "E7654321"} {
		app := paperApp("2026-11-03")
		app.Applicant.IDType, app.Applicant.IDNumber = cases.IDPassport, id
		app.Description = "申请公开本区2025年老旧小区改造项目资金使用情况"
		if _, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1")); err != nil {
			t.Fatal(err)
		}
	}
	w := o.as("clerk1").get("/staff/cases/" + itoa64(again.ID))
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `id="earlier"`) || !strings.Contains(body, `data-earlier="`+first.TrackingNo+`"`) || !strings.Contains(body, first.LetterNo) ||
		!strings.Contains(body, "（一）予以公开") || strings.Contains(pageText(body), "办结，disclose") {
		t.Fatalf("case page %d: no earlier request (or its outcome as a raw code) %s (%s)\n%s", w.Code, first.TrackingNo, first.LetterNo, pageText(body))
	}
	w = o.as("sup1").get("/staff/overview")
	body = w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `id="clusters"`) || !strings.Contains(body, "3位申请人、4件申请") {
		t.Fatalf("overview %d: no cluster\n%s", w.Code, pageText(body))
	}
}
