package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
)

// TestAuthorizationTable walks the whole authorization table: every route of the router must
// have a row, and every row is requested anonymously and as each role (clerk, supervisor, admin):
// anonymous callers get 401 from the API and a redirect to the sign-in page elsewhere, a role
// not in the row gets 403, a role in it gets neither.
func TestAuthorizationTable(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	doc := c.Documents[0].ID
	clerk2 := o.users["clerk2"]
	tokens, err := o.db.Tokens(o.ctx, clerk2.ID)
	if err != nil || len(tokens) == 0 {
		t.Fatal(err)
	}

	registered := map[string]bool{}
	for _, r := range o.s.Engine().Routes() {
		registered[r.Method+" "+r.Path] = true
		if _, ok := lookupRoute(r.Method, r.Path); !ok {
			t.Errorf("route %s %s is not in the authorization table (web/authz.go)", r.Method, r.Path)
		}
	}

	concrete := func(path string) string {
		id := strconv.FormatInt(c.ID, 10)
		switch {
		case path == "/admin/users/:id/tokens": // an administrator creates its own tokens only
			id = strconv.FormatInt(o.users["admin1"].ID, 10)
		case strings.HasPrefix(path, "/admin/users/"):
			id = strconv.FormatInt(clerk2.ID, 10)
		case strings.HasPrefix(path, "/admin/agencies/"):
			id = strconv.FormatInt(o.other.ID, 10)
		}
		r := strings.NewReplacer(":id", id, ":doc_id", strconv.FormatInt(doc, 10), ":doc", strconv.FormatInt(doc, 10),
			":token_id", strconv.FormatInt(tokens[0].ID, 10), ":no", c.TrackingNo, ":tracking_no", c.TrackingNo, "*path", "site.css")
		return r.Replace(path)
	}

	roles := []string{cases.RoleClerk, cases.RoleSupervisor, cases.RoleAdmin}
	users := map[string]string{cases.RoleClerk: "clerk1", cases.RoleSupervisor: "sup1", cases.RoleAdmin: "admin1"}
	browsers := map[string]*browser{}
	for _, r := range roles {
		browsers[r] = o.as(users[r])
	}
	request := func(role string, rt route) *httptest.ResponseRecorder {
		path := concrete(rt.Path)
		if isAPI(rt.Path) {
			who := ""
			if role != "" {
				who = users[role]
			}
			var body any
			if rt.Method == "POST" {
				body = "{}"
			}
			return o.api(who, rt.Method, path, body)
		}
		b := o.browser()
		if role != "" {
			b = browsers[role]
		}
		if rt.Method == "POST" {
			return b.post(path, url.Values{})
		}
		return b.get(path)
	}

	checks := 0
	var logout *route
	for i, rt := range authzTable {
		if !registered[rt.Method+" "+rt.Path] {
			if rt.Roles != nil {
				t.Errorf("authorization row %s %s names no route", rt.Method, rt.Path)
			}
			continue
		}
		if rt.Path == "/logout" {
			logout = &authzTable[i] // last: it ends the sessions
			continue
		}
		checks += checkRoute(t, rt, roles, request)
	}
	if logout != nil {
		checks += checkRoute(t, *logout, roles, request)
	}
	t.Logf("authorization table: %d rows, %d routes registered, %d checks (each row × anonymous, clerk, supervisor, admin)", len(authzTable), len(registered), checks)
	if checks < 4*40 {
		t.Errorf("only %d checks", checks)
	}
}

func checkRoute(t *testing.T, rt route, roles []string, request func(string, route) *httptest.ResponseRecorder) int {
	t.Helper()
	n := 0
	w := request("", rt)
	n++
	loginRedirect := func(w *httptest.ResponseRecorder) bool {
		loc := w.Header().Get("Location")
		return w.Code == http.StatusSeeOther && (loc == "/login" || strings.HasPrefix(loc, "/login?next="))
	}
	switch {
	case rt.Roles == nil:
		if w.Code == http.StatusUnauthorized || loginRedirect(w) {
			t.Errorf("public %s %s: anonymous got %d", rt.Method, rt.Path, w.Code)
		}
	case isAPI(rt.Path):
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"EUNAUTHORIZED"`) {
			t.Errorf("%s %s anonymous: %d %s, want 401 EUNAUTHORIZED", rt.Method, rt.Path, w.Code, w.Body.String())
		}
	default:
		if !loginRedirect(w) {
			t.Errorf("%s %s anonymous: %d (Location %q), want a redirect to /login", rt.Method, rt.Path, w.Code, w.Header().Get("Location"))
		}
	}
	for _, role := range roles {
		w := request(role, rt)
		n++
		allowed := rt.Roles == nil || hasAnyRole([]string{role}, rt.Roles)
		denied := w.Code == http.StatusForbidden || w.Code == http.StatusUnauthorized || loginRedirect(w)
		if allowed && denied {
			t.Errorf("%s %s as %s: %d, want allowed", rt.Method, rt.Path, role, w.Code)
		}
		if !allowed {
			if w.Code != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", rt.Method, rt.Path, role, w.Code)
			} else if isAPI(rt.Path) && !strings.Contains(w.Body.String(), `"EFORBIDDEN"`) {
				t.Errorf("%s %s as %s: body %s, want EFORBIDDEN", rt.Method, rt.Path, role, w.Body.String())
			}
		}
	}
	return n
}

// Staff see only the cases of the agencies they act for: another agency's clerk finds nothing.
func TestAuthorizationByAgency(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	id := strconv.FormatInt(c.ID, 10)
	b := o.as("clerkb")
	if w := b.get("/staff/cases/" + id); w.Code != http.StatusNotFound {
		t.Errorf("case page of another agency: %d", w.Code)
	}
	if w := b.post("/staff/cases/"+id+"/events", url.Values{"event": {"add_note"}, "text": {"x"}}); w.Code != http.StatusNotFound {
		t.Errorf("event on another agency's case: %d", w.Code)
	}
	if w := b.get("/staff/queue?tab=registered"); strings.Contains(w.Body.String(), c.TrackingNo) {
		t.Errorf("another agency's case listed in the queue")
	}
	if w := o.api("clerkb", "GET", "/api/v1/cases/"+id, nil); w.Code != http.StatusNotFound {
		t.Errorf("API case of another agency: %d", w.Code)
	}
	if w := o.api("clerkb", "POST", "/api/v1/cases/"+id+"/events", map[string]any{"event": "add_note", "text": "x"}); w.Code != http.StatusNotFound {
		t.Errorf("API event on another agency's case: %d", w.Code)
	}
	if n := o.load(c.ID).EventCount; n != c.EventCount {
		t.Errorf("events appended: %d → %d", c.EventCount, n)
	}
	// A supervisor overseeing the other agency too sees it.
	if _, err := o.db.UpdateUser(o.ctx, o.users["clerkb"].ID, cases.UserPatch{Agencies: &[]int64{c.AgencyID}}); err != nil {
		t.Fatal(err)
	}
	if w := b.get("/staff/cases/" + id); w.Code != http.StatusOK {
		t.Errorf("case page of an overseen agency: %d", w.Code)
	}
}

// A deactivated user's session ends at the next request; a revoked token is refused.
func TestDeactivationEndsSession(t *testing.T) {
	o := newOffice(t)
	b := o.as("clerk1")
	if w := b.get("/staff/queue"); w.Code != http.StatusOK {
		t.Fatalf("queue: %d", w.Code)
	}
	off := false
	if _, err := o.db.UpdateUser(o.ctx, o.users["clerk1"].ID, cases.UserPatch{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if w := b.get("/staff/queue"); w.Code != http.StatusSeeOther {
		t.Errorf("deactivated user: %d", w.Code)
	}
	if w := o.api("clerk1", "GET", "/api/v1/cases", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("deactivated user's token: %d", w.Code)
	}
}
