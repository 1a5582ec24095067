package web

import (
	"net/http"
	"testing"

	cases "foidesk/case"
)

// docs/api.md "POST /cases/bulk": each case gets its own transition and event; all or nothing,
// with the status of the first failing case and every case's status and error.
func TestAPIBulk(t *testing.T) {
	o := newOffice(t)
	a, b := o.inState("delivered"), o.inState("delivered")
	open := o.inState(cases.StateInProgress)

	// One case cannot be archived: 409, every case answered, nothing changed.
	w := o.api("clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{a.ID, open.ID, b.ID}})
	if code, _ := errorCode(t, w); w.Code != http.StatusConflict || code != cases.ECONFLICT {
		t.Fatalf("a case in progress: %d %s", w.Code, w.Body.String())
	}
	res := decodeBody(t, w)["results"].([]any)
	want := []float64{200, 409, 200}
	for i, r := range res {
		m := r.(map[string]any)
		if m["status"] != want[i] || (want[i] != 200) != (m["error"] != nil) {
			t.Errorf("result %d: %v", i, m)
		}
	}
	for _, c := range []*cases.Case{a, b, open} {
		if after := o.load(c.ID); after.State != c.State || after.Version != c.Version || len(after.Events) != len(c.Events) {
			t.Errorf("case %d changed by a refused bulk request: %s v%d", c.ID, after.State, after.Version)
		}
	}

	// An unknown case: 404; a bad event or ids: 422 naming the field.
	if w := o.api("clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{a.ID, 999999}}); w.Code != http.StatusNotFound {
		t.Errorf("unknown case: %d %s", w.Code, w.Body.String())
	}
	for _, body := range []map[string]any{
		{"event": "approve", "ids": []int64{a.ID}},
		{"event": "archive", "ids": []int64{}},
		{"event": "archive", "ids": []int64{a.ID, a.ID}},
		{"event": "archive", "ids": "1,2"},
	} {
		w := o.api("clerk1", "POST", "/api/v1/cases/bulk", body)
		if _, f := errorCode(t, w); w.Code != http.StatusUnprocessableEntity || (f["event"] == nil && f["ids"] == nil) {
			t.Errorf("%v: %d %s", body, w.Code, w.Body.String())
		}
	}
	// A case that would fail before an unknown one: every case is still tried, the first failing
	// one gives the status, and the unknown one answers 404.
	w = o.api("clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{open.ID, 999999, a.ID}})
	if code, _ := errorCode(t, w); w.Code != http.StatusConflict || code != cases.ECONFLICT {
		t.Errorf("a case in progress before an unknown one: %d %s", w.Code, w.Body.String())
	}
	want = []float64{409, 404, 200}
	for i, r := range decodeBody(t, w)["results"].([]any) {
		if m := r.(map[string]any); m["status"] != want[i] {
			t.Errorf("result %d: %v, want status %v", i, m, want[i])
		}
	}
	if after := o.load(a.ID); after.State != a.State || after.Version != a.Version {
		t.Errorf("case %d changed by a refused bulk request: %s v%d", a.ID, after.State, after.Version)
	}
	// Another agency's clerk does not see them.
	if w := o.api("clerkb", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{a.ID}}); w.Code != http.StatusNotFound {
		t.Errorf("another agency: %d", w.Code)
	}

	// All can: 200, each archived with its own event.
	w = o.api("clerk1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "archive", "ids": []int64{a.ID, b.ID}})
	if w.Code != http.StatusOK {
		t.Fatalf("bulk archive: %d %s", w.Code, w.Body.String())
	}
	for _, c := range []*cases.Case{a, b} {
		after := o.load(c.ID)
		last := after.Events[len(after.Events)-1]
		if after.State != cases.StateArchived || last.Event != "archive" || last.Actor != "clerk1" {
			t.Errorf("case %d: %s, last event %s by %s", c.ID, after.State, last.Event, last.Actor)
		}
	}
	// Reassign takes its payload.
	c2 := o.inState(cases.StateInProgress)
	if w := o.api("sup1", "POST", "/api/v1/cases/bulk", map[string]any{"event": "reassign", "ids": []int64{open.ID, c2.ID}, "assignee": "clerk2"}); w.Code != http.StatusOK {
		t.Fatalf("bulk reassign: %d %s", w.Code, w.Body.String())
	}
	if o.load(open.ID).Assignee != "clerk2" || o.load(c2.ID).Assignee != "clerk2" {
		t.Error("bulk reassign did not reassign")
	}
}
