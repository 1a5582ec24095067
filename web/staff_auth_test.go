package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// Cross-site requests that change state are refused (http.CrossOriginProtection), whatever the
// cookies say; same-origin ones pass.
func TestCrossSitePostRefused(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateRegistered)
	b := o.as("clerk1")
	b.header.Set("Origin", "https://evil.example")
	b.header.Set("Sec-Fetch-Site", "cross-site")
	w := b.post("/staff/cases/"+strconv.FormatInt(c.ID, 10)+"/events", url.Values{"event": {"add_note"}, "text": {"跨站"}, "expected_version": {strconv.Itoa(c.Version)}})
	if w.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", w.Code)
	}
	unchanged(t, o, c)
	if w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}}); w.Code != http.StatusForbidden {
		t.Errorf("cross-site login: %d", w.Code)
	}
	if w := b.post("/logout", nil); w.Code != http.StatusForbidden {
		t.Errorf("cross-site logout: %d", w.Code)
	}
	b.header.Set("Sec-Fetch-Site", "same-origin")
	b.header.Set("Origin", "http://example.com")
	w = b.post("/staff/cases/"+strconv.FormatInt(c.ID, 10)+"/events", url.Values{"event": {"add_note"}, "text": {"同源"}, "expected_version": {strconv.Itoa(c.Version)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d %s", w.Code, pageText(w.Body.String()))
	}
}

// Session fixation: the session id changes at sign-in; a planted id is never adopted and the
// previous session stops working.
func TestSessionFixation(t *testing.T) {
	o := newOffice(t)
	b := o.browser()
	b.cookies["foidesk_session"] = &http.Cookie{Name: "foidesk_session", Value: "planted-by-an-attacker-0123456789abcdef"}
	w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("login: %d", w.Code)
	}
	first := b.cookies["foidesk_session"].Value
	if first == "planted-by-an-attacker-0123456789abcdef" || first == "" {
		t.Fatalf("session id not renewed at login: %q", first)
	}
	ck := w.Result().Cookies()[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Errorf("cookie flags: %+v", ck)
	}
	// Signing in again (as someone else) from the same browser renews it again.
	w = b.post("/login", url.Values{"username": {"sup1"}, "password": {testPassword}})
	second := b.cookies["foidesk_session"].Value
	if w.Code != http.StatusSeeOther || second == first {
		t.Fatalf("second login: %d, id %q → %q", w.Code, first, second)
	}
	old := o.browser()
	old.cookies["foidesk_session"] = &http.Cookie{Name: "foidesk_session", Value: first}
	if w := old.get("/staff/queue"); w.Code != http.StatusSeeOther {
		t.Errorf("the session id from before the second login still works: %d", w.Code)
	}
	// Logout ends the session: the id no longer signs anyone in.
	if w := b.post("/logout", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}
	replay := o.browser()
	replay.cookies["foidesk_session"] = &http.Cookie{Name: "foidesk_session", Value: second}
	if w := replay.get("/staff/queue"); w.Code != http.StatusSeeOther {
		t.Errorf("a logged-out session still works: %d", w.Code)
	}
	// Sessions live in the database, tokens hashed.
	var n int
	if err := o.db.R.Get(&n, `SELECT COUNT(*) FROM sessions WHERE token = ?`, second); err != nil || n != 0 {
		t.Errorf("session token stored in clear: %d %v", n, err)
	}
}

// The cookie is Secure on TLS requests.
func TestSessionCookieSecureOnTLS(t *testing.T) {
	o := newOffice(t)
	req := newFormRequest("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}})
	req.TLS = &tlsState
	w := serve(o.s, req)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("login over TLS: %d", w.Code)
	}
	ck := w.Result().Cookies()
	if len(ck) == 0 || !ck[0].Secure {
		t.Errorf("cookie over TLS not Secure: %+v", ck)
	}
}

// Throttling: after 5 failures an account is refused for 15 minutes (429, Retry-After, a clear
// Chinese message), even with the right password; 20 failures from one address block the
// address. Every login, failure and logout is in the auth log.
func TestLoginThrottling(t *testing.T) {
	o := newOffice(t)
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	o.db.Now, o.s.now = clock, clock
	b := o.browser()
	for i := 0; i < maxUserFailures; i++ {
		now = now.Add(10 * time.Second)
		w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {"wrong password"}})
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "用户名或密码不正确") {
			t.Fatalf("failure %d: %d", i+1, w.Code)
		}
	}
	w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}})
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("throttled login: %d", w.Code)
	}
	ra, _ := strconv.Atoi(w.Header().Get("Retry-After"))
	if ra <= 0 || ra > int(throttleWindow.Seconds()) || !strings.Contains(w.Body.String(), "登录失败次数过多") {
		t.Fatalf("Retry-After %q, body %s", w.Header().Get("Retry-After"), pageText(w.Body.String()))
	}
	if _, ok := b.cookies["foidesk_session"]; ok {
		t.Fatal("a throttled login got a session")
	}
	// Another account is not affected.
	other := o.browser()
	if w := other.post("/login", url.Values{"username": {"clerk2"}, "password": {testPassword}}); w.Code != http.StatusSeeOther {
		t.Fatalf("other account: %d", w.Code)
	}
	// After the window the right password works again, and resets the account's count.
	now = now.Add(throttleWindow)
	if w := b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}}); w.Code != http.StatusSeeOther {
		t.Fatalf("after the window: %d %s", w.Code, pageText(w.Body.String()))
	}
	if w := b.post("/logout", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}

	// Per address: failures on many accounts from one address.
	now = now.Add(time.Minute)
	a := o.browser()
	for i := 0; i < maxAddrFailures; i++ {
		now = now.Add(time.Second)
		a.post("/login", url.Values{"username": {"nobody" + strconv.Itoa(i)}, "password": {"x"}})
	}
	if w := a.post("/login", url.Values{"username": {"sup1"}, "password": {testPassword}}); w.Code != http.StatusTooManyRequests {
		t.Fatalf("address throttle: %d", w.Code)
	}

	var log []struct {
		Username string `db:"username"`
		Event    string `db:"event"`
		Address  string `db:"address"`
	}
	if err := o.db.R.Select(&log, `SELECT username, event, address FROM auth_log ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range log {
		count[e.Event]++
		if e.Address == "" {
			t.Errorf("auth log entry without address: %+v", e)
		}
	}
	if count[authLogin] != 2 || count[authLogout] != 1 || count[authFailed] != maxUserFailures+maxAddrFailures || count[authThrottled] != 2 {
		t.Errorf("auth log: %v", count)
	}
}

// Only a safe local path is accepted as the destination after sign-in.
func TestLoginNext(t *testing.T) {
	for in, want := range map[string]string{"/staff/cases/3": "/staff/cases/3", "//evil.example/x": "", "https://evil.example": "", "/\\evil": "", "": ""} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q", in, got)
		}
	}
	o := newOffice(t)
	b := o.browser()
	w := b.get("/staff/queue?tab=overdue")
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/login?next=%2Fstaff%2Fqueue%3Ftab%3Doverdue" {
		t.Fatalf("redirect to login: %d %s", w.Code, loc)
	}
	w = b.post("/login", url.Values{"username": {"clerk1"}, "password": {testPassword}, "next": {"/staff/queue?tab=overdue"}})
	if loc := w.Header().Get("Location"); loc != "/staff/queue?tab=overdue" {
		t.Fatalf("after login: %s", loc)
	}
	w = o.browser().post("/login", url.Values{"username": {"admin1"}, "password": {testPassword}})
	if loc := w.Header().Get("Location"); loc != "/admin" {
		t.Fatalf("admin lands on %s", loc)
	}
}
