package web

import (
	"bytes"
	"image"
	"image/color"
	pngpkg "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
)

func agencyForm(a cases.Agency) url.Values {
	st := a.Settings.WithDefaults()
	f := url.Values{
		"name": {a.Name}, "tracking_prefix": {st.TrackingPrefix}, "seal_text": {"望城区人民政府办公室"}, "time_zone": {"Asia/Shanghai"},
		"reconsideration_body": {"望城区人民政府"}, "court": {"望城区人民法院"}, "address": {"望城区雷锋大道1号"}, "postcode": {"410200"},
		"phone": {"0731-88880000"}, "email": {"gk@wangcheng.gov.cn"}, "superior_email": {"tj@changsha.gov.cn"}, "payment_instructions": {"银行转账"},
		"correction_period": {"10"}, "alert_thresholds": {"1，5, 3"}, "unregistered_alert": {"1"}, "upload_limit_mb": {"20"}, "submit_rate_limit": {"10"},
		"letter_prefix.reply": {"望政公开"},
	}
	return f
}

func TestAdminAgencies(t *testing.T) {
	o := newOffice(t)
	b := o.as("admin1")
	w := b.post("/admin/agencies", url.Values{"code": {"edu"}, "name": {"区教育局"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("add agency: %d %s", w.Code, pageText(w.Body.String()))
	}
	a, err := o.db.AgencyByCode(o.ctx, "edu")
	if err != nil || a.Settings.TrackingPrefix != "EDU" {
		t.Fatalf("agency: %+v %v", a, err)
	}
	if w := b.post("/admin/agencies", url.Values{"code": {"edu"}, "name": {"重复"}}); w.Code != http.StatusConflict {
		t.Errorf("duplicate code: %d", w.Code)
	}
	path := "/admin/agencies/" + strconv.FormatInt(a.ID, 10)
	w = b.post(path, agencyForm(a))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("settings: %d %s", w.Code, pageText(w.Body.String()))
	}
	a, _ = o.db.Agency(o.ctx, a.ID)
	st := a.Settings
	if st.CorrectionPeriod != 10 || strings.Join(intsToStrings(st.AlertThresholds), ",") != "5,3,1" ||
		st.UploadLimit != 20<<20 || st.LetterPrefixes["reply"] != "望政公开" || st.ReconsiderationBody != "望城区人民政府" || st.SealText != "望城区人民政府办公室" {
		t.Fatalf("settings saved: %+v", st)
	}
	bad := agencyForm(a)
	bad.Set("alert_thresholds", "5,x")
	bad.Set("tracking_prefix", "GK") // the default agency's
	bad.Set("email", "not-an-address")
	w = b.post(path, bad)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="5,x"`) || !strings.Contains(w.Body.String(), "电子邮箱地址格式不正确") {
		t.Fatalf("bad settings: %d %s", w.Code, pageText(w.Body.String()))
	}
	bad.Set("alert_thresholds", "5,3,1")
	bad.Set("email", "")
	if w := b.post(path, bad); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "该前缀已由") {
		t.Errorf("duplicate prefix: %d", w.Code)
	}
}

func intsToStrings(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

var tokenRE = regexp.MustCompile(`<p class="token">([A-Za-z0-9_-]+)</p>`)

func TestAdminUsersAndTokens(t *testing.T) {
	o := newOffice(t)
	b := o.as("admin1")
	w := b.post("/admin/users", url.Values{"username": {"clerk9"}, "display_name": {"赵六"}, "email": {"zl@example.cn"}, "password": {"A long password 9"},
		"agency": {strconv.FormatInt(o.other.ID, 10)}, "roles": {"clerk", "supervisor"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", w.Code, pageText(w.Body.String()))
	}
	u, err := o.db.UserByName(o.ctx, "clerk9")
	if err != nil || u.RolesText != "clerk,supervisor" || u.AgencyID != o.other.ID || u.Email != "zl@example.cn" {
		t.Fatalf("user: %+v %v", u, err)
	}
	if w := b.post("/admin/users", url.Values{"username": {"x1"}, "password": {"short"}, "roles": {"clerk"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("short password: %d", w.Code)
	}
	if w := b.post("/admin/users", url.Values{"username": {"x2"}, "password": {"long enough pw"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("no role: %d", w.Code)
	}
	path := "/admin/users/" + strconv.FormatInt(u.ID, 10)
	// Change roles, oversee the default agency, deactivate.
	def := strconv.FormatInt(o.users["clerk1"].AgencyID, 10)
	w = b.post(path, url.Values{"display_name": {"赵六"}, "email": {""}, "agency": {strconv.FormatInt(o.other.ID, 10)}, "roles": {"supervisor"}, "agencies": {def}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", w.Code, pageText(w.Body.String()))
	}
	u, _ = o.db.UserByName(o.ctx, "clerk9")
	if u.RolesText != "supervisor" || u.Active || len(u.Agencies) != 1 {
		t.Fatalf("updated: %+v", u)
	}
	// An admin cannot lock themself out.
	me := "/admin/users/" + strconv.FormatInt(o.users["admin1"].ID, 10)
	if w := b.post(me, url.Values{"agency": {def}, "roles": {"clerk"}, "active": {"1"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("self demotion: %d", w.Code)
	}
	// No administrator mints a token for another user (it would act as that user)...
	if w := b.post("/admin/users/"+strconv.FormatInt(o.users["clerk2"].ID, 10)+"/tokens", url.Values{"label": {"对接脚本"}}); w.Code != http.StatusForbidden {
		t.Fatalf("admin minted a token for clerk2: %d", w.Code)
	}
	// ...the owner does, on the account page: shown once, works, and the admin can revoke it.
	w = o.as("clerk2").post("/account/tokens", url.Values{"label": {"对接脚本"}})
	m := tokenRE.FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusCreated || m == nil || len(m[1]) < 32 {
		t.Fatalf("token: %d", w.Code)
	}
	o.tokens["clerk2"] = m[1]
	if w := o.api("clerk2", "GET", "/api/v1/cases", nil); w.Code != http.StatusOK {
		t.Fatalf("new token: %d", w.Code)
	}
	if page := b.get("/admin/users/" + strconv.FormatInt(o.users["clerk2"].ID, 10)).Body.String(); strings.Contains(page, m[1]) {
		t.Error("the token is shown again")
	}
	ts, _ := o.db.Tokens(o.ctx, o.users["clerk2"].ID)
	w = b.post("/admin/users/"+strconv.FormatInt(o.users["clerk2"].ID, 10)+"/tokens/"+strconv.FormatInt(ts[0].ID, 10)+"/revoke", url.Values{})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", w.Code)
	}
	if w := o.api("clerk2", "GET", "/api/v1/cases", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", w.Code)
	}
}

// A calendar correction recomputes the open cases and lists them with their deadline before and
// after; each gets a deadline_recomputed event.
func TestAdminCalendar(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02") // due 2026-11-30
	closed := o.inState(cases.StateClosed)
	b := o.as("admin1")
	// First the preview: the cases it would move, nothing changed.
	w := b.post("/admin/calendar", url.Values{"day": {"2026-11-20"}, "kind": {"off"}, "note": {"测试：临时休息日"}})
	if page := pageText(w.Body.String()); w.Code != http.StatusOK || !strings.Contains(page, c.TrackingNo+" 2026-11-30 2026-12-01") || !strings.Contains(w.Body.String(), `name="confirm"`) {
		t.Fatalf("preview: %d %s", w.Code, page)
	}
	if o.load(c.ID).ReplyDue.String() != "2026-11-30" || len(o.s.db.Calendar().Overrides()) != 0 {
		t.Fatal("the preview changed something")
	}
	w = b.post("/admin/calendar", url.Values{"day": {"2026-11-20"}, "kind": {"off"}, "note": {"测试：临时休息日"}, "confirm": {"1"}})
	if w.Code != http.StatusOK {
		t.Fatalf("set day: %d %s", w.Code, pageText(w.Body.String()))
	}
	page := pageText(w.Body.String())
	if !strings.Contains(page, c.TrackingNo+" 2026-11-30 2026-12-01") || strings.Contains(page, closed.TrackingNo) {
		t.Errorf("affected cases: %s", page)
	}
	after := o.load(c.ID)
	if after.ReplyDue.String() != "2026-12-01" || after.Events[len(after.Events)-1].Event != "deadline_recomputed" {
		t.Errorf("case after: %s", after.ReplyDue)
	}
	if w := b.post("/admin/calendar", url.Values{"day": {"2026-11-31"}, "kind": {"work"}, "note": {""}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad day: %d", w.Code)
	}
	if !strings.Contains(pageText(b.get("/admin/calendar").Body.String()), "2026-11-20 休息日 测试：临时休息日") {
		t.Error("override not listed")
	}
	// Deleting the override: preview, then the same recomputation back.
	w = b.post("/admin/calendar/delete", url.Values{"day": {"2026-11-20"}})
	if page := pageText(w.Body.String()); w.Code != http.StatusOK || !strings.Contains(page, c.TrackingNo+" 2026-12-01 2026-11-30") {
		t.Fatalf("delete preview: %d %s", w.Code, page)
	}
	if w := b.post("/admin/calendar/delete", url.Values{"day": {"2026-11-20"}, "confirm": {"1"}}); w.Code != http.StatusOK {
		t.Fatalf("delete: %d", w.Code)
	}
	if after := o.load(c.ID); after.ReplyDue.String() != "2026-11-30" || len(o.s.db.Calendar().Overrides()) != 0 {
		t.Errorf("after delete: due %s, overrides %v", after.ReplyDue, o.s.db.Calendar().Overrides())
	}
	if w := b.post("/admin/calendar/delete", url.Values{"day": {"2026-11-20"}, "confirm": {"1"}}); w.Code != http.StatusNotFound {
		t.Errorf("delete again: %d", w.Code)
	}
}

// docs/design.md "Documents": an administrator uploads the agency's seal on its page; a file that is
// not a PNG is refused and changes nothing; the seal can be removed.
func TestAdminAgencySeal(t *testing.T) {
	o := newOffice(t)
	b := o.as("admin1")
	a, err := o.db.AgencyByCode(o.ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/agencies/" + strconv.FormatInt(a.ID, 10)
	img := image.NewNRGBA(image.Rect(0, 0, 160, 160))
	img.Set(80, 80, color.NRGBA{R: 220, A: 255})
	var png bytes.Buffer
	if err := pngpkg.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	body, ct := staffMultipartField(t, "seal", "seal.png", png.Bytes())
	if w := b.do("POST", path+"/seal", body, ct); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, pageText(w.Body.String()))
	}
	as, _ := o.db.AgencyLetterAssets(o.ctx, a.ID)
	if !bytes.Equal(as.Seal, png.Bytes()) {
		t.Fatal("the seal was not stored")
	}
	if w := b.get(path + "/seal.png"); w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), png.Bytes()) {
		t.Errorf("seal image: %d", w.Code)
	}
	if page := b.get(path).Body.String(); !strings.Contains(page, path+"/seal.png") {
		t.Error("the agency page does not show the seal")
	}
	body, ct = staffMultipartField(t, "seal", "seal.png", []byte("%PDF-1.4 not an image"))
	if w := b.do("POST", path+"/seal", body, ct); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "PNG") {
		t.Errorf("a seal that is no PNG: %d", w.Code)
	}
	if as, _ := o.db.AgencyLetterAssets(o.ctx, a.ID); !bytes.Equal(as.Seal, png.Bytes()) {
		t.Error("a refused upload changed the seal")
	}
	if w := b.post(path+"/seal", url.Values{"remove": {"1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", w.Code)
	}
	if as, _ := o.db.AgencyLetterAssets(o.ctx, a.ID); len(as.Seal) != 0 {
		t.Error("the seal was not removed")
	}
	if w := o.as("clerk1").get(path + "/seal.png"); w.Code == http.StatusOK {
		t.Error("a clerk reads the admin pages")
	}
}

// staffMultipartField is a multipart body with one file in field.
func staffMultipartField(t *testing.T, field, filename string, content []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}
