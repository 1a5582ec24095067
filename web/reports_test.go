package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	cases "foidesk/case"
	"foidesk/forms"
)

// reportOffice is an office on 2026-02-03 with January's work done, served with the real PDF
// renderer when the font is installed (stub letters otherwise).
func reportOffice(t *testing.T) (*office, bool) {
	t.Helper()
	o := newOfficeAt(t, time.Date(2026, 1, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	withFont := false
	if font, err := forms.LoadFont(forms.DefaultFontPath); err == nil {
		bold, _ := forms.LoadFont(forms.DefaultBoldFontPath)
		r := forms.NewRenderer(font, bold)
		s, err := New(Config{Backend: o.db, Renderer: r, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return o.db.Now() },
			Reports: o.db, ReportRenderer: r, Inbox: o.db, Archive: o.db, ArchiveRenderer: r, Sessions: o.db.SessionStore()})
		if err != nil {
			t.Fatal(err)
		}
		o.s, withFont = s, true
	} else if os.Getenv("CI") != "" {
		t.Fatalf("CI: %v", err)
	}
	at := func(day string) {
		d := cases.MustDate(day)
		tm := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
		o.db.Now = func() time.Time { return tm }
	}
	a := o.register("2026-01-05")
	o.fire(a.ID, "clerk1", "accept", nil)
	o.fire(a.ID, "clerk1", "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开。"})
	at("2026-01-12")
	o.fire(a.ID, "sup1", "approve", nil)
	b := o.register("2026-01-12")
	o.fire(b.ID, "clerk1", "accept", nil)
	o.fire(b.ID, "clerk1", "draft_reply", map[string]any{"outcome": "withhold.state_secret", "reasons": "属于国家秘密。"})
	at("2026-01-20")
	o.fire(b.ID, "sup1", "approve", nil) // never delivered: an audit finding
	o.register("2026-01-20")             // still open
	at("2026-02-09")                     // January may be signed off (its grace period ended on 6 February)
	return o, withFont
}

func TestReportsAPI(t *testing.T) {
	o, withFont := reportOffice(t)
	w := o.api("sup1", "GET", "/api/v1/reports/annual?year=2026", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("annual: %d %s", w.Code, w.Body.String())
	}
	var rep map[string]json.RawMessage
	json.Unmarshal(w.Body.Bytes(), &rep)
	for _, k := range []string{"year", "table3", "table4", "fees", "check"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("annual JSON lacks %s", k)
		}
	}
	var t3 map[string]map[string]int
	json.Unmarshal(rep["table3"], &t3)
	if t3["new"]["person"] != 3 || t3["disclose"]["total_col"] != 1 || t3["withhold.state_secret"]["person"] != 1 || t3["carried_out"]["total_col"] != 1 || len(t3) != 25 {
		t.Errorf("table3 %v", t3)
	}
	if w := o.api("clerk1", "GET", "/api/v1/reports/annual?year=2026", nil); w.Code != http.StatusForbidden {
		t.Errorf("clerk: %d", w.Code)
	}
	if w := o.api("", "GET", "/api/v1/reports/annual?year=2026", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
	if w := o.api("sup1", "GET", "/api/v1/reports/annual?year=2026&agency=dept", nil); w.Code != http.StatusForbidden {
		t.Errorf("another agency: %d", w.Code)
	}
	if w := o.api("sup1", "GET", "/api/v1/reports/annual", nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("no year: %d", w.Code)
	}
	w = o.api("sup1", "GET", "/api/v1/reports/annual?year=2026&format=csv", nil)
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || len(lines) != 30 || lines[0] != "一、本年新收政府信息公开申请数量,3,0,0,0,0,0,3" {
		t.Errorf("annual csv: %d %q\n%s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	w = o.api("sup1", "GET", "/api/v1/reports/monthly?year=2026&month=1", nil)
	var st cases.MonthlyStats
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &st) != nil || st.Total.Received != 3 || st.Total.Concluded != 2 || st.Total.Replied != 2 {
		t.Errorf("monthly: %d %s", w.Code, w.Body.String())
	}
	// the ledger
	w = o.api("clerk1", "GET", "/api/v1/ledger?from=2026-01-01&to=2026-01-31", nil)
	var l cases.Ledger
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &l) != nil || len(l.Rows) != 3 || len(l.Digest) != 64 || l.Rows[0].IDNumber != "1101**********002X" {
		t.Errorf("ledger: %d %s", w.Code, w.Body.String())
	}
	w = o.api("clerk1", "GET", "/api/v1/ledger?from=2026-01-01&to=2026-01-31&format=csv", nil)
	if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("\xEF\xBB\xBF")) || !strings.Contains(w.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("ledger csv: %d", w.Code)
	}
	if w := o.api("clerk1", "GET", "/api/v1/ledger?to=2026-01-31", nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("ledger without from: %d", w.Code)
	}
	if w := o.api("clerk1", "GET", "/api/v1/ledger?from=2026-01-01&to=2026-01-31&full=true", nil); w.Code != http.StatusForbidden {
		t.Errorf("clerk full export: %d", w.Code)
	}
	w = o.api("admin1", "GET", "/api/v1/ledger?from=2026-01-01&to=2026-01-31&full=true", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "11010519491231002X") {
		t.Errorf("admin full export: %d", w.Code)
	}
	if !withFont {
		t.Skip("font not installed: the PDF exports are not checked")
	}
	for _, p := range []string{"/api/v1/reports/annual?year=2026&format=pdf", "/api/v1/reports/monthly?year=2026&month=1&format=pdf", "/api/v1/ledger?from=2026-01-01&to=2026-01-31&format=pdf", "/api/v1/ledger?from=2026-01-01&to=2026-01-31&format=xlsx"} {
		w := o.api("admin1", "GET", p, nil)
		if w.Code != http.StatusOK || (strings.Contains(p, "pdf") && !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-"))) || (strings.Contains(p, "xlsx") && !bytes.HasPrefix(w.Body.Bytes(), []byte("PK"))) {
			t.Errorf("%s: %d %q", p, w.Code, w.Header().Get("Content-Type"))
		}
	}
}

func TestReportPages(t *testing.T) {
	o, withFont := reportOffice(t)
	sup := o.as("sup1")
	w := sup.get("/staff/reports?year=2026")
	text := pageText(w.Body.String())
	for _, want := range []string{"三、本年度办理结果", "法人或其他组织", "（三）不予公开", "1.属于国家秘密", "（七）总计", "四、结转下年度继续办理", "相符", "行政复议", "信息处理费"} {
		if !strings.Contains(text, want) {
			t.Errorf("annual page lacks %q", want)
		}
	}
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `rowspan="22"`) {
		t.Errorf("annual page: %d (三 spans its 22 rows)", w.Code)
	}
	if w := sup.get("/staff/reports?year=2026&format=csv"); w.Code != http.StatusOK || !strings.HasPrefix(w.Body.String(), "一、本年新收") {
		t.Errorf("annual csv download: %d", w.Code)
	}
	if w := sup.get("/staff/reports/monthly?year=2026&month=1"); w.Code != http.StatusOK || !strings.Contains(pageText(w.Body.String()), "本月收到申请数 3") {
		t.Errorf("monthly page: %d", w.Code)
	}
	clerk := o.as("clerk1")
	if w := clerk.get("/staff/reports"); w.Code != http.StatusForbidden {
		t.Errorf("clerk reports page: %d", w.Code)
	}
	w = clerk.get("/staff/ledger?from=2026-01-01&to=2026-01-31")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "GK2026000001") || strings.Contains(w.Body.String(), `id="digest"`) || strings.Contains(w.Body.String(), "11010519491231002X") || strings.Contains(w.Body.String(), `name="full"`) {
		t.Errorf("ledger page: %d", w.Code)
	}
	if w := o.as("admin1").get("/staff/ledger"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `name="full"`) {
		t.Errorf("admin ledger page: %d", w.Code)
	}
	if w := clerk.get("/staff/ledger/export?from=2026-01-01&to=2026-01-31&format=csv"); w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Errorf("ledger export: %d", w.Code)
	}
	// the dashboard: server-side SVG, no script
	w = sup.get("/staff/dashboard")
	body := w.Body.String()
	if w.Code != http.StatusOK || strings.Count(body, "<svg") != 5 || strings.Contains(body, "<script") || !strings.Contains(body, `role="img"`) || strings.Contains(body, "style=") {
		t.Errorf("dashboard: %d, %d charts", w.Code, strings.Count(body, "<svg"))
	}
	// its numbers open the cases behind them: the overdue count the overdue queue, a month's
	// receipts that month's ledger
	if !strings.Contains(body, `href="/staff/queue?tab=overdue"`) || !strings.Contains(body, `href="/staff/ledger?from=2026-01-01&amp;to=2026-01-31"`) {
		t.Errorf("dashboard numbers are not links")
	}
	// the audit and sign-off of January
	w = sup.get("/staff/signoff?year=2026&month=1")
	if w.Code != http.StatusOK || !strings.Contains(pageText(w.Body.String()), "答复未登记送达") || !strings.Contains(w.Body.String(), `id="signoff-form"`) {
		t.Fatalf("signoff page: %d\n%s", w.Code, pageText(w.Body.String()))
	}
	if !withFont {
		t.Skip("font not installed: the sign-off is not checked")
	}
	digest := regexpFind(w.Body.String(), `name="digest" value="([0-9a-f]{64})"`)
	ack := regexpFind(w.Body.String(), `name="acknowledged" value="(\d+)"`)
	if ack != "2" {
		t.Errorf("acknowledged %q, want the 2 replies without delivery", ack)
	}
	form := url.Values{"year": {"2026"}, "month": {"1"}, "digest": {digest}, "acknowledged": {ack}, "note": {"已核对"}}
	if w := sup.post("/staff/signoff", form); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请先确认") {
		t.Errorf("sign-off without confirmation: %d", w.Code)
	}
	if w := clerk.post("/staff/signoff", form); w.Code != http.StatusForbidden {
		t.Errorf("clerk sign-off: %d", w.Code)
	}
	form.Set("confirm", "1")
	w = sup.post("/staff/signoff", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign-off: %d %s", w.Code, pageText(w.Body.String()))
	}
	w = sup.get(w.Header().Get("Location"))
	if !strings.Contains(w.Body.String(), `id="signed"`) || !strings.Contains(w.Body.String(), `id="signed-ok"`) {
		t.Errorf("after sign-off: %s", pageText(w.Body.String()))
	}
	pdfURL := regexpFind(w.Body.String(), `href="(/staff/signoff/\d+/pdf)"`)
	if w := sup.get(pdfURL); w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("signed pdf %s: %d", pdfURL, w.Code)
	}
	if w := sup.post("/staff/signoff", form); w.Code != http.StatusConflict {
		t.Errorf("second sign-off: %d", w.Code)
	}
	// January is frozen: a delivery dated in January is refused
	w = o.api("clerk1", "POST", "/api/v1/cases/2/events", map[string]any{"event": "record_delivery", "way": "post", "delivered_on": "2026-01-30"})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "2026年1月的台账已签核") {
		t.Errorf("delivery in a signed month: %d %s", w.Code, w.Body.String())
	}
}

func regexpFind(s, re string) string {
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// The reporting pages in English show no Chinese but the case's own data; every message they
// use exists in both languages.
func TestReportPagesInEnglish(t *testing.T) {
	for k, v := range messages {
		if strings.HasPrefix(k, "reports.") || strings.HasPrefix(k, "ledger.") || strings.HasPrefix(k, "signoff.") || strings.HasPrefix(k, "dash.") || strings.HasPrefix(k, "rnav.") || strings.HasPrefix(k, "rep.") {
			if strings.IndexFunc(v[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
				t.Errorf("English of %q holds Chinese: %q", k, v[1])
			}
		}
	}
	o, _ := reportOffice(t)
	han := func(r rune) bool {
		return unicode.Is(unicode.Han, r) || strings.ContainsRune("（）：；、，。", r)
	}
	data := []string{"政府信息公开办公室", "区住房和城乡建设局", "张三", "请公开2025年本区老旧小区改造项目的资金使用情况。", "中文"}
	for _, p := range []string{"/staff/reports?year=2026&lang=en", "/staff/reports/monthly?year=2026&month=1&lang=en", "/staff/ledger?from=2026-01-01&to=2026-01-31&lang=en",
		"/staff/signoff?year=2026&month=1&lang=en", "/staff/dashboard?lang=en"} {
		w := o.as("sup1").get(p)
		body := pageText(w.Body.String())
		for _, d := range data {
			body = strings.ReplaceAll(body, d, "")
		}
		body = regexp.MustCompile(`政公开答〔\d+〕\d+号`).ReplaceAllString(body, "")
		if i := strings.IndexFunc(body, han); i >= 0 || w.Code != http.StatusOK {
			t.Errorf("%s: %d, Chinese in English: …%s…", p, w.Code, body[max(0, i-80):min(len(body), i+80)])
		}
	}
}
