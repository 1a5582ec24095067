package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	cases "foidesk/case"
	"foidesk/notify"
)

// Browser tests of issue 14 (citizens never lose their case): 关怀模式 on a phone, the confirmation's
// language switch, losing and recovering the access code through SMS (Alibaba Cloud's API, a local
// fake that checks the signature). Screenshots go to FOIDESK_SHOTS when it names a directory.

// shot saves a full-page screenshot as name under FOIDESK_SHOTS (nothing when unset).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("FOIDESK_SHOTS")
	if dir == "" {
		return
	}
	b := browseGet(t, ctx, "screenshot "+name, chromedp.FullScreenshot(90))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// axeSource is axe-core's script (FOIDESK_AXE), or "" when it is not installed.
func axeSource(t *testing.T) string {
	p := os.Getenv("FOIDESK_AXE")
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("FOIDESK_AXE is not set (required when CI is set)")
		}
		t.Log("FOIDESK_AXE not set: the axe-core checks of this test are skipped")
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeClean fails the test on any serious or critical violation of the current page.
func axeClean(t *testing.T, ctx context.Context, src, name string) {
	t.Helper()
	if src == "" {
		return
	}
	for _, v := range runAxe(t, ctx, src) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: %s violation %s (%s): %s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "; "))
		}
	}
}

// fillPerson fills the person's form (already shown) with a valid application for the post.
func fillPerson() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SetValue(chromedp.ID("f-applicant-name"), "张三"),
		chromedp.SetValue(chromedp.ID("f-applicant-id-number"), validResidentID),
		chromedp.SetValue(chromedp.ID("f-description"), "请公开2025年本区老旧小区改造项目的资金使用情况。"),
		chromedp.Click(chromedp.ID("f-delivery-pickup")),
		chromedp.Click(chromedp.ID("f-carrier-paper")),
		chromedp.SetValue(chromedp.ID("f-applicant-phone"), "138 0013 8000"),
	)
}

// Art. 43 (适老化): on a 390 px wide phone, 关怀模式 is switched on from the start page, kept on the
// next pages, with text of at least 18 px, targets of at least 44 px, and axe-core clean in both
// modes.
func TestArt43_BrowserCareModePhone(t *testing.T) {
	s, db := newTestServer(t)
	a, _ := db.AgencyByCode(context.Background(), "default")
	a.Name = "长沙市望城区人民政府办公室"
	a.Settings.Phone, a.Settings.Address = "0731-88888888", "长沙市望城区某某路1号"
	db.UpdateAgency(context.Background(), a)
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx := newBrowser(t, 390, 844)
	axe := axeSource(t)

	// Chromium's headless window is at least 500 px wide: the phone's viewport is emulated.
	browse(t, ctx, "start page", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(ts.URL+"/?lang=zh"), arrive(chromedp.ID("care-switch")))
	if w := browseGet(t, ctx, "viewport", chromedp.Evaluate[float64](`window.innerWidth`)); w != 390 {
		t.Fatalf("viewport %v px wide", w)
	}
	axeClean(t, ctx, axe, "start page, standard")
	shot(t, ctx, "home-390-standard.png")
	browse(t, ctx, "switch 关怀模式 on", chromedp.Click(chromedp.ID("care-switch")), arrive(chromedp.CSS(`html.care #care-switch`)))
	shot(t, ctx, "home-390-care.png")
	axeClean(t, ctx, axe, "start page, care")
	measure := func(where string) {
		t.Helper()
		var m struct {
			Body, Hint, Footer float64
			Small              []string
		}
		m = browseGet(t, ctx, "measure", chromedp.Evaluate[struct {
			Body, Hint, Footer float64
			Small              []string
		}](`(() => {
			const px = el => el ? parseFloat(getComputedStyle(el).fontSize) : 99;
			const small = [];
			for (const el of document.querySelectorAll("header a, header button, main a, main button, footer a, input, select, textarea")) {
				const r = el.getBoundingClientRect();
				if (r.width === 0 || r.height === 0 || el.type === "hidden" || el.classList.contains("skip") || el.closest(".hp")) continue;
				if (el.type === "radio" || el.type === "checkbox") continue; // their row (label) is the target
				if (r.height < 44 && !(el.tagName === "A" && el.closest("p, li, dd") && !el.closest("header, footer, .actions-list, .cards"))) small.push(el.tagName + "#" + el.id + "." + el.className + " " + Math.round(r.height));
			}
			return {Body: px(document.body), Hint: px(document.querySelector(".hint")), Footer: px(document.querySelector("footer")), Small: small};
		})()`))
		if m.Body < 18 || m.Hint < 18 || m.Footer < 18 {
			t.Errorf("%s: text below 18 px: body %.1f, hint %.1f, footer %.1f", where, m.Body, m.Hint, m.Footer)
		}
		if len(m.Small) > 0 {
			t.Errorf("%s: targets below 44 px: %v", where, m.Small)
		}
	}
	measure("start page")
	browse(t, ctx, "the form keeps the mode", chromedp.Navigate(ts.URL+"/apply?kind=person"), arrive(chromedp.ID("f-applicant-name")))
	if !browseGet(t, ctx, "care kept", chromedp.Evaluate[bool](`document.documentElement.classList.contains("care")`)) {
		t.Fatal("关怀模式 not remembered")
	}
	measure("form")
	axeClean(t, ctx, axe, "form, care")
	shot(t, ctx, "apply-390-care.png")
	browse(t, ctx, "submit", fillPerson(), chromedp.Submit(chromedp.ID("f-applicant-name")), arrive(chromedp.ID("access-code")))
	axeClean(t, ctx, axe, "confirmation, care")
	shot(t, ctx, "done-390-care.png")
	// The code fits the phone's width.
	if w := browseGet(t, ctx, "code width", chromedp.Evaluate[float64](`document.getElementById("access-code").getBoundingClientRect().right`)); w > 390 {
		t.Errorf("the access code overflows the screen: right edge at %.0f px", w)
	}
	browse(t, ctx, "tracking", chromedp.Navigate(ts.URL+"/track"), arrive(chromedp.ID("tracking-no")))
	measure("tracking")
	axeClean(t, ctx, axe, "tracking, care")
	shot(t, ctx, "track-390-care.png")
	browse(t, ctx, "switch it off", chromedp.Click(chromedp.ID("care-switch")), arrive(chromedp.CSS(`html:not(.care) #care-switch`)))
	axeClean(t, ctx, axe, "tracking, standard")
}

// The confirmation is a POST result: its language switch re-posts the form token and shows the same
// code in English; so does the care switch.
func TestBrowserConfirmationLanguageSwitch(t *testing.T) {
	s, _ := newTestServer(t)
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx := newBrowser(t, 1024, 900)
	browse(t, ctx, "apply", chromedp.Navigate(ts.URL+"/apply?kind=person&lang=zh"), arrive(chromedp.ID("f-applicant-name")),
		fillPerson(), chromedp.Submit(chromedp.ID("f-applicant-name")), arrive(chromedp.ID("access-code")))
	code := browserText(t, ctx, "#access-code")
	if len(code) != 19 || strings.Count(code, "-") != 3 {
		t.Fatalf("code not grouped XXXX-XXXX-XXXX-XXXX: %q", code)
	}
	shot(t, ctx, "done-zh.png")
	browse(t, ctx, "English", chromedp.Click(chromedp.ID("lang-switch")), arrive(chromedp.CSS(`html[lang="en"] #access-code`)))
	if got := browserText(t, ctx, "#access-code"); got != code {
		t.Fatalf("the code changed or vanished after the language switch: %q, was %q", got, code)
	}
	if h := browserText(t, ctx, "h1"); !strings.Contains(h, "submitted") {
		t.Errorf("not English: %q", h)
	}
	shot(t, ctx, "done-en.png")
	browse(t, ctx, "care", chromedp.Click(chromedp.ID("care-switch")), arrive(chromedp.CSS(`html.care #access-code`)))
	if got := browserText(t, ctx, "#access-code"); got != code {
		t.Fatalf("the code changed after the care switch: %q", got)
	}
	browse(t, ctx, "back to Chinese", chromedp.Click(chromedp.ID("lang-switch")), arrive(chromedp.CSS(`html[lang="zh-CN"] #access-code`)))
	if got := browserText(t, ctx, "#access-code"); got != code {
		t.Fatalf("the code changed after switching back: %q", got)
	}
	// The print layout keeps the code and the warning, without the navigation.
	browse(t, ctx, "print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	visible := browseGet(t, ctx, "print layout", chromedp.Evaluate[[]bool](`[
		getComputedStyle(document.getElementById("access-code")).display !== "none",
		getComputedStyle(document.getElementById("code-warning")).display !== "none",
		getComputedStyle(document.querySelector("header.site")).display === "none"]`))
	if len(visible) != 3 || !visible[0] || !visible[1] || !visible[2] {
		t.Errorf("print layout: %v", visible)
	}
	shot(t, ctx, "done-print.png")
}

// aliyunStub is a local stand-in for Alibaba Cloud SMS that checks each request's signature (v1.0,
// HMAC-SHA1) and keeps what it accepted.
type aliyunStub struct {
	secret string
	mu     sync.Mutex
	sent   []url.Values
	bad    int
}

func (f *aliyunStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	v, _ := url.ParseQuery(string(b))
	f.mu.Lock()
	defer f.mu.Unlock()
	if v.Get("SignatureMethod") != "HMAC-SHA1" || v.Get("SignatureVersion") != "1.0" || v.Get("Signature") == "" || v.Get("Signature") != notify.AliyunSignature(r.Method, v, f.secret) {
		f.bad++
		w.Write([]byte(`{"Code":"SignatureDoesNotMatch","Message":"signature","RequestId":"x"}`))
		return
	}
	f.sent = append(f.sent, v)
	w.Write([]byte(`{"Code":"OK","Message":"OK","RequestId":"y","BizId":"z"}`))
}

// An applicant who lost the code gets a new one by SMS (Alibaba Cloud, signature checked) from the
// page linked on the tracking form, opens the case with it, and the old code no longer works.
func TestBrowserLoseAndRecoverCode(t *testing.T) {
	s, db := newTestServer(t)
	ts := httptest.NewServer(s)
	defer ts.Close()
	stub := &aliyunStub{secret: "test-secret"}
	sms := httptest.NewServer(stub)
	defer sms.Close()
	svc := &notify.Service{Store: db, Now: db.Now, SMS: notify.AliyunSMS{Endpoint: sms.URL + "/", AccessKeyID: "LTAI-test", AccessKeySecret: "test-secret",
		SignName: "望城区政务公开", Template: "SMS_1"}}
	ctx := newBrowser(t, 1024, 900)
	browse(t, ctx, "apply", chromedp.Navigate(ts.URL+"/apply?kind=person&lang=zh"), arrive(chromedp.ID("f-applicant-name")),
		fillPerson(), chromedp.Submit(chromedp.ID("f-applicant-name")), arrive(chromedp.ID("access-code")))
	no := browserText(t, ctx, "#tracking-no")
	oldCode := browserText(t, ctx, "#access-code")
	// The code is lost: a fresh browser session (cookies gone), the tracking form, the recovery link.
	browse(t, ctx, "forget", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}), chromedp.Navigate(ts.URL+"/track?no="+no), arrive(chromedp.ID("recover-link")),
		chromedp.Click(chromedp.ID("recover-link")), arrive(chromedp.ID("recover-contact")))
	if v := browseGet(t, ctx, "number carried", chromedp.Value(chromedp.ID("recover-tracking-no"))); v != no {
		t.Errorf("tracking number not carried to the recovery form: %q", v)
	}
	browse(t, ctx, "recover",
		chromedp.SetValue(chromedp.ID("recover-id-number"), strings.ToLower(validResidentID)),
		chromedp.SetValue(chromedp.ID("recover-contact"), "+86 138-0013-8000"),
		chromedp.Submit(chromedp.ID("recover-contact")), arrive(chromedp.ID("recover-sent")))
	shot(t, ctx, "recover-sent.png")
	d, err := svc.Deliver(context.Background())
	if err != nil || d.Sent != 1 || stub.bad != 0 || len(stub.sent) != 1 {
		t.Fatalf("SMS delivery: %+v %v, refused %d", d, err, stub.bad)
	}
	req := stub.sent[0]
	var params map[string]string
	json.Unmarshal([]byte(req.Get("TemplateParam")), &params)
	newCode := params["code"]
	if req.Get("PhoneNumbers") != "13800138000" || params["no"] != no || len(newCode) != 19 || newCode == oldCode {
		t.Fatalf("SMS request %v", req)
	}
	// The old code is refused; the new one, typed in lower case with spaces, opens the case.
	browse(t, ctx, "old code", chromedp.Navigate(ts.URL+"/track"), arrive(chromedp.ID("tracking-no")),
		chromedp.SetValue(chromedp.ID("tracking-no"), no), chromedp.SetValue(chromedp.ID("access-code"), oldCode),
		chromedp.Submit(chromedp.ID("tracking-no")), arrive(chromedp.CSS(".error-summary")))
	browse(t, ctx, "new code", chromedp.SetValue(chromedp.ID("tracking-no"), no),
		chromedp.SetValue(chromedp.ID("access-code"), strings.ToLower(strings.ReplaceAll(newCode, "-", " "))),
		chromedp.Submit(chromedp.ID("tracking-no")), arrive(chromedp.ID("h-state")))
	if c, err := db.AccessCase(context.Background(), no, newCode); err != nil || c.Events[len(c.Events)-1].Event != "access_code_reissued" {
		t.Errorf("stored: %v", err)
	}
	_ = cases.GroupCode
}

// An identity proof attached to a form that comes back with an error is kept (listed as
// 已上传：…), goes through the check-your-answers step without being chosen again and is stored with
// the case; the address fields appear only when the post is chosen (no script: CSS :has()).
func TestBrowserUploadSurvivesError(t *testing.T) {
	s, db := newTestServer(t)
	ts := httptest.NewServer(s)
	defer ts.Close()
	dir := t.TempDir()
	proof := filepath.Join(dir, "身份证.png")
	if err := os.WriteFile(proof, pngBytes(4000), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 1024, 900)
	browse(t, ctx, "form", chromedp.Navigate(ts.URL+"/apply?kind=person&lang=zh"), arrive(chromedp.ID("f-applicant-name")))
	shown := func(id string) bool {
		return browseGet(t, ctx, "shown "+id, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById("`+id+`").closest(".field")).display !== "none"`))
	}
	if shown("f-applicant-address") || shown("f-applicant-fax") {
		t.Error("address or fax shown before a delivery way needs them")
	}
	browse(t, ctx, "choose the post", chromedp.Click(chromedp.ID("f-delivery-post")), checked("f-delivery-post"))
	if !shown("f-applicant-address") || !shown("f-applicant-postcode") || shown("f-applicant-fax") {
		t.Error("the post does not show the address fields (or shows the fax)")
	}
	browse(t, ctx, "fill with an error and a file",
		chromedp.SetValue(chromedp.ID("f-applicant-name"), "张三"),
		chromedp.SetValue(chromedp.ID("f-applicant-id-number"), "110105194912310021"),
		chromedp.SetValue(chromedp.ID("f-description"), "请公开2025年本区老旧小区改造项目的资金使用情况。"),
		chromedp.Click(chromedp.ID("f-carrier-paper")),
		chromedp.SetValue(chromedp.ID("f-applicant-phone"), "13800138000"),
		chromedp.SetValue(chromedp.ID("f-applicant-address"), "长沙市望城区某某路1号"),
		chromedp.SetValue(chromedp.ID("f-applicant-postcode"), "410200"),
		chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{proof}),
		chromedp.Click(chromedp.ID("apply-continue")),
		arrive(chromedp.CSS(".error-summary")),
	)
	if txt := browserText(t, ctx, "#kept-files"); !strings.Contains(txt, "已上传：身份证.png") || !strings.Contains(txt, "删除") {
		t.Fatalf("the upload is not kept: %q", txt)
	}
	shot(t, ctx, "apply-kept-upload.png")
	browse(t, ctx, "correct, check, submit",
		chromedp.SetValue(chromedp.ID("f-applicant-id-number"), validResidentID),
		chromedp.Click(chromedp.ID("apply-continue")),
		arrive(chromedp.ID("review-submit")))
	if txt := browserText(t, ctx, "#review-files"); !strings.Contains(txt, "身份证.png") {
		t.Fatalf("the review does not list the file: %q", txt)
	}
	shot(t, ctx, "apply-review.png")
	browse(t, ctx, "submit", chromedp.Click(chromedp.ID("review-submit")), arrive(chromedp.ID("access-code")))
	no := browserText(t, ctx, "#tracking-no")
	c, err := db.CaseByTracking(context.Background(), no)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range c.Documents {
		if d.Kind == cases.DocUpload && d.Filename == "身份证.png" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d copies of the proof stored", n)
	}
	if txt := browserText(t, ctx, "main"); !strings.Contains(txt, "已收到身份证明文件1份") {
		t.Errorf("the confirmation does not say the proof was received")
	}
}
