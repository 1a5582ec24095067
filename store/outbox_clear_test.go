package store

import (
	"context"
	"strconv"
	"strings"
	"testing"

	cases "foidesk/case"
	"foidesk/workflow"
)

// A message about a case is cleared (marked read) in the transaction of the event that does what
// it asks: the deadline alerts when the deadline moves later (an extension, Art. 33) or the clock
// stops, "a reply awaits your approval" for every supervisor once one approves; other cases'
// messages stay unread. Staff message bodies say what to do and link to the case page.
func TestInboxClearedWhenDone(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		d := g.paper("2026-03-02")
		g.ok(c.ID, g.clerk, "accept", nil)
		alerts := []cases.Message{
			{DedupKey: "t1", Kind: "alert.due_in_3", Channel: cases.MessageInbox, Recipient: "clerk1", CaseID: c.ID, Subject: "c3"},
			{DedupKey: "t2", Kind: "alert.due_today", Channel: cases.MessageInbox, Recipient: "clerk1", CaseID: c.ID, Subject: "c0"},
			{DedupKey: "t3", Kind: "alert.due_in_3", Channel: cases.MessageInbox, Recipient: "clerk1", CaseID: d.ID, Subject: "d3"},
		}
		if _, err := db.EnqueueMessages(ctx, alerts); err != nil {
			t.Fatal(err)
		}
		unread := func(user string) map[string]cases.Message {
			t.Helper()
			ms, _, err := db.Inbox(ctx, user, cases.InboxFilter{Unread: true, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]cases.Message{}
			for _, m := range ms {
				out[m.Subject] = m
			}
			return out
		}
		g.ok(c.ID, g.clerk, "add_note", map[string]any{"text": "已调取档案。"})
		if u := unread("clerk1"); len(u) != 3 {
			t.Fatalf("a note clears nothing: %v", u)
		}
		g.ok(c.ID, g.sup, "extend", map[string]any{"days": 5, "reason": "需要调取档案"})
		u := unread("clerk1")
		if _, ok := u["d3"]; !ok || len(u) != 1 {
			t.Fatalf("after the extension the case's deadline alerts are read, the other case's not: %v", u)
		}
		g.ok(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开。"})
		var pending cases.Message
		for _, sup := range []string{"sup1", "both1"} {
			var ok bool
			if pending, ok = unread(sup)["案件"+c.TrackingNo+"的答复待您审批"]; !ok {
				t.Fatalf("%s has no approval message: %v", sup, unread(sup))
			}
		}
		link := "/staff/cases/" + strconv.FormatInt(c.ID, 10)
		if !strings.Contains(pending.Body, link) || strings.Contains(pending.Body, pending.Subject) || !strings.Contains(pending.Body, "审批通过或退回修改") {
			t.Errorf("body %q: what to do and the link %s, not the subject", pending.Body, link)
		}
		g.ok(c.ID, g.sup, "approve", nil)
		for _, sup := range []string{"sup1", "both1"} {
			if u := unread(sup); len(u) != 0 {
				t.Errorf("%s: approval messages left unread after approval: %v", sup, u)
			}
		}
		// A calendar change that moves d's deadline later clears d's deadline alert (an event of the system).
		if _, err := db.SetCalendarDay(ctx, workflow.Override{Day: cases.MustDate("2026-03-16"), Work: false, Note: "临时调整"}, "admin"); err != nil {
			t.Fatal(err)
		}
		if u := unread("clerk1"); len(u) != 0 {
			t.Fatalf("the deadline moved later: %v", u)
		}
		// A returned draft: the drafter's message is cleared when the draft is sent again.
		g.ok(d.ID, g.clerk, "accept", nil)
		g.ok(d.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开。"})
		g.ok(d.ID, g.sup, "return", map[string]any{"comment": "请补充依据。"})
		if _, ok := unread("clerk1")["案件"+d.TrackingNo+"的答复稿已被退回修改"]; !ok {
			t.Fatalf("no return message: %v", unread("clerk1"))
		}
		g.ok(d.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开，依据已补充。"})
		if _, ok := unread("clerk1")["案件"+d.TrackingNo+"的答复稿已被退回修改"]; ok {
			t.Errorf("the return message stays unread after the new draft")
		}
	})
}
