package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// docs/rules.md §8, Art. 45: late post received in a signed month. The clerk's registration is
// refused with the way forward; a supervisor reopens the month with a reason (API: 403 for
// clerks, 422 with fields.reason, 409 when not signed or reopened already); the clerk registers the
// letter; the month is signed off again; the page shows the reopening and both sign-offs.
func TestArt45_SignOffReopenAPIAndPage(t *testing.T) {
	o, _ := reportOffice(t) // January 2026 may be signed off (9 February)
	ctx := o.ctx
	agency, _ := o.db.AgencyByCode(ctx, "")
	sign := func() cases.SignOff {
		t.Helper()
		sup := o.actor("sup1")
		l, err := o.db.SignOffLedger(ctx, agency.ID, 2026, 1, sup)
		if err != nil {
			t.Fatal(err)
		}
		f, err := o.db.AuditMonth(ctx, agency.ID, 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		so, err := o.db.SignOffMonth(ctx, cases.SignOffRequest{AgencyID: agency.ID, Year: 2026, Month: 1, LedgerPDF: []byte("%PDF-1.4 ledger"), LedgerDigest: l.Digest, Acknowledged: len(f)}, sup)
		if err != nil {
			t.Fatal(err)
		}
		return so
	}
	first := sign()

	// the page of a signed month offers the reopening, with its reason required
	page := o.as("sup1").get("/staff/signoff?year=2026&month=1")
	if body := page.Body.String(); !strings.Contains(body, `id="reopen-form"`) || !strings.Contains(body, `name="reason"`) || strings.Contains(body, `id="signoff-form"`) {
		t.Errorf("signed month's page: %s", pageText(body))
	}

	letter := map[string]any{"applicant": map[string]any{"kind": "person", "name": "李四", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000"},
		"description": "请公开2025年本区老旧小区改造项目的资金使用情况。", "delivery": "pickup", "carrier": "paper", "channel": "post_registered", "received_on": "2026-01-30"}
	w := o.api("clerk1", "POST", "/api/v1/cases", letter)
	if code, msg, _ := apiErrorOf(t, w); w.Code != http.StatusConflict || code != "ECONFLICT" || !strings.Contains(msg, "2026年1月的台账已签核") || !strings.Contains(msg, "重新开放该月的签核") {
		t.Fatalf("late post in a signed month: %d %s", w.Code, w.Body)
	}
	w = o.api("clerk1", "POST", "/api/v1/cases?lang=en", letter)
	if _, msg, _ := apiErrorOf(t, w); !strings.Contains(msg, "a supervisor reopens the month's sign-off") {
		t.Errorf("English refusal: %s", msg)
	}

	reopen := map[string]any{"year": 2026, "month": 1, "reason": "补登1月30日收到的挂号信"}
	if w := o.api("clerk1", "POST", "/api/v1/signoffs/reopen", reopen); w.Code != http.StatusForbidden {
		t.Errorf("clerk reopening: %d %s", w.Code, w.Body)
	}
	if w := o.as("clerk1").post("/staff/signoff/reopen", url.Values{"year": {"2026"}, "month": {"1"}, "reason": {"x"}}); w.Code != http.StatusForbidden {
		t.Errorf("clerk reopening on the page: %d", w.Code)
	}
	w = o.api("sup1", "POST", "/api/v1/signoffs/reopen", map[string]any{"year": 2026, "month": 1, "reason": " "})
	if code, _, fields := apiErrorOf(t, w); w.Code != http.StatusUnprocessableEntity || code != "EINVALID" || fields["reason"] == "" {
		t.Errorf("no reason: %d %s", w.Code, w.Body)
	}
	w = o.api("sup1", "POST", "/api/v1/signoffs/reopen", map[string]any{"year": 2025, "month": 12, "reason": "补登"})
	if code, _, _ := apiErrorOf(t, w); w.Code != http.StatusConflict || code != "ECONFLICT" {
		t.Errorf("a month not signed: %d %s", w.Code, w.Body)
	}
	w = o.api("sup1", "POST", "/api/v1/signoffs/reopen", map[string]any{"year": 2026, "month": 1, "reason": "补登", "extra": 1})
	if _, _, fields := apiErrorOf(t, w); w.Code != http.StatusUnprocessableEntity || fields["extra"] == "" {
		t.Errorf("unknown field: %d %s", w.Code, w.Body)
	}
	// the page refuses a reopening without a reason, saying so, and records nothing
	w = o.as("sup1").post("/staff/signoff/reopen", url.Values{"year": {"2026"}, "month": {"1"}, "reason": {""}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请填写重新开放的原因") {
		t.Errorf("page without a reason: %d %s", w.Code, pageText(w.Body.String()))
	}

	w = o.api("sup1", "POST", "/api/v1/signoffs/reopen", reopen)
	var ro cases.SignOffReopening
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &ro) != nil || ro.ID == 0 || ro.SignOffID != first.ID || ro.ReopenedBy != "sup1" || ro.Reason != "补登1月30日收到的挂号信" || ro.Agency != "default" {
		t.Fatalf("reopen: %d %s", w.Code, w.Body)
	}
	if w := o.api("sup1", "POST", "/api/v1/signoffs/reopen", reopen); w.Code != http.StatusConflict {
		t.Errorf("reopening twice: %d %s", w.Code, w.Body)
	}

	// the clerk registers the letter; the page shows the month open, the warning and the history
	if w := o.api("clerk1", "POST", "/api/v1/cases", letter); w.Code != http.StatusCreated {
		t.Fatalf("late post after the reopening: %d %s", w.Code, w.Body)
	}
	page = o.as("sup1").get("/staff/signoff?year=2026&month=1")
	body, txt := page.Body.String(), pageText(page.Body.String())
	if !strings.Contains(body, `id="reopened"`) || !strings.Contains(body, `id="signoff-form"`) || !strings.Contains(body, `id="signoff-warning"`) || !strings.Contains(txt, "补登1月30日收到的挂号信") || !strings.Contains(txt, "再次签核") {
		t.Errorf("reopened month's page: %s", txt)
	}
	page = o.as("sup1").get("/staff/signoff?year=2026&month=1&lang=en")
	txt = pageText(page.Body.String())
	for _, want := range []string{"The month's sign-off was reopened on 2026-02-09 09:00 by sup1. Reason: 补登1月30日收到的挂号信.", "Sign off again", "Reopened"} {
		if !strings.Contains(strings.ReplaceAll(txt, "&#39;", "'"), want) {
			t.Errorf("English page without %q: %s", want, txt)
		}
	}
	second := sign()
	if second.Round != 2 {
		t.Errorf("second sign-off round %d", second.Round)
	}
	page = o.as("sup1").get("/staff/signoff?year=2026&month=1")
	txt = pageText(page.Body.String())
	for _, want := range []string{"再次签核（第2次）", "重新开放", "补登1月30日收到的挂号信", first.LedgerSHA256, second.LedgerSHA256} {
		if !strings.Contains(txt, want) {
			t.Errorf("history without %q: %s", want, txt)
		}
	}
	if !strings.Contains(page.Body.String(), `id="signed"`) || !strings.Contains(page.Body.String(), `id="reopen-form"`) {
		t.Errorf("signed again: %s", txt)
	}

	// the listing: the month's latest sign-off first, the first with its reopening
	w = o.api("sup1", "GET", "/api/v1/signoffs?year=2026&month=1", nil)
	var list struct{ Items []cases.SignOff }
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &list) != nil || len(list.Items) != 2 || list.Items[0].Round != 2 || list.Items[0].Reopened != nil ||
		list.Items[1].Reopened == nil || list.Items[1].Reopened.Reason != ro.Reason {
		t.Errorf("listing: %d %s", w.Code, w.Body)
	}
	if w := o.api("sup1", "GET", "/api/v1/signoffs?year=2025", nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"items":[]`) {
		t.Errorf("listing of 2025: %d %s", w.Code, w.Body)
	}
	if w := o.api("clerk1", "GET", "/api/v1/signoffs", nil); w.Code != http.StatusForbidden {
		t.Errorf("clerk listing: %d", w.Code)
	}
}

// The warning at signing: online applications submitted by the month's end and still awaiting
// registration are counted, and the way to register late post after the sign-off is said.
func TestSignOffWarnsOfApplicationsNotRegistered(t *testing.T) {
	o, _ := reportOffice(t)
	page := o.as("sup1").get("/staff/signoff?year=2026&month=1")
	if txt := pageText(page.Body.String()); strings.Contains(txt, "件网上申请") || !strings.Contains(txt, "重新开放该月的签核后补登") {
		t.Errorf("no online submission: %s", txt)
	}
	now := o.db.Now
	o.db.Now = func() time.Time { return time.Date(2026, 1, 31, 23, 30, 0, 0, time.FixedZone("CST", 8*3600)) } // 31 January, late evening
	if _, _, err := o.db.CreateApplication(o.ctx, paperApp("2026-01-20")); err != nil {
		t.Fatal(err)
	}
	o.db.Now = func() time.Time { return time.Date(2026, 2, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)) } // February: not counted
	if _, _, err := o.db.CreateApplication(o.ctx, paperApp("2026-01-20")); err != nil {
		t.Fatal(err)
	}
	o.db.Now = now
	page = o.as("sup1").get("/staff/signoff?year=2026&month=1")
	if txt := pageText(page.Body.String()); !strings.Contains(txt, "尚有1件网上申请提交于2026年1月底之前、仍待登记") {
		t.Errorf("one online submission awaiting registration: %s", txt)
	}
	page = o.as("sup1").get("/staff/signoff?year=2026&month=1&lang=en")
	if txt := pageText(page.Body.String()); !strings.Contains(txt, "Still awaiting registration: 1 online application(s) submitted by the end of 2026-01") {
		t.Errorf("English warning: %s", txt)
	}
}
