package web

import (
	"context"
	"net/http"
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
