package audit

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

var (
	loc = time.FixedZone("CST", 8*3600)
	cal = workflow.NewCalendar(nil)
)

// ev is one event of a history built for a test, dated freely.
type ev struct {
	event, day, from, to string
	payload              map[string]any
	dueBefore, dueAfter  string
}

// history chains the events as the store appends them and returns the case and its events.
func history(tracking string, evs []ev) (*cases.Case, []cases.Event) {
	c := &cases.Case{ID: 7, TrackingNo: tracking}
	var out []cases.Event
	prev := ""
	for i, f := range evs {
		p := f.payload
		if p == nil {
			p = map[string]any{}
		}
		b, _ := json.Marshal(p)
		d := cases.MustDate(f.day)
		e := cases.Event{CaseID: c.ID, Seq: i + 1, Event: cases.EventName(f.event), Actor: "clerk1", At: time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc),
			FromState: cases.State(f.from), ToState: cases.State(f.to), Payload: b, PrevHash: prev}
		if f.dueBefore != "" {
			e.ReplyDueBefore = cases.MustDate(f.dueBefore)
		}
		if f.dueAfter != "" {
			e.ReplyDueAfter = cases.MustDate(f.dueAfter)
		}
		h, err := workflow.EventHash(prev, e)
		if err != nil {
			panic(err)
		}
		e.Hash, prev = h, h
		out = append(out, e)
	}
	c.EventCount, c.HeadHash = len(out), prev
	return c, out
}

// Received 2026-02-02 (a Monday), due 2026-03-09.
func received(day string) []ev {
	return []ev{
		{event: "register", day: day, to: "registered", payload: map[string]any{"received_on": day}, dueAfter: "2026-03-09"},
		{event: "accept", day: day, from: "registered", to: "in_progress", dueBefore: "2026-03-09", dueAfter: "2026-03-09"},
	}
}

func replied(day, due string) []ev {
	return []ev{
		{event: "draft_reply", day: day, from: "in_progress", to: "pending_approval", payload: map[string]any{"outcome": "disclose"}, dueBefore: due, dueAfter: due},
		{event: "approve", day: day, from: "pending_approval", to: "replied", payload: map[string]any{"outcome": "disclose"}, dueBefore: due, dueAfter: due},
	}
}

func delivered(day, on string) ev {
	return ev{event: "record_delivery", day: day, from: "replied", to: "replied", payload: map[string]any{"way": "post", "delivered_on": on}, dueBefore: "2026-03-09", dueAfter: "2026-03-09"}
}

func join(parts ...[]ev) []ev {
	var out []ev
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func rules(fs []cases.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// Every audit rule is found on a history that breaks it, and only there (Art. 30: the correction
// notice within 7 working days; Art. 33: the reply within the deadline, one extension decided
// before it; docs/rules.md §8: a reply is delivered, an archived file is complete).
func TestArt30Art33_AuditFindings(t *testing.T) {
	for _, c := range []struct {
		name string
		evs  []ev
		want string
	}{
		{"clean: replied and delivered in time", join(received("2026-02-02"), replied("2026-02-20", "2026-03-09"), []ev{delivered("2026-02-21", "2026-02-21")}), ""},
		{"Art. 33: replied after the deadline", join(received("2026-02-02"), replied("2026-03-12", "2026-03-09"), []ev{delivered("2026-03-12", "2026-03-12")}), cases.FindingLateReply},
		{"Art. 33: approved in time, delivered late", join(received("2026-02-02"), replied("2026-03-06", "2026-03-09"), []ev{delivered("2026-03-16", "2026-03-16")}), cases.FindingLateReply},
		{"Art. 30: correction notice on the 8th working day", join(received("2026-02-02"), []ev{
			{event: "request_correction", day: "2026-02-12", from: "in_progress", to: "awaiting_correction", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}), cases.FindingLateCorrection},
		{"Art. 30: correction notice on the 7th working day", join(received("2026-02-02"), []ev{
			{event: "request_correction", day: "2026-02-11", from: "in_progress", to: "awaiting_correction", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}), ""},
		{"Art. 33: extension after the deadline", join(received("2026-02-02"), []ev{
			{event: "extend", day: "2026-03-10", from: "in_progress", to: "in_progress", payload: map[string]any{"days": 10}, dueBefore: "2026-03-09", dueAfter: "2026-03-23"}}), cases.FindingLateExtension},
		{"Art. 33: a second extension", join(received("2026-02-02"), []ev{
			{event: "extend", day: "2026-03-02", from: "in_progress", to: "in_progress", payload: map[string]any{"days": 5}, dueBefore: "2026-03-09", dueAfter: "2026-03-16"},
			{event: "extend", day: "2026-03-03", from: "in_progress", to: "in_progress", payload: map[string]any{"days": 5}, dueBefore: "2026-03-16", dueAfter: "2026-03-23"}}), cases.FindingRepeatedExtension},
		{"Art. 33: extension in a consultation, within the paused deadline", join(received("2026-02-02"), []ev{
			{event: "consult", day: "2026-03-02", from: "in_progress", to: "consulting", dueBefore: "2026-03-09", dueAfter: "2026-03-09"},
			{event: "extend", day: "2026-03-11", from: "consulting", to: "consulting", payload: map[string]any{"days": 5}, dueBefore: "2026-03-09", dueAfter: "2026-03-16"}}), ""},
		{"replied, never delivered", join(received("2026-02-02"), replied("2026-02-20", "2026-03-09")), cases.FindingNoDelivery},
		{"archived without delivery", join(received("2026-02-02"), replied("2026-02-20", "2026-03-09"), []ev{
			{event: "archive", day: "2026-02-27", from: "replied", to: "archived", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}), cases.FindingArchiveIncomplete + "," + cases.FindingNoDelivery},
		{"an imported reply needs no delivery", []ev{
			{event: "imported", day: "2026-02-20", to: "replied", payload: map[string]any{"received_on": "2026-02-02", "outcome": "disclose", "concluded_on": "2026-02-20"}},
			{event: "archive", day: "2026-02-27", from: "replied", to: "archived"}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			kase, evs := history("T-1", c.evs)
			got := Case(kase, evs, nil, cal, loc)
			if rules(got) != c.want {
				t.Errorf("findings %q, want %q", rules(got), c.want)
			}
			for _, f := range got {
				if f.Message == "" || f.MessageEN == "" || f.Date.IsZero() || f.TrackingNo != "T-1" || f.CaseID != kase.ID || f.Seq == 0 {
					t.Errorf("finding without message, date or place: %+v", f)
				}
			}
		})
	}
}

// A broken chain is a finding; an archive checks each document's body against its digest and
// that the reply letter was issued.
func TestAuditChainAndArchivedFile(t *testing.T) {
	kase, evs := history("T-2", join(received("2026-02-02"), replied("2026-02-20", "2026-03-09"), []ev{delivered("2026-02-21", "2026-02-21"),
		{event: "archive", day: "2026-02-27", from: "replied", to: "archived", dueBefore: "2026-03-09", dueAfter: "2026-03-09"}}))
	body := []byte("%PDF-1.4 reply")
	good := cases.Document{EventSeq: 4, Kind: cases.DocReply, Title: "答复书", Body: body, SHA256: sha256Hex(body)}
	if got := Case(kase, evs, []cases.Document{good}, cal, loc); len(got) != 0 {
		t.Errorf("complete file: %+v", got)
	}
	altered := good
	altered.Body = []byte("%PDF-1.4 changed")
	got := Case(kase, evs, []cases.Document{altered}, cal, loc)
	if rules(got) != cases.FindingArchiveIncomplete || !strings.Contains(got[0].Message, "答复书（文件缺失或与登记的摘要不符）") {
		t.Errorf("altered document: %+v", got)
	}
	other := good
	other.Kind = cases.DocReceipt
	if got := Case(kase, evs, []cases.Document{other}, cal, loc); rules(got) != cases.FindingArchiveIncomplete || !strings.Contains(got[0].Message, "答复书") {
		t.Errorf("no reply letter: %+v", got)
	}

	evs[2].Actor = "someone else" // an altered event
	got = Case(kase, evs, nil, cal, loc)
	if rules(got) != cases.FindingChainBroken || got[0].Seq != 3 || got[0].Date != cases.MustDate("2026-02-20") {
		t.Errorf("altered event: %+v", got)
	}
}
