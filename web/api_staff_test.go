package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	cases "foidesk/case"
)

func decodeBody(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("not JSON (%d): %s", w.Code, w.Body.String())
	}
	return m
}

// errorCode checks the coded error body {"error": {"code", "message"[, "fields"]}}.
func errorCode(t *testing.T, w *httptest.ResponseRecorder) (string, map[string]any) {
	t.Helper()
	m := decodeBody(t, w)
	e, ok := m["error"].(map[string]any)
	if !ok || e["message"] == "" {
		t.Fatalf("no coded error body: %s", w.Body.String())
	}
	f, _ := e["fields"].(map[string]any)
	return e["code"].(string), f
}

func apiApplication() map[string]any {
	return map[string]any{
		"applicant":   map[string]any{"kind": "person", "name": "李四", "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000", "email": "lisi@example.cn"},
		"description": "请公开本区2025年道路维修工程的招标文件。",
		"delivery":    "email", "carrier": "electronic", "channel": "post_registered", "received_on": "2026-11-02",
	}
}

func TestStaffAPIAuth(t *testing.T) {
	o := newOffice(t)
	for _, who := range []string{"", "bogus"} {
		req := httptest.NewRequest("GET", "/api/v1/cases", nil)
		if who != "" {
			req.Header.Set("Authorization", "Bearer not-a-real-token-0123456789012345678901")
		}
		w := serve(o.s, req)
		if code, _ := errorCode(t, w); w.Code != http.StatusUnauthorized || code != cases.EUNAUTHORIZED || w.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%q: %d %s", who, w.Code, code)
		}
	}
	// A session cookie is no credential for the API.
	b := o.as("clerk1")
	if w := b.get("/api/v1/cases"); w.Code != http.StatusUnauthorized {
		t.Errorf("cookie on the API: %d", w.Code)
	}
	// A revoked token stops working.
	ts, _ := o.db.Tokens(o.ctx, o.users["clerk1"].ID)
	if err := o.db.RevokeTokenID(o.ctx, o.users["clerk1"].ID, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if w := o.api("clerk1", "GET", "/api/v1/cases", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", w.Code)
	}
}

func TestStaffAPICreateAndRead(t *testing.T) {
	o := newOffice(t)
	w := o.api("clerk1", "POST", "/api/v1/cases", apiApplication())
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body.String())
	}
	c := decodeBody(t, w)
	if c["state"] != "registered" || c["received_on"] != "2026-11-02" || c["reply_due"] != "2026-11-30" || c["channel"] != "post_registered" {
		t.Fatalf("created: %v", c)
	}
	id := strconv.FormatInt(int64(c["id"].(float64)), 10)
	if w.Header().Get("Location") != "/api/v1/cases/"+id {
		t.Errorf("Location %q", w.Header().Get("Location"))
	}

	w = o.api("sup1", "GET", "/api/v1/cases/"+id, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("get: %d", w.Code)
	}
	c = decodeBody(t, w)
	for _, k := range []string{"id", "tracking_no", "state", "version", "applicant", "description", "channel", "delivery", "carrier", "received_on",
		"clock_start", "reply_due", "provisional", "correction_notice_by", "correction_due", "consultation_due", "fee_due", "extended_days",
		"paused_days", "assignee", "outcome", "concluded_on", "letter_no", "documents", "events", "remedies"} {
		if _, ok := c[k]; !ok {
			t.Errorf("case lacks %q", k)
		}
	}
	docs := c["documents"].([]any)
	if len(docs) == 0 {
		t.Fatal("no documents")
	}
	for _, d := range docs {
		d := d.(map[string]any)
		for _, k := range []string{"id", "kind", "number", "sha256", "url"} {
			if _, ok := d[k]; !ok {
				t.Errorf("document lacks %q", k)
			}
		}
		want := "/api/v1/cases/" + id + "/documents/" + strconv.FormatInt(int64(d["id"].(float64)), 10)
		if d["url"] != want {
			t.Errorf("document url %v, want %s", d["url"], want)
		}
	}
	ev := c["events"].([]any)[0].(map[string]any)
	for _, k := range []string{"seq", "event", "actor", "at", "from_state", "to_state", "payload", "reply_due_before", "reply_due_after"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("event lacks %q", k)
		}
	}
	if ev["event"] != "register" || ev["actor"] != "clerk1" || ev["to_state"] != "registered" {
		t.Errorf("first event: %v", ev)
	}
	// The document itself.
	d := docs[len(docs)-1].(map[string]any)
	w = o.api("clerk1", "GET", d["url"].(string), nil)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(w.Body.String(), "%PDF") {
		t.Errorf("document: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	if w := o.api("clerk1", "GET", "/api/v1/cases/"+id+"/documents/99999", nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown document: %d", w.Code)
	}

	// Refusals: the same validation as the forms.
	bad := apiApplication()
	bad["received_on"] = "2026-11-04"
	bad["applicant"].(map[string]any)["id_number"] = "110105194912310021"
	w = o.api("clerk1", "POST", "/api/v1/cases", bad)
	code, fields := errorCode(t, w)
	if w.Code != http.StatusUnprocessableEntity || code != cases.EINVALID || fields["received_on"] == nil || fields["applicant.id_number"] == nil {
		t.Errorf("bad application: %d %s", w.Code, w.Body.String())
	}
	unknown := apiApplication()
	unknown["colour"] = "red"
	if w := o.api("clerk1", "POST", "/api/v1/cases", unknown); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown field: %d", w.Code)
	}
	if w := o.api("sup1", "POST", "/api/v1/cases", apiApplication()); w.Code != http.StatusForbidden {
		t.Errorf("supervisor registering: %d", w.Code)
	}
}

func TestStaffAPIEvents(t *testing.T) {
	o := newOffice(t)
	c := o.inState(cases.StateRegistered)
	path := "/api/v1/cases/" + strconv.FormatInt(c.ID, 10) + "/events"
	check := func(who string, body any, status int, code string) map[string]any {
		t.Helper()
		before := o.load(c.ID)
		w := o.api(who, "POST", path, body)
		if w.Code != status {
			t.Fatalf("%v: %d %s, want %d", body, w.Code, w.Body.String(), status)
		}
		if code != "" {
			if got, _ := errorCode(t, w); got != code {
				t.Fatalf("%v: code %s, want %s", body, got, code)
			}
			unchanged(t, o, before)
			return nil
		}
		return decodeBody(t, w)
	}
	check("clerk1", map[string]any{"event": "teleport"}, 422, cases.EINVALID)
	check("clerk1", map[string]any{}, 422, cases.EINVALID)
	check("clerk1", "[1,2]", 422, cases.EINVALID)
	check("clerk1", map[string]any{"event": "approve"}, 403, cases.EFORBIDDEN)
	check("clerk1", map[string]any{"event": "register"}, 409, cases.ECONFLICT)
	check("clerk1", map[string]any{"event": "accept", "expected_version": c.Version + 1}, 409, cases.ECONFLICT)
	check("clerk1", map[string]any{"event": "accept", "expected_version": "one"}, 422, cases.EINVALID)
	check("clerk1", map[string]any{"event": "request_correction", "items": []string{}}, 422, cases.EINVALID)
	got := check("clerk1", map[string]any{"event": "accept", "expected_version": c.Version}, 200, "")
	if got["state"] != "in_progress" || got["assignee"] != "clerk1" || int(got["version"].(float64)) != c.Version+1 {
		t.Fatalf("accept: %v", got)
	}
	got = check("clerk1", map[string]any{"event": "draft_reply", "outcome": "disclose", "reasons": "经审查，予以公开。"}, 200, "")
	if got["state"] != "pending_approval" {
		t.Fatalf("draft: %v", got["state"])
	}
	got = check("sup1", map[string]any{"event": "approve"}, 200, "")
	if got["state"] != "replied" || got["letter_no"] == "" || got["outcome"] != "disclose" {
		t.Fatalf("approve: %v", got)
	}
	evs := got["events"].([]any)
	last := evs[len(evs)-1].(map[string]any)
	if last["event"] != "approve" || last["from_state"] != "pending_approval" || last["to_state"] != "replied" || last["actor"] != "sup1" {
		t.Errorf("last event: %v", last)
	}
	// No such case: 404 before the body is looked at.
	for _, p := range []string{"/api/v1/cases/999999/events", "/api/v1/cases/abc/events"} {
		w := o.api("clerk1", "POST", p, map[string]any{"event": "teleport"})
		if code, _ := errorCode(t, w); w.Code != 404 || code != cases.ENOTFOUND {
			t.Errorf("%s: %d %s", p, w.Code, w.Body.String())
		}
	}
}

func TestStaffAPIList(t *testing.T) {
	o := newOffice(t)
	ids := queueFixture(t, o)
	all := func(query string) ([]map[string]any, int) {
		t.Helper()
		var items []map[string]any
		pages := 0
		cursor := ""
		for {
			q := query + "&limit=2"
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			w := o.api("clerk1", "GET", "/api/v1/cases?"+q, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", q, w.Code, w.Body.String())
			}
			var page struct {
				Items []map[string]any `json:"items"`
				Next  *string          `json:"next"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
				t.Fatal(err)
			}
			items = append(items, page.Items...)
			pages++
			if page.Next == nil {
				return items, pages
			}
			cursor = *page.Next
		}
	}
	items, pages := all("state=registered,in_progress")
	if len(items) != 7 || pages != 4 {
		t.Errorf("registered+in_progress: %d items on %d pages", len(items), pages)
	}
	last := ""
	for _, it := range items {
		due, _ := it["reply_due"].(string)
		if due < last {
			t.Errorf("not by deadline: %s after %s", due, last)
		}
		last = due
		if int64(it["id"].(float64)) == ids["other"] {
			t.Error("another agency's case listed")
		}
	}
	if items, _ := all("assignee=clerk2"); len(items) != 1 {
		t.Errorf("assignee: %d", len(items))
	}
	if items, _ := all("overdue=true"); len(items) != 2 {
		t.Errorf("overdue: %d", len(items))
	}
	if items, _ := all("due_before=2026-11-04&state=registered"); len(items) != 2 {
		t.Errorf("due_before: %d", len(items))
	}
	tn := o.load(ids["reg-far"]).TrackingNo
	if items, _ := all("q=" + tn); len(items) != 1 || items[0]["tracking_no"] != tn {
		t.Errorf("q by tracking number: %v", items)
	}
	for _, bad := range []string{"state=flying", "due_before=tomorrow", "overdue=maybe", "limit=0", "limit=x", "cursor=bm90LWEtY3Vyc29y"} {
		w := o.api("clerk1", "GET", "/api/v1/cases?"+bad, nil)
		if code, _ := errorCode(t, w); w.Code != http.StatusUnprocessableEntity || code != cases.EINVALID {
			t.Errorf("%s: %d %s", bad, w.Code, code)
		}
	}
}

// TestStaffAPIListSortFilters: GET /cases sort and filters (docs/api.md "Staff"); each bad
// parameter is named in fields; a cursor is valid only with its own sort and filters.
func TestStaffAPIListSortFilters(t *testing.T) {
	o := newOffice(t)
	queueFixture(t, o)
	list := func(query string) ([]map[string]any, *string) {
		t.Helper()
		w := o.api("clerk1", "GET", "/api/v1/cases?"+query, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, w.Code, w.Body.String())
		}
		var page struct {
			Items []map[string]any `json:"items"`
			Next  *string          `json:"next"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		return page.Items, page.Next
	}
	items, _ := list("sort=-tracking_no&limit=500")
	for i := 1; i < len(items); i++ {
		if items[i-1]["tracking_no"].(string) < items[i]["tracking_no"].(string) {
			t.Errorf("-tracking_no: %v before %v", items[i-1]["tracking_no"], items[i]["tracking_no"])
		}
	}
	if len(items) < 3 || len(items[0]["events"].([]any)) == 0 {
		t.Fatalf("items without their events: %v", items)
	}
	items, _ = list("sort=state&limit=500")
	rank := map[string]int{}
	for i, s := range cases.States {
		rank[s.Code] = i
	}
	for i := 1; i < len(items); i++ {
		if rank[items[i-1]["state"].(string)] > rank[items[i]["state"].(string)] {
			t.Errorf("state order: %v before %v", items[i-1]["state"], items[i]["state"])
		}
	}
	paused, _ := list("paused=true&limit=500")
	for _, it := range paused {
		if !slices.Contains(cases.PausedStates, cases.State(it["state"].(string))) {
			t.Errorf("paused=true listed %v", it["state"])
		}
	}
	if fax, _ := list("channel=fax"); len(fax) != 0 {
		t.Errorf("channel=fax: %d cases", len(fax))
	}
	_, next := list("sort=received&limit=1")
	if next == nil {
		t.Fatal("no next page")
	}
	for bad, field := range map[string]string{"sort=deadline": "sort", "channel=pigeon": "channel", "received_from=2026-1-1": "received_from",
		"received_to=x": "received_to", "paused=yes": "paused", "sort=due&cursor=" + *next: "cursor", "sort=received&state=registered&cursor=" + *next: "cursor"} {
		w := o.api("clerk1", "GET", "/api/v1/cases?"+bad, nil)
		code, fields := errorCode(t, w)
		if w.Code != http.StatusUnprocessableEntity || code != cases.EINVALID || fields[field] == nil {
			t.Errorf("%s: %d %s %v, want 422 with fields.%s", bad, w.Code, code, fields, field)
		}
	}
	if _, n2 := list("sort=received&limit=1&cursor=" + *next); n2 == nil {
		t.Error("the cursor with its own filters: no further page")
	}
}

func TestStaffAPICalendarDue(t *testing.T) {
	o := newOffice(t)
	w := o.api("admin1", "GET", "/api/v1/calendar/due?from=2026-09-30&days=5", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	m := decodeBody(t, w)
	// National Day 2026: 10/1–10/7 off; 10/10 (Saturday) a working day.
	if m["due"] != "2026-10-13" {
		t.Errorf("due %v", m["due"])
	}
	if lines, ok := m["explanation"].([]any); !ok || len(lines) < 3 || !strings.Contains(lines[0].(string), "2026-09-30") {
		t.Errorf("explanation %v", m["explanation"])
	}
	if w := o.api("admin1", "GET", "/api/v1/calendar/due?from=2026-13-01&days=5", nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d", w.Code)
	}
}

// GET /cases answers exactly what encoding the page's whole cases gives (the JSON of a case is
// kept per state of the database), and a change shows at once: the next page has the new event.
func TestStaffAPIListFollowsChanges(t *testing.T) {
	o := newOffice(t)
	ids := queueFixture(t, o)
	get := func() []byte {
		t.Helper()
		w := o.api("clerk1", "GET", "/api/v1/cases?state=registered,in_progress&limit=50", nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
		return w.Body.Bytes()
	}
	want := func() []byte {
		t.Helper()
		u, err := o.db.UserByName(o.ctx, "clerk1")
		if err != nil {
			t.Fatal(err)
		}
		list, next, err := o.db.FindCases(o.ctx, cases.CaseFilter{AgencyIDs: userAgencies(u), Today: cases.MustDate("2026-11-03"),
			States: []cases.State{cases.StateRegistered, cases.StateInProgress}, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if err := o.db.FillCases(o.ctx, list); err != nil {
			t.Fatal(err)
		}
		items := []any{}
		for _, x := range list {
			items = append(items, caseJSON(x))
		}
		var nextv any
		if next != "" {
			nextv = next
		}
		b, err := json.Marshal(gin.H{"items": items, "next": nextv})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first, again := get(), get()
	if string(first) != string(again) || string(first) != string(want()) {
		t.Fatalf("list not the encoding of its cases:\n got %s\nagain %s\n want %s", first, again, want())
	}
	o.fire(ids["reg-far"], "clerk1", "add_note", map[string]string{"text": "已电话联系申请人。"})
	after := get()
	if string(after) == string(first) || string(after) != string(want()) || !strings.Contains(string(after), `"event":"add_note"`) {
		t.Fatalf("the note is not in the next page:\n%s", after)
	}
}
