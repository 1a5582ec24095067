package web

import (
	"net/http"
	"strings"
	"testing"

	cases "foidesk/case"
)

// Every outcome has plain words for the applicant, in both languages.
func TestEveryOutcomeInPlainWords(t *testing.T) {
	for _, o := range cases.Outcomes {
		for _, l := range []string{langZH, langEN} {
			if txt := T(l, "outcome.plain."+o.Code); txt == "outcome.plain."+o.Code || strings.Contains(txt, "（一）") {
				t.Errorf("%s (%s): %q", o.Code, l, txt)
			}
		}
	}
}

// The tracking page tells the outcome in plain words and lists the reply letter first; the hints
// carry the agency's own tracking prefix; the correction upload has its own hint.
func TestTrackingWording(t *testing.T) {
	s, db := newTestServer(t)
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)
	sup := staffActor(t, db, "sup1", cases.RoleSupervisor)
	no, code := apiApply(t, s, nil)
	if w := get(s, "/track"); !strings.Contains(w.Body.String(), "例如GK2026000001。") {
		t.Errorf("tracking hint without the agency's prefix")
	}
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "request_correction", map[string]any{"items": []string{"请上传身份证复印件"}}, clerk)
	login := postForm(s, "/track", map[string][]string{"tracking_no": {no}, "access_code": {code}})
	ck := login.Result().Cookies()
	page := get(s, "/track/"+no, withCookies(ck)).Body.String()
	if !strings.Contains(page, T(langZH, "track.correct.file.hint", "10")) || strings.Contains(page, `id="correction-file-hint">`+T(langZH, "apply.file.hint", "10")) {
		t.Errorf("the correction upload reuses the form's hint")
	}
	fire(t, db, no, "submit_correction", map[string]any{"received_on": "2026-11-03", "text": "已补充。"}, clerk)
	fire(t, db, no, "accept", map[string]any{}, clerk)
	fire(t, db, no, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"}, clerk)
	fire(t, db, no, "approve", map[string]any{}, sup)
	w := get(s, "/track/"+no, withCookies(ck))
	if w.Code != http.StatusOK {
		t.Fatalf("%d", w.Code)
	}
	page = w.Body.String()
	if !strings.Contains(page, `<dd id="outcome-text">予以公开：您申请的信息已提供，详见答复书。</dd>`) {
		t.Errorf("outcome not in plain words")
	}
	docs := page[strings.Index(page, `href="/track/`+no+`/documents/`):]
	if !strings.Contains(docs[:strings.Index(docs, "</li>")], cases.DocKinds.Label(cases.DocReply, langZH)) {
		t.Errorf("the reply letter is not first: %s", docs[:200])
	}
	en := get(s, "/api/v1/track/"+no+"?lang=en", withCode(code)).Body.String()
	if !strings.Contains(en, `"outcome_text":"Disclosed: the information you asked for is provided; see the reply."`) || strings.Index(en, `"kind":"reply"`) > strings.Index(en, `"kind":"application_form"`) {
		t.Errorf("API view: %s", en)
	}
}
