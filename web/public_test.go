package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

func TestStartAndGuidePages(t *testing.T) {
	s, _ := newTestServer(t)
	for _, p := range []string{"/", "/guide", "/apply", "/apply?kind=person", "/apply?kind=organization", "/track"} {
		w := get(s, p)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", p, w.Code)
		}
		if !strings.Contains(w.Body.String(), `<main id="main"`) {
			t.Errorf("GET %s: no main", p)
		}
	}
}

// The guide is generated from the settings and rules the code uses.
func TestGuideFollowsSettings(t *testing.T) {
	s, db := newTestServer(t)
	w := get(s, "/guide")
	body := w.Body.String()
	for _, want := range []string{
		"15个工作日，自补正告知书之日起计算",    // cases.DefaultSettings().CorrectionPeriod
		"自收到申请之日起20个工作日内",       // cases.ReplyDays
		"延长期限最长不超过20个工作日",       // cases.MaxExtensionDays
		"被征求意见方在15个工作日内提出意见",    // cases.ConsultationDays
		"一个月内申请45件，共收费5500元",    // workflow.PerRequestMonthTotal(45)
		"一件申请提供250页，收费4700元",    // workflow.PerPageFee(250)
		"第11至30件</td><td>100元",  // workflow.PerRequestRate(11)
		"第31至40件</td><td>200元",  // workflow.PerRequestRate(31)
		"第101至200页</td><td>20元", // workflow.PerPageFee bands
		"第201页起</td><td>40元",    // the open band
		"本级人民政府",                // the reconsideration body of the default agency
	} {
		if !strings.Contains(body, want) {
			t.Errorf("guide lacks %q", want)
		}
	}
	updateSettings(t, db, func(st *cases.Settings) {
		st.CorrectionPeriod = 12
		st.ReconsiderationBody = "望城区人民政府"
		st.Court = "望城区人民法院"
		st.Phone = "0731-88888888"
	})
	body = get(s, "/guide").Body.String()
	for _, want := range []string{"12个工作日，自补正告知书之日起计算", "望城区人民政府", "望城区人民法院", "0731-88888888"} {
		if !strings.Contains(body, want) {
			t.Errorf("after the change, guide lacks %q", want)
		}
	}
	if strings.Contains(body, "15个工作日，自补正告知书之日起计算") {
		t.Errorf("guide still shows the old correction period")
	}
	en := get(s, "/guide?lang=en").Body.String()
	if !strings.Contains(en, "12 working days from the date of the correction notice") {
		t.Errorf("English guide lacks the new correction period")
	}
}

func TestApplyPersonAndOrganization(t *testing.T) {
	s, db := newTestServer(t)
	ctx := context.Background()

	// A person, url-encoded (no file).
	w := postForm(s, "/apply", personForm())
	if w.Code != http.StatusOK {
		t.Fatalf("person: %d %s", w.Code, w.Body)
	}
	no, code := confirmed(t, w)
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("confirmation may be cached")
	}
	c, err := db.AccessCase(ctx, no, code)
	if err != nil {
		t.Fatalf("the case is not stored with its code: %v", err)
	}
	if c.State != cases.StateSubmitted || c.Channel != cases.ChannelOnline || c.Events[0].Event != "submit" {
		t.Errorf("case %s %s %v", c.State, c.Channel, c.Events)
	}
	var form *cases.Document
	for i, d := range c.Documents {
		if d.Kind == cases.DocApplicationForm {
			form = &c.Documents[i]
		}
	}
	if form == nil || !form.Applicant {
		t.Fatalf("no application form for the applicant: %+v", c.Documents)
	}
	if !strings.Contains(w.Body.String(), fmt.Sprintf(`href="/track/%s/documents/%d"`, no, form.ID)) {
		t.Errorf("the confirmation does not link the application form")
	}
	// The confirmation lets this browser download the form and open the tracking page.
	cookies := w.Result().Cookies()
	d := get(s, fmt.Sprintf("/track/%s/documents/%d", no, form.ID), withCookies(cookies))
	if d.Code != http.StatusOK || !strings.HasPrefix(d.Body.String(), "%PDF") || d.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("download: %d %q", d.Code, d.Header().Get("Content-Type"))
	}
	if p := get(s, "/track/"+no, withCookies(cookies)); p.Code != http.StatusOK || !strings.Contains(p.Body.String(), "待登记") {
		t.Errorf("tracking page: %d", p.Code)
	}
	// Without the cookie the tracking page asks for the code.
	if p := get(s, "/track/"+no); p.Code != http.StatusSeeOther || p.Header().Get("Location") != "/track?no="+no {
		t.Errorf("tracking page without cookie: %d %s", p.Code, p.Header().Get("Location"))
	}

	// An organisation, multipart with identity proof.
	w = postMultipart(t, s, "/apply", orgForm(), []fileField{{"file", "执照.png", "image/png", pngBytes(2000)}, {"file", "scan.pdf", "application/pdf", pdfBytes(3000)}})
	if w.Code != http.StatusOK {
		t.Fatalf("organisation: %d %s", w.Code, w.Body)
	}
	no, code = confirmed(t, w)
	c, err = db.AccessCase(ctx, no, code)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Applicant
	if a.Kind != "organization" || a.OrgCategory != "legal_service" || a.ContactName != "王五" || c.Delivery != "post" || a.Postcode != "100010" {
		t.Errorf("organisation stored as %+v", a)
	}
	var uploads []string
	for _, d := range c.Documents {
		if d.Kind == cases.DocUpload {
			if !d.Applicant || d.Title != "身份证明" {
				t.Errorf("upload %+v", d)
			}
			uploads = append(uploads, d.Filename+" "+d.ContentType)
		}
	}
	if strings.Join(uploads, ", ") != "执照.png image/png, scan.pdf application/pdf" {
		t.Errorf("uploads %v", uploads)
	}
}

// Every validation rule of the form shows its error next to its field and in the summary,
// keeps everything typed, and stores nothing.
func TestApplyValidation(t *testing.T) {
	s, db := newTestServer(t)
	long := strings.Repeat("用", 501)
	cases_ := []struct {
		name   string
		form   func() url.Values
		change func(url.Values)
		field  string // the field path with the error
		msg    string // a part of the Chinese message
	}{
		{"name missing", personForm, func(v url.Values) { v.Del(keyName) }, keyName, "请填写申请人姓名"},
		{"id number check digit", personForm, func(v url.Values) { v.Set(keyIDNumber, "110105194912310021") }, keyIDNumber, "校验位不正确"},
		{"id number birth date", personForm, func(v url.Values) { v.Set(keyIDNumber, "110105194913310021") }, keyIDNumber, "出生日期"},
		{"id number missing", personForm, func(v url.Values) { v.Del(keyIDNumber) }, keyIDNumber, "请填写证件号码"},
		{"passport format", personForm, func(v url.Values) { v.Set(keyIDType, "passport"); v.Set(keyIDNumber, "E1") }, keyIDNumber, "护照号码"},
		{"credit code for a person", personForm, func(v url.Values) { v.Set(keyIDType, "credit_code"); v.Set(keyIDNumber, validCreditCode) }, keyIDType, "仅适用于法人或其他组织"},
		{"resident id for an organisation", orgForm, func(v url.Values) { v.Set(keyIDType, "resident_id"); v.Set(keyIDNumber, validResidentID) }, keyIDType, "仅适用于自然人"},
		{"credit code check", orgForm, func(v url.Values) { v.Set(keyIDNumber, "91350100M000100Y44") }, keyIDNumber, "统一社会信用代码校验位"},
		{"org category missing", orgForm, func(v url.Values) { v.Del(keyOrgCategory) }, keyOrgCategory, "请选择组织类别"},
		{"contact name missing", orgForm, func(v url.Values) { v.Del(keyContactName) }, keyContactName, "请填写联系人姓名"},
		{"phone missing", personForm, func(v url.Values) { v.Del(keyPhone) }, keyPhone, "请填写联系电话"},
		{"phone format", personForm, func(v url.Values) { v.Set(keyPhone, "12345") }, keyPhone, "联系电话格式不正确"},
		{"e-mail for e-mail delivery", personForm, func(v url.Values) { v.Del(keyEmail) }, keyEmail, "电子邮件方式获取信息的，请填写电子邮箱"},
		{"e-mail format", personForm, func(v url.Values) { v.Set(keyEmail, "zhangsan@") }, keyEmail, "电子邮箱地址格式不正确"},
		{"address for post", orgForm, func(v url.Values) { v.Del(keyAddress) }, keyAddress, "请填写通信地址"},
		{"postcode for post", orgForm, func(v url.Values) { v.Del(keyPostcode) }, keyPostcode, "请填写邮政编码"},
		{"postcode format", orgForm, func(v url.Values) { v.Set(keyPostcode, "1000") }, keyPostcode, "邮政编码应为6位数字"},
		{"fax for fax delivery", personForm, func(v url.Values) { v.Set(keyDelivery, "fax") }, keyFax, "请填写传真号码"},
		{"fax format", personForm, func(v url.Values) { v.Set(keyDelivery, "fax"); v.Set(keyFax, "88") }, keyFax, "传真号码格式不正确"},
		{"description missing", personForm, func(v url.Values) { v.Del(keyDescription) }, keyDescription, "请描述所需的政府信息"},
		{"description short", personForm, func(v url.Values) { v.Set(keyDescription, "文件") }, keyDescription, "过于简略"},
		{"purpose too long", personForm, func(v url.Values) { v.Set(keyPurpose, long) }, keyPurpose, "用途不得超过500个字"},
		{"delivery missing", personForm, func(v url.Values) { v.Del(keyDelivery) }, keyDelivery, "请选择获取信息的方式"},
		{"delivery unknown", personForm, func(v url.Values) { v.Set(keyDelivery, "pigeon") }, keyDelivery, "获取信息的方式不正确"},
		{"carrier missing", personForm, func(v url.Values) { v.Del(keyCarrier) }, keyCarrier, "请选择信息的载体形式"},
	}
	for _, tc := range cases_ {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.form()
			tc.change(v)
			v.Set(keyDescription+"_marker", "")
			w := postForm(s, "/apply", v)
			body := w.Body.String()
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", w.Code)
			}
			id := pubFieldID(tc.field)
			errID := id + "-error"
			re := regexp.MustCompile(`<p class="error" id="` + errID + `"><span class="visually-hidden">错误：</span>([^<]*)</p>`)
			m := re.FindStringSubmatch(body)
			if m == nil || !strings.Contains(m[1], tc.msg) {
				t.Fatalf("no error %q for %s: %v", tc.msg, tc.field, m)
			}
			// The control points at its error and is marked invalid.
			ctl := regexp.MustCompile(`<(input|select|textarea)[^>]*id="` + id + `[^"]*"[^>]*>`).FindString(body)
			if tc.field == keyDelivery || tc.field == keyCarrier || tc.field == keyOrgCategory {
				ctl = regexp.MustCompile(`<fieldset class="radios" aria-describedby="[^"]*` + errID + `[^"]*">`).FindString(body)
				if !strings.Contains(body, `name="`+tc.field+`" value="`) || !regexp.MustCompile(`id="`+id+`-[a-z-]+" name="`+regexp.QuoteMeta(tc.field)+`" value="[a-z_]+"( checked)? aria-invalid="true"`).MatchString(body) {
					t.Errorf("radios not marked invalid")
				}
			} else if !strings.Contains(ctl, `aria-invalid="true"`) {
				t.Errorf("control not marked invalid: %s", ctl)
			}
			if !strings.Contains(ctl, errID) {
				t.Errorf("control not described by its error: %s", ctl)
			}
			// The summary links to the field.
			target := id
			if tc.field == keyDelivery || tc.field == keyCarrier || tc.field == keyOrgCategory {
				target = regexp.MustCompile(`id="(` + id + `-[a-z-]+)" name=`).FindStringSubmatch(body)[1]
			}
			if !strings.Contains(body, `<li><a href="#`+target+`">`+m[1]+`</a></li>`) {
				t.Errorf("summary lacks a link to #%s", target)
			}
			// Everything typed is kept.
			for k, vs := range v {
				if k == keyKind || vs[0] == "" || k == keyDescription+"_marker" || vs[0] == "pigeon" {
					continue
				}
				esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(vs[0])
				if !strings.Contains(body, esc) {
					t.Errorf("the typed %s (%q) is lost", k, vs[0])
				}
			}
			if n := countCases(t, db); n != 0 {
				t.Errorf("%d cases stored", n)
			}
		})
	}
	// The English page shows the English message.
	v := personForm()
	v.Set(keyIDNumber, "110105194912310021")
	w := postForm(s, "/apply?lang=en", v)
	if !strings.Contains(w.Body.String(), "The check digit of the resident ID number is wrong") {
		t.Errorf("no English message")
	}
	// No kind: back to the first step.
	v = personForm()
	v.Del(keyKind)
	if w := postForm(s, "/apply", v); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="kind-person"`) {
		t.Errorf("no kind: %d", w.Code)
	}
	if w := get(s, "/apply?choose=1"); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请选择申请人类型") {
		t.Errorf("kind not chosen: %d", w.Code)
	}
}

// With several agencies the form asks for one; with one it does not.
func TestApplySeveralAgencies(t *testing.T) {
	s, db := newTestServer(t)
	if strings.Contains(get(s, "/apply?kind=person").Body.String(), `name="agency"`) {
		t.Errorf("one agency: the form asks for it")
	}
	if _, err := db.CreateAgency(context.Background(), "fgw", "望城区发展和改革局", cases.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(get(s, "/apply?kind=person").Body.String(), `<option value="fgw">望城区发展和改革局</option>`) {
		t.Errorf("several agencies: no choice")
	}
	w := postForm(s, "/apply", personForm())
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="f-agency-error"`) {
		t.Fatalf("agency missing: %d", w.Code)
	}
	v := personForm()
	v.Set(keyAgency, "nope")
	if w := postForm(s, "/apply", v); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "所选受理机关不存在") {
		t.Errorf("unknown agency: %d", w.Code)
	}
	v.Set(keyAgency, "fgw")
	w = postForm(s, "/apply", v)
	no, _ := confirmed(t, w)
	c, err := db.CaseByTracking(context.Background(), no)
	if err != nil || c.Agency != "fgw" {
		t.Errorf("stored with agency %v %v", c, err)
	}
}

// An oversized or disguised upload is refused whole and nothing is stored.
func TestApplyUploadLimits(t *testing.T) {
	s, db := newTestServer(t)
	updateSettings(t, db, func(st *cases.Settings) { st.UploadLimit = 4096 })
	for _, tc := range []struct {
		name  string
		files []fileField
		msg   string
	}{
		{"oversized", []fileField{{"file", "big.png", "image/png", pngBytes(5000)}}, "上传的文件过大"},
		{"together oversized", []fileField{{"file", "a.png", "image/png", pngBytes(3000)}, {"file", "b.pdf", "application/pdf", pdfBytes(3000)}}, "上传的文件过大"},
		{"html named png", []fileField{{"file", "id.png", "image/png", []byte("<html><script>alert(1)</script></html>")}}, "不是JPEG、PNG图片或PDF文件"},
		{"executable named pdf", []fileField{{"file", "id.pdf", "application/pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...)}}, "不是JPEG、PNG图片或PDF文件"},
		{"good and disguised", []fileField{{"file", "ok.png", "image/png", pngBytes(100)}, {"file", "x.jpg", "image/jpeg", []byte("GIF89a......")}}, "不是JPEG、PNG图片或PDF文件"},
		{"too many", []fileField{{"file", "1.png", "image/png", pngBytes(10)}, {"file", "2.png", "image/png", pngBytes(10)}, {"file", "3.png", "image/png", pngBytes(10)}, {"file", "4.png", "image/png", pngBytes(10)}, {"file", "5.png", "image/png", pngBytes(10)}, {"file", "6.png", "image/png", pngBytes(10)}}, "一次最多上传5个文件"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := postMultipart(t, s, "/apply", personForm(), tc.files)
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", w.Code)
			}
			if !strings.Contains(w.Body.String(), tc.msg) || !strings.Contains(w.Body.String(), `id="f-file-error"`) {
				t.Errorf("no file error %q", tc.msg)
			}
			if !strings.Contains(w.Body.String(), "请公开2025年本区老旧小区改造项目的资金使用情况。") {
				t.Errorf("the typed description is lost")
			}
			if n := countCases(t, db); n != 0 {
				t.Errorf("%d cases stored", n)
			}
		})
	}
	// A body far beyond the limit is cut by MaxBytesReader: still refused, with the fields.
	w := postMultipart(t, s, "/apply", personForm(), []fileField{{"file", "huge.pdf", "application/pdf", pdfBytes(4096*drainFactor + formOverhead + 10000)}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "上传的文件过大") {
		t.Errorf("huge: %d", w.Code)
	}
	// Exactly the limit is accepted.
	w = postMultipart(t, s, "/apply", personForm(), []fileField{{"file", "id.jpg", "image/jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 4092)...)}})
	if w.Code != http.StatusOK {
		t.Fatalf("at the limit: %d", w.Code)
	}
	if n := countCases(t, db); n != 1 {
		t.Errorf("%d cases", n)
	}
}

// Robots: the honeypot and the per-address limit refuse with a clear message and store nothing;
// refused attempts do not count.
func TestApplyHoneypotAndRateLimit(t *testing.T) {
	s, db := newTestServer(t)
	clk := &testClock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	s.public.now = clk.now
	updateSettings(t, db, func(st *cases.Settings) { st.SubmitRateLimit = 2 })

	v := personForm()
	v.Set(keyHoneypot, "http://spam.example")
	w := postForm(s, "/apply", v)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "应保持空白的栏目被填写了") {
		t.Errorf("honeypot: %d", w.Code)
	}
	if countCases(t, db) != 0 {
		t.Fatalf("honeypot stored a case")
	}
	for i := 0; i < 2; i++ {
		if w := postForm(s, "/apply", personForm()); w.Code != http.StatusOK {
			t.Fatalf("submission %d: %d", i, w.Code)
		}
	}
	clk.add(20 * time.Second)
	w = postForm(s, "/apply", personForm())
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "40" {
		t.Fatalf("third: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if !strings.Contains(w.Body.String(), "请于40秒后再提交") || !strings.Contains(w.Body.String(), "请公开2025年本区老旧小区改造项目的资金使用情况。") {
		t.Errorf("the refusal does not explain or loses the form")
	}
	// Another address is not limited; a forwarded-for header is not believed.
	if w := postForm(s, "/apply", personForm(), fromIP("198.51.100.7")); w.Code != http.StatusOK {
		t.Errorf("another address: %d", w.Code)
	}
	if w := postForm(s, "/apply", personForm(), func(r *http.Request) { r.Header.Set("X-Forwarded-For", "203.0.113.9") }); w.Code != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For believed: %d", w.Code)
	}
	clk.add(30 * time.Second) // t = 50 s: refused attempts at 20 s must not count
	for i := 0; i < 3; i++ {
		postForm(s, "/apply", personForm()) // refused
	}
	clk.add(11 * time.Second) // t = 61 s: the two accepted ones have left the window
	for i := 0; i < 2; i++ {
		if w := postForm(s, "/apply", personForm()); w.Code != http.StatusOK {
			t.Fatalf("after the window, submission %d: %d", i, w.Code)
		}
	}
	if n := countCases(t, db); n != 5 {
		t.Errorf("%d cases, want 5", n)
	}
}

// A resubmission of the same form (reload, double click) shows the same confirmation and stores
// one case.
func TestApplyResubmission(t *testing.T) {
	s, db := newTestServer(t)
	page := get(s, "/apply?kind=person").Body.String()
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatal("no form token")
	}
	v := personForm()
	v.Set(keyToken, token[1])
	no1, code1 := confirmed(t, postForm(s, "/apply", v))
	no2, code2 := confirmed(t, postForm(s, "/apply", v))
	if no1 != no2 || code1 != code2 || countCases(t, db) != 1 {
		t.Errorf("resubmission made %s/%s, %d cases", no1, no2, countCases(t, db))
	}
	// A refused form keeps its token usable.
	v = personForm()
	v.Set(keyToken, "fresh-token")
	v.Del(keyName)
	postForm(s, "/apply", v)
	v.Set(keyName, "张三")
	if no3, _ := confirmed(t, postForm(s, "/apply", v)); no3 == no1 {
		t.Errorf("a corrected form got the earlier confirmation")
	}
}

// The tracking form: a wrong code and an unknown number answer alike; repeated failures are
// throttled for every number.
func TestTrackingPages(t *testing.T) {
	s, _ := newTestServer(t)
	s.public.failDelay = 30 * time.Millisecond
	no, code := apiApply(t, s, nil)
	ok := postForm(s, "/track", url.Values{"tracking_no": {strings.ToLower(no)}, "access_code": {groupCode(code)}})
	if ok.Code != http.StatusSeeOther || ok.Header().Get("Location") != "/track/"+no {
		t.Fatalf("lookup: %d %s", ok.Code, ok.Header().Get("Location"))
	}
	cookies := ok.Result().Cookies()
	if len(cookies) == 0 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || strings.Contains(cookies[0].Value, code) {
		t.Fatalf("cookie %+v", cookies)
	}
	if p := get(s, "/track/"+no, withCookies(cookies)); p.Code != http.StatusOK {
		t.Fatalf("case page %d", p.Code)
	}
	// The cookie opens only its own case.
	other, _ := apiApply(t, s, nil)
	if p := get(s, "/track/"+other, withCookies(cookies)); p.Code != http.StatusSeeOther {
		t.Errorf("cookie opened another case: %d", p.Code)
	}
	// A forged cookie does not open it.
	forged := *cookies[0]
	forged.Value = forged.Value[:len(forged.Value)-4] + "0000"
	if p := get(s, "/track/"+no, withCookies([]*http.Cookie{&forged})); p.Code != http.StatusSeeOther {
		t.Errorf("forged cookie: %d", p.Code)
	}

	start := time.Now()
	wrong := postForm(s, "/track", url.Values{"tracking_no": {no}, "access_code": {"AAAABBBBCCCCDDDD"}}, fromIP("192.0.2.50"))
	if time.Since(start) < 30*time.Millisecond {
		t.Errorf("a failure answered before the constant delay")
	}
	unknown := postForm(s, "/track", url.Values{"tracking_no": {"GK2026999999"}, "access_code": {code}}, fromIP("192.0.2.50"))
	strip := func(b string) string { return strings.ReplaceAll(strings.ReplaceAll(b, no, "X"), "GK2026999999", "X") }
	if wrong.Code != http.StatusNotFound || unknown.Code != http.StatusNotFound || strip(wrong.Body.String()) != strip(unknown.Body.String()) {
		t.Errorf("wrong code %d and unknown number %d differ", wrong.Code, unknown.Code)
	}
	s.public.failLimit = 3
	postForm(s, "/track", url.Values{"tracking_no": {no}, "access_code": {"X"}}, fromIP("192.0.2.50"))
	for _, v := range []url.Values{{"tracking_no": {no}, "access_code": {code}}, {"tracking_no": {"GK2026999999"}, "access_code": {code}}} {
		w := postForm(s, "/track", v, fromIP("192.0.2.50"))
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "查询失败次数过多") {
			t.Errorf("throttled %s: %d %q", v.Get("tracking_no"), w.Code, w.Header().Get("Retry-After"))
		}
	}
	// Other addresses are not throttled.
	if w := postForm(s, "/track", url.Values{"tracking_no": {no}, "access_code": {code}}); w.Code != http.StatusSeeOther {
		t.Errorf("another address: %d", w.Code)
	}
	// Leaving forgets the case in this browser.
	l := postForm(s, "/track/"+no+"/leave", nil, withCookies(cookies))
	if l.Code != http.StatusSeeOther || l.Result().Cookies()[0].MaxAge >= 0 {
		t.Errorf("leave: %d", l.Code)
	}
}

// The applicant answers a correction request on the tracking page, and withdraws after a
// confirmation step.
func TestTrackingCorrectionAndWithdraw(t *testing.T) {
	s, db := newTestServer(t)
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)
	w := postForm(s, "/apply", personForm())
	no, _ := confirmed(t, w)
	cookies := w.Result().Cookies()
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "request_correction", map[string]any{"items": []string{"请提供身份证复印件", "请写明文件的文号"}}, clerk)

	page := get(s, "/track/"+no, withCookies(cookies)).Body.String()
	for _, want := range []string{"需要您补正申请", "请提供身份证复印件", "请写明文件的文号", `action="/track/` + no + `/correction"`, "补正告知书"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	// Empty: an error next to the field.
	e := postMultipart(t, s, "/track/"+no+"/correction", url.Values{"text": {"  "}}, nil, withCookies(cookies))
	if e.Code != http.StatusUnprocessableEntity || !strings.Contains(e.Body.String(), `id="correction-text-error"`) {
		t.Fatalf("empty correction: %d", e.Code)
	}
	// A disguised file: refused, nothing stored.
	e = postMultipart(t, s, "/track/"+no+"/correction", url.Values{"text": {"文号为望发改〔2025〕12号"}}, []fileField{{"file", "id.pdf", "application/pdf", []byte("<!doctype html><p>hi")}}, withCookies(cookies))
	if e.Code != http.StatusUnprocessableEntity || !strings.Contains(e.Body.String(), `id="correction-file-error"`) || !strings.Contains(e.Body.String(), "文号为望发改〔2025〕12号") {
		t.Fatalf("disguised correction file: %d", e.Code)
	}
	c, _ := db.CaseByTracking(context.Background(), no)
	if c.State != cases.StateAwaitingCorrection {
		t.Fatalf("state %s", c.State)
	}
	ok := postMultipart(t, s, "/track/"+no+"/correction", url.Values{"text": {"文号为望发改〔2025〕12号"}}, []fileField{{"file", "身份证.jpg", "image/jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}}}, withCookies(cookies))
	if ok.Code != http.StatusSeeOther || !strings.HasSuffix(ok.Header().Get("Location"), "?done=correction") {
		t.Fatalf("correction: %d %s", ok.Code, ok.Body)
	}
	c, _ = db.CaseByTracking(context.Background(), no)
	last := c.Events[len(c.Events)-1]
	if c.State != cases.StateRegistered || last.Event != "submit_correction" || last.Actor != "applicant" || !strings.Contains(string(last.Payload), `"files":[`) {
		t.Errorf("after correction: %s %+v", c.State, last)
	}
	page = get(s, "/track/"+no+"?done=correction", withCookies(cookies)).Body.String()
	if !strings.Contains(page, "补正已提交") || !strings.Contains(page, "提交补正") {
		t.Errorf("no confirmation of the correction")
	}

	// Withdraw: a confirmation step first.
	cf := get(s, "/track/"+no+"/withdraw", withCookies(cookies))
	if cf.Code != http.StatusOK || !strings.Contains(cf.Body.String(), "确认撤回") {
		t.Fatalf("withdraw confirmation: %d", cf.Code)
	}
	if w := postForm(s, "/track/"+no+"/withdraw", url.Values{}, withCookies(cookies)); w.Code != http.StatusSeeOther || !strings.HasSuffix(w.Header().Get("Location"), "/withdraw") {
		t.Errorf("withdraw without confirmation: %d", w.Code)
	}
	if c, _ := db.CaseByTracking(context.Background(), no); c.State != cases.StateRegistered {
		t.Fatalf("withdrawn without confirmation")
	}
	if w := postForm(s, "/track/"+no+"/withdraw", url.Values{"confirm": {"yes"}, "reason": {"已通过其他途径获取"}}, withCookies(cookies)); w.Code != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", w.Code)
	}
	c, _ = db.CaseByTracking(context.Background(), no)
	if c.State != cases.StateClosed || c.Outcome != cases.OutcomeOther {
		t.Errorf("after withdraw %s %s", c.State, c.Outcome)
	}
	page = get(s, "/track/"+no+"?done=withdrawn", withCookies(cookies)).Body.String()
	if !strings.Contains(page, "申请已撤回") || strings.Contains(page, `/withdraw"`) || strings.Contains(page, "/correction\"") {
		t.Errorf("withdrawn page still offers actions")
	}
}

// The case page and its API show only what the applicant may see.
func TestTrackingHidesInternalWork(t *testing.T) {
	s, db := newTestServer(t)
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)
	sup := staffActor(t, db, "boss", cases.RoleSupervisor)
	staffActor(t, db, "clerk2", cases.RoleClerk)
	no, code := apiApply(t, s, nil)
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "add_note", map[string]any{"text": "内部备注：申请人曾多次来电"}, clerk)
	fire(t, db, no, "accept", map[string]any{"assignee": "clerk1"}, clerk)
	fire(t, db, no, "reassign", map[string]any{"assignee": "clerk2"}, sup)
	c := fire(t, db, no, "consult", map[string]any{"parties": []map[string]any{{"kind": "third_party", "name": "秘密第三方有限公司", "address": "某地"}}}, clerk)
	var letter int64
	for _, d := range c.Documents {
		if d.Kind == cases.DocConsultationLetter {
			letter = d.ID
		}
	}
	if letter == 0 {
		t.Fatal("no consultation letter")
	}
	api := get(s, "/api/v1/track/"+no, withCode(code))
	ok := postForm(s, "/track", url.Values{"tracking_no": {no}, "access_code": {code}})
	page := get(s, "/track/"+no, withCookies(ok.Result().Cookies()))
	for name, body := range map[string]string{"api": api.Body.String(), "page": page.Body.String()} {
		for _, secret := range []string{"内部备注", "clerk1", "clerk2", "boss", "秘密第三方", "add_note", "reassign", fmt.Sprintf("/documents/%d\"", letter), validResidentID} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q", name, secret)
			}
		}
		if !strings.Contains(body, "征求意见") {
			t.Errorf("%s hides the consultation itself", name)
		}
	}
	if w := get(s, fmt.Sprintf("/api/v1/track/%s/documents/%d", no, letter), withCode(code)); w.Code != http.StatusNotFound {
		t.Errorf("the consultation letter is downloadable: %d", w.Code)
	}
}
