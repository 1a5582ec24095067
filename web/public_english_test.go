package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	cases "foidesk/case"
	"foidesk/store"
)

// chinese finds Han characters and Chinese punctuation.
var chinese = regexp.MustCompile(`[\p{Han}\x{3000}-\x{303F}\x{FF01}-\x{FF5E}]+`)

// otherLanguage is the language switch: the name of the other language, marked as such.
var otherLanguage = regexp.MustCompile(`<a [^>]*lang="zh-CN"[^>]*>[^<]*</a>`)

// caseData is every text of the database that is the case's (or the agency's) own data.
func caseData(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	as, _ := db.Agencies(ctx)
	for _, a := range as {
		out = append(out, a.Name, a.Settings.ReconsiderationBody, a.Settings.Court, a.Settings.Address, a.Settings.SealText, a.Settings.PaymentInstructions)
	}
	list, _, err := db.FindCases(ctx, cases.CaseFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		c, err := db.Case(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := c.Applicant
		out = append(out, a.Name, a.LegalRep, a.ContactName, a.Address, c.Description, c.Purpose, c.LetterNo)
		out = append(out, c.CorrectionItems...)
		for _, d := range c.Documents {
			out = append(out, d.Filename, d.Number, d.Title)
		}
		for _, e := range c.Events {
			for _, m := range regexp.MustCompile(`"(?:reason|text|comment)":"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(string(e.Payload), -1) {
				out = append(out, m[1])
			}
		}
	}
	// Longest first, so that a text is removed before its parts.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// noChinese fails when body shows Chinese outside the case's own data.
func noChinese(t *testing.T, name string, body string, data []string) {
	t.Helper()
	body = otherLanguage.ReplaceAllString(body, "")
	for _, d := range data {
		if d != "" {
			body = strings.ReplaceAll(body, escapeHTML(d), "")
			body = strings.ReplaceAll(body, d, "")
		}
	}
	if m := chinese.FindAllString(body, 5); m != nil {
		i := chinese.FindStringIndex(body)
		from, to := max(0, i[0]-120), min(len(body), i[1]+60)
		t.Errorf("%s shows Chinese %q: …%s…", name, m, body[from:to])
	}
}

// Every public page, in English, shows no Chinese but the case's own data.
func TestPublicPagesInEnglish(t *testing.T) {
	s, db := newTestServer(t)
	updateSettings(t, db, func(st *cases.Settings) {
		st.ReconsiderationBody, st.Court, st.Address, st.Phone = "望城区人民政府", "望城区人民法院", "望城区政务服务中心", "0731-88888888"
		st.PaymentInstructions = "请到政务服务中心窗口缴纳"
	})
	clerk := staffActor(t, db, "clerk1", cases.RoleClerk)
	sup := staffActor(t, db, "boss", cases.RoleSupervisor)
	en := func(p string) string {
		if strings.Contains(p, "?") {
			return p + "&lang=en"
		}
		return p + "?lang=en"
	}
	pages := map[string]*responseRecorder{}
	for _, p := range []string{"/", "/guide", "/apply", "/apply?choose=1", "/apply?kind=person", "/apply?kind=organization", "/track", "/track?left=1"} {
		pages["GET "+p] = get(s, en(p))
	}
	bad := personForm()
	bad.Set(keyIDNumber, "110105194912310021")
	bad.Del(keyCarrier)
	bad.Set(keyDelivery, "post")
	pages["form with errors"] = postForm(s, en("/apply"), bad)
	badOrg := orgForm()
	badOrg.Del(keyOrgCategory)
	badOrg.Set(keyIDType, "resident_id")
	pages["organisation form with errors"] = postMultipart(t, s, en("/apply"), badOrg, []fileField{{"file", "x.png", "image/png", []byte("<html>")}})
	hp := personForm()
	hp.Set(keyHoneypot, "x")
	pages["honeypot"] = postForm(s, en("/apply"), hp)
	done := postForm(s, en("/apply"), personForm())
	pages["confirmation"] = done
	no, code := confirmed(t, done)
	cookies := done.Result().Cookies()
	ck := withCookies(cookies)
	pages["track wrong code"] = postForm(s, en("/track"), url.Values{"tracking_no": {no}, "access_code": {"WRONG"}})
	pages["case submitted"] = get(s, en("/track/"+no), ck)
	pages["withdraw confirmation"] = get(s, en("/track/"+no+"/withdraw"), ck)
	pages["missing document"] = get(s, en("/track/"+no+"/documents/999"), ck)
	fire(t, db, no, "register", map[string]any{}, clerk)
	fire(t, db, no, "request_correction", map[string]any{"items": []string{"请提供身份证复印件"}}, clerk)
	pages["case awaiting correction"] = get(s, en("/track/"+no), ck)
	pages["correction with errors"] = postMultipart(t, s, en("/track/"+no+"/correction"), url.Values{"text": {""}}, nil, ck)
	pages["upload with errors"] = postMultipart(t, s, en("/track/"+no+"/files"), nil, nil, ck)
	postMultipart(t, s, "/track/"+no+"/correction", url.Values{"text": {"文号为望发改〔2025〕12号"}}, nil, ck)
	pages["case after correction"] = get(s, en("/track/"+no+"?done=correction"), ck)
	fire(t, db, no, "accept", map[string]any{}, clerk)
	fire(t, db, no, "extend", map[string]any{"days": 10, "reason": "需要调取档案"}, sup)
	fire(t, db, no, "consult", map[string]any{"parties": []map[string]any{{"kind": "third_party", "name": "某公司"}}}, clerk)
	fire(t, db, no, "consultation_done", map[string]any{"answers": []map[string]any{{"name": "某公司", "answer": "agree"}}}, clerk)
	fire(t, db, no, "request_fee", map[string]any{"basis": "per_page", "pages": 120}, clerk)
	pages["case awaiting fee"] = get(s, en("/track/"+no), ck)
	fire(t, db, no, "fee_paid", map[string]any{"paid_on": "2026-11-03"}, clerk)
	fire(t, db, no, "draft_reply", map[string]any{"outcome": "partial", "reasons": "部分内容涉及个人隐私"}, clerk)
	fire(t, db, no, "approve", map[string]any{}, sup)
	fire(t, db, no, "record_delivery", map[string]any{"way": "email", "delivered_on": "2026-11-03"}, clerk)
	pages["case replied"] = get(s, en("/track/"+no), ck)
	no2, _ := confirmed(t, postForm(s, "/apply", orgForm()))
	_ = no2
	throttled := *s.public
	s.public.failLimit = 1
	pages["track throttled"] = postForm(s, en("/track"), url.Values{"tracking_no": {no}, "access_code": {code}})
	*s.public = throttled

	data := caseData(t, db)
	for name, w := range pages {
		if w.Code >= 500 {
			t.Errorf("%s: status %d", name, w.Code)
			continue
		}
		body := w.Body.String()
		if w.Code == http.StatusSeeOther {
			t.Errorf("%s: redirected to %s", name, w.Header().Get("Location"))
			continue
		}
		if !strings.Contains(body, `<html lang="en">`) {
			t.Errorf("%s: not in English", name)
		}
		noChinese(t, name, body, data)
	}
}

// Every key the public templates and code use exists, and no English text holds Chinese.
func TestPublicMessages(t *testing.T) {
	files, err := filepath.Glob("templates/public/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal("no templates", err)
	}
	keys := map[string]bool{}
	re := regexp.MustCompile(`\bt (?:\.Lang|\$lang|\$\.Lang) "([a-z0-9_.]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	goKeys := regexp.MustCompile(`T\((?:l|lang|langZH|b\.lang|lang\(c\)), "([a-z0-9_.]+)"`)
	for _, f := range []string{"public.go", "public_apply.go", "public_track.go", "public_view.go", "public_guide.go", "api_public.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKeys.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`"(apply\.[a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, st := range cases.States {
		keys["track.state."+st.Code] = true
	}
	// the timeline's labels and details are the events' own (workflow.Spec.Public, checked by
	// workflow's TestSpecs)
	for _, c := range []string{"not_started", "running", "stopped", "paused", "ended"} {
		keys["track.clock."+c] = true
	}
	for _, b := range []string{"applicant", "agency", "system"} {
		keys["track.by."+b] = true
	}
	for k := range keys {
		if strings.HasSuffix(k, ".") { // a prefix completed in code; its keys are listed above
			continue
		}
		v, ok := messages[k]
		if !ok {
			t.Errorf("message %q is missing", k)
			continue
		}
		if k != "site.lang.switch" && strings.IndexFunc(v[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			t.Errorf("English of %q holds Chinese: %q", k, v[1])
		}
	}
	if len(keys) < 200 {
		t.Errorf("only %d keys found: the patterns are broken", len(keys))
	}
}
