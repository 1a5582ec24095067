package web

import (
	"net/http"
	"testing"
)

// docs/api.md "GET /calendar/preview" and docs/rules.md §3: the open cases a calendar change would
// move, old and new deadline, with nothing else about them, and nothing changed.
func TestAPICalendarPreview(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02") // reply due 2026-11-30
	before := o.load(c.ID)
	w := o.api("sup1", "GET", "/api/v1/calendar/preview?date=2026-11-16&work=false", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("preview: %d %s", w.Code, w.Body.String())
	}
	moves := decodeBody(t, w)["moves"].([]any)
	if len(moves) != 1 {
		t.Fatalf("moves: %v", moves)
	}
	m := moves[0].(map[string]any)
	if m["tracking_no"] != c.TrackingNo || m["before"] != before.ReplyDue.String() || m["after"] != "2026-12-01" || len(m) != 3 {
		t.Errorf("move: %v (due %s)", m, before.ReplyDue)
	}
	after := o.load(c.ID)
	if after.ReplyDue != before.ReplyDue || after.Version != before.Version || len(after.Events) != len(before.Events) {
		t.Error("a preview changed the case")
	}
	if len(o.s.db.Calendar().Overrides()) != 0 {
		t.Error("a preview recorded the override")
	}
	// Another agency's supervisor would see nothing of it; a clerk may not ask.
	if w := o.api("clerk1", "GET", "/api/v1/calendar/preview?date=2026-11-16&work=false", nil); w.Code != http.StatusForbidden {
		t.Errorf("clerk: %d", w.Code)
	}
	for _, q := range []string{"date=2026-13-01&work=false", "date=2026-11-16&work=maybe", "work=true"} {
		w := o.api("sup1", "GET", "/api/v1/calendar/preview?"+q, nil)
		if _, f := errorCode(t, w); w.Code != http.StatusUnprocessableEntity || len(f) == 0 {
			t.Errorf("%s: %d %s", q, w.Code, w.Body.String())
		}
	}
}
