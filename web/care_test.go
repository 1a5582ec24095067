package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	cases "foidesk/case"
)

// The confirmation's language and care switches re-post the form token: the same code comes back
// in the other language, to the browser that submitted the form only (its tracking cookie).
func TestConfirmationSwitchKeepsTheCode(t *testing.T) {
	s, _ := newTestServer(t)
	page := get(s, "/apply?kind=person").Body.String()
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	v := personForm()
	v.Set(keyToken, token)
	w := postForm(s, "/apply", v)
	no, code := confirmed(t, w)
	body := w.Body.String()
	if !strings.Contains(body, `action="/track/confirmation?lang=en"`) || !strings.Contains(body, `value="`+token+`"`) || strings.Contains(body, `href="/apply?lang=en"`) {
		t.Fatalf("the language switch is not a re-post")
	}
	if !strings.Contains(body, cases.GroupCode(code)) || !strings.Contains(body, `id="code-warning"`) {
		t.Errorf("code not grouped or no warning")
	}
	cookies := w.Result().Cookies()
	form := map[string][]string{keyToken: {token}}
	en := postForm(s, "/track/confirmation?lang=en", form, withCookies(cookies))
	no2, code2 := confirmed(t, en)
	if en.Code != http.StatusOK || no2 != no || code2 != code || !strings.Contains(en.Body.String(), `<html lang="en"`) || !strings.Contains(en.Body.String(), "Access code") {
		t.Errorf("English confirmation: %d %s %s", en.Code, no2, code2)
	}
	care := postForm(s, "/track/confirmation?care=on", form, withCookies(cookies))
	if !strings.Contains(care.Body.String(), `class="care"`) || !strings.Contains(care.Body.String(), cases.GroupCode(code)) {
		t.Errorf("care mode confirmation lost the code or the mode")
	}
	// Another browser (no tracking cookie) or an unknown token: the tracking page, no code.
	for name, r := range map[string]*responseRecorder{
		"no cookie":     postForm(s, "/track/confirmation?lang=en", form),
		"unknown token": postForm(s, "/track/confirmation?lang=en", map[string][]string{keyToken: {"nope"}}, withCookies(cookies)),
	} {
		if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/track" || strings.Contains(r.Body.String(), code) {
			t.Errorf("%s: %d %s", name, r.Code, r.Header().Get("Location"))
		}
	}
}

// Art. 43 (适老化): 关怀模式 is switchable on every public page and remembered; the header and footer
// name the agency and its contact; the API link sits in the footer, not on the start page.
func TestArt43_CareModeAndAgencyHeader(t *testing.T) {
	s, db := newTestServer(t)
	a, _ := db.AgencyByCode(context.Background(), "default")
	a.Name = "长沙市望城区人民政府办公室"
	a.Settings.Phone, a.Settings.Address = "0731-88888888", "望城区某某路1号"
	if err := db.UpdateAgency(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/guide", "/apply", "/apply?kind=person", "/track", "/track/recover"} {
		w := get(s, path)
		b := w.Body.String()
		if !strings.Contains(b, `id="care-switch"`) || strings.Contains(b, `class="care"`) {
			t.Errorf("%s: no care switch, or on by default", path)
		}
		if !strings.Contains(b, `<span class="brand-agency">长沙市望城区人民政府办公室</span>`) || !strings.Contains(b, "0731-88888888") || !strings.Contains(b, "望城区某某路1号") {
			t.Errorf("%s: agency not named with its contact", path)
		}
	}
	on := get(s, "/guide?care=on")
	if !strings.Contains(on.Body.String(), `<html lang="zh-CN" class="care">`) || !strings.Contains(on.Body.String(), `aria-pressed="true"`) {
		t.Fatalf("care=on not applied")
	}
	var ck []*http.Cookie
	for _, c := range on.Result().Cookies() {
		if c.Name == careCookie {
			ck = append(ck, c)
		}
	}
	if len(ck) != 1 || ck[0].MaxAge < 30*24*3600 {
		t.Fatalf("care not remembered: %v", ck)
	}
	if w := get(s, "/track", withCookies(ck)); !strings.Contains(w.Body.String(), `class="care"`) || !strings.Contains(w.Body.String(), `href="/track?care=off"`) {
		t.Errorf("care not kept on another page")
	}
	home := get(s, "/").Body.String()
	main := home[strings.Index(home, `<main`):strings.Index(home, `</main>`)]
	if strings.Contains(main, "openapi.yaml") || !strings.Contains(home[strings.Index(home, `<footer`):], `href="/api/v1/openapi.yaml"`) {
		t.Errorf("the API link is not in the footer only")
	}
}

// An upload survives a form shown again with an error (kept against the form token), is listed as
// "已上传：文件名 (删除)", can be removed, goes in with the check-your-answers step and the
// submission, and is forgotten after it.
func TestApplyKeepsUploads(t *testing.T) {
	s, db := newTestServer(t)
	page := get(s, "/apply?kind=person").Body.String()
	token := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if !strings.Contains(page, `cond cond-post`) || !strings.Contains(page, `cond cond-email`) || !strings.Contains(page, `cond cond-fax`) {
		t.Errorf("delivery-dependent fields not marked")
	}
	v := personForm()
	v.Set(keyToken, token)
	v.Set(keyIDNumber, "110105194912310021") // wrong check digit
	v.Set(keyStep, "review")
	w := postMultipart(t, s, "/apply", v, []fileField{{"file", "身份证.png", "image/png", pngBytes(2000)}, {"file", "户口本.pdf", "application/pdf", pdfBytes(3000)}})
	b := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(b, "已上传：身份证.png") || !strings.Contains(b, "已上传：户口本.pdf") || !strings.Contains(b, `name="remove_file" value="1"`) {
		t.Fatalf("kept files not listed: %d", w.Code)
	}
	// The e-mail field holds a value: it stays shown whatever the delivery way.
	if strings.Contains(b, `cond cond-email`) {
		t.Errorf("a filled conditional field is hidden")
	}
	// 删除 the second file: the form again, one file kept.
	rm := url.Values{}
	for k, x := range v {
		rm[k] = x
	}
	rm.Set(keyRemoveFile, "1")
	w = postForm(s, "/apply", rm)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "户口本.pdf") || !strings.Contains(w.Body.String(), "身份证.png") || countCases(t, db) != 0 {
		t.Fatalf("remove: %d", w.Code)
	}
	// Corrected, without choosing the file again: the check-your-answers step lists it.
	v.Set(keyIDNumber, validResidentID)
	w = postForm(s, "/apply", v)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="review-submit"`) || !strings.Contains(w.Body.String(), "已上传：身份证.png") || countCases(t, db) != 0 {
		t.Fatalf("review: %d", w.Code)
	}
	v.Set(keyStep, "submit")
	no, _ := confirmed(t, postForm(s, "/apply", v))
	c, _ := db.CaseByTracking(context.Background(), no)
	uploads := 0
	for _, d := range c.Documents {
		if d.Kind == cases.DocUpload {
			uploads++
			if d.Filename != "身份证.png" {
				t.Errorf("upload %s", d.Filename)
			}
		}
	}
	if uploads != 1 {
		t.Errorf("%d uploads stored", uploads)
	}
	if s.public.kept.get(token, s.public.now()) != nil {
		t.Error("kept files not dropped after submission")
	}
	// Kept files expire after an hour.
	s.public.kept.set("old", []pubUpload{{Filename: "x.png"}}, s.public.now().Add(-keptTTL-1))
	if s.public.kept.get("old", s.public.now()) != nil {
		t.Error("kept files outlive their hour")
	}
}
