package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	cases "foidesk/case"
)

// TestWriteCaseIsCaseJSON: the answer written with the events' kept JSON is byte for byte what
// encoding/json writes for caseJSON, for cases in several states, through the API and for a case
// with remedies, empty lists and text that JSON escapes (HTML characters, U+2028), each twice
// (the second time from the kept events).
func TestWriteCaseIsCaseJSON(t *testing.T) {
	o := newOffice(t)
	var ids []int64
	for _, st := range []cases.State{cases.StateRegistered, cases.StateConsulting, cases.StateReplied, "organisation"} {
		c := o.inState(st)
		o.fire(c.ID, "clerk1", "add_note", map[string]any{"text": "<b>申请人</b> & \"引号\" \u2028 已电话联系。"})
		ids = append(ids, c.ID)
	}
	for _, id := range ids {
		want, err := json.Marshal(caseJSON(o.load(id)))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := appendCase(nil, o.load(id))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("case %d: %v\n got %s\nwant %s", id, err, got, want)
			}
			w := o.api("clerk1", "GET", "/api/v1/cases/"+strconv.FormatInt(id, 10), nil)
			if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("GET case %d: %d %q\n got %s\nwant %s", id, w.Code, w.Header().Get("Content-Type"), w.Body.String(), want)
			}
		}
	}
	// POST /cases/{id}/events answers the case after the event in the same bytes.
	w := o.api("clerk1", "POST", "/api/v1/cases/"+strconv.FormatInt(ids[0], 10)+"/events", map[string]any{"event": "add_note", "text": "第二条备注 <i>"})
	want, _ := json.Marshal(caseJSON(o.load(ids[0])))
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want) {
		t.Fatalf("POST event: %d\n got %s\nwant %s", w.Code, w.Body.String(), want)
	}
	// A case built by hand: nil lists, remedies, an event without a hash (never kept).
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456000, time.UTC)
	for _, cs := range []*cases.Case{
		{ID: 7, TrackingNo: "GK-2026-000007", State: cases.StateRegistered},
		{ID: 8, TrackingNo: "GK-2026-000008", State: cases.StateReplied, Description: "<script>&</script>",
			Remedies:  []cases.Remedy{{ID: 1, Kind: "reconsideration", FiledOn: cases.MustDate("2026-11-20"), Result: "upheld", DecidedOn: cases.MustDate("2026-12-01")}},
			Documents: []cases.Document{{ID: 3, Kind: cases.DocReceipt, Number: "收〔2026〕1号"}},
			Events: []cases.Event{{Seq: 1, Event: cases.EventRegister, Actor: "clerk1", At: at, Payload: json.RawMessage(`{"a":"<>&"}`), Hash: "h1"},
				{Seq: 2, Event: cases.EventAddNote, Actor: "clerk1", At: at, Payload: json.RawMessage(`{"text":"x"}`)}}},
	} {
		want, err := json.Marshal(caseJSON(cs))
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendCase(nil, cs)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("case %d: %v\n got %s\nwant %s", cs.ID, err, got, want)
		}
	}
}
