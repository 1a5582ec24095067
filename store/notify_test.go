package store

import (
	"context"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// The notices of events are written in the event's transaction: the applicant's e-mails (the
// submission confirmation without attachment, the receipt and the reply with their letter), and
// the staff's inbox messages (a drafted reply to the supervisors, a returned one to its drafter).
func TestEventNotices(t *testing.T) {
	forEachEngine(t, at("2026-02-10"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		staff(t, db, "sup1", "supervisor")
		sup2 := staff(t, db, "sup2", "supervisor")
		c, _, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "register", nil)
		mustFire(t, db, c.ID, clerk, "accept", nil)
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"})
		mustFire(t, db, c.ID, sup2, "return", map[string]any{"comment": "请补充依据。"})
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"})
		c = mustFire(t, db, c.ID, sup2, "approve", nil)
		msgs, err := db.CaseMessages(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, m.Kind+" "+m.Channel+" "+m.Recipient)
			if m.Channel == cases.MessageEmail && m.Kind != "applicant.submit" && m.DocumentID == 0 {
				t.Errorf("%s without its letter", m.Kind)
			}
		}
		want := []string{
			"applicant.submit email zhangsan@example.cn",
			"applicant.register email zhangsan@example.cn",
			"staff.draft_reply inbox sup1", "staff.draft_reply inbox sup2",
			"staff.return inbox clerk1",
			"staff.draft_reply inbox sup1", "staff.draft_reply inbox sup2",
			"applicant.approve email zhangsan@example.cn",
			"sms.replied sms 13800138000", // the decision, texted to the mobile given
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		reply := msgs[len(msgs)-2]
		doc, err := db.OutboxDocument(ctx, reply.DocumentID)
		if err != nil || doc.Kind != cases.DocReply || doc.Number != c.LetterNo {
			t.Errorf("reply attachment: %+v %v", doc, err)
		}
		if !strings.Contains(reply.Body, c.LetterNo) || !strings.HasPrefix(reply.Body, "张三：") {
			t.Errorf("reply notice body: %s", reply.Body)
		}
		if msgs[0].DocumentID != 0 || !strings.Contains(msgs[0].Body, "第三十一条") || strings.Contains(msgs[0].Body, "查询码：") {
			t.Errorf("submission confirmation: %+v", msgs[0])
		}
	})
}

// An event refused by the state machine writes no notice.
func TestRefusedEventWritesNoNotice(t *testing.T) {
	forEachEngine(t, at("2026-02-10"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-02-10")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.CaseMessages(ctx, c.ID)
		if _, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: "correction_lapsed"}, cases.SystemActor, at("2026-02-11")); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("lapse of a registered case: %v", err)
		}
		after, _ := db.CaseMessages(ctx, c.ID)
		if len(after) != len(before) {
			t.Errorf("messages %d → %d", len(before), len(after))
		}
	})
}

// The in-app inbox: newest first with keyset pages, the unread count, marking read — only one's own.
func TestInbox(t *testing.T) {
	forEachEngine(t, at("2026-02-10"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		var msgs []cases.Message
		for i := range 7 {
			msgs = append(msgs, cases.Message{Kind: "test", Channel: cases.MessageInbox, Recipient: "li", Subject: string(rune('A' + i))})
		}
		msgs = append(msgs, cases.Message{Kind: "test", Channel: cases.MessageInbox, Recipient: "zhao", Subject: "Z"},
			cases.Message{DedupKey: "k1", Kind: "test", Channel: cases.MessageInbox, Recipient: "zhao", Subject: "K"},
			cases.Message{DedupKey: "k1", Kind: "test", Channel: cases.MessageInbox, Recipient: "zhao", Subject: "K again"})
		n, err := db.EnqueueMessages(ctx, msgs)
		if err != nil || n != 9 {
			t.Fatalf("enqueued %d %v", n, err)
		}
		page, next, err := db.Inbox(ctx, "li", cases.InboxFilter{Limit: 5})
		if err != nil || len(page) != 5 || page[0].Subject != "G" || next == 0 {
			t.Fatalf("first page: %d %v next %d", len(page), err, next)
		}
		rest, next2, _ := db.Inbox(ctx, "li", cases.InboxFilter{Limit: 5, Before: next})
		if len(rest) != 2 || rest[1].Subject != "A" || next2 != 0 {
			t.Fatalf("second page: %+v", rest)
		}
		if u, _ := db.UnreadCount(ctx, "li"); u != 7 {
			t.Fatalf("unread %d", u)
		}
		zhao, _, _ := db.Inbox(ctx, "zhao", cases.InboxFilter{})
		if k, _ := db.MarkRead(ctx, "li", zhao[0].ID, page[0].ID); k != 1 {
			t.Errorf("marked %d (another's message must not count)", k)
		}
		if u, _ := db.UnreadCount(ctx, "zhao"); u != 2 {
			t.Errorf("zhao's unread %d", u)
		}
		unread, _, _ := db.Inbox(ctx, "li", cases.InboxFilter{Unread: true})
		if len(unread) != 6 {
			t.Errorf("unread list %d", len(unread))
		}
		if k, _ := db.MarkRead(ctx, "li"); k != 6 {
			t.Errorf("mark all: %d", k)
		}
		if u, _ := db.UnreadCount(ctx, "li"); u != 0 {
			t.Errorf("unread after mark all: %d", u)
		}
		if err := db.RetryMessage(ctx, page[0].ID); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Errorf("retry of an inbox message: %v", err)
		}
	})
}

// The job lock admits one holder at a time across connection pools and is free again after
// release; a claimed job period runs once.
func TestJobLock(t *testing.T) {
	forEachEngine(t, at("2026-02-10"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		other, err := Open(db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.Now = db.Now
		release, ok, err := db.JobLock(ctx, "sweep")
		if err != nil || !ok {
			t.Fatalf("first lock: %v %v", ok, err)
		}
		if _, ok, err := other.JobLock(ctx, "sweep"); err != nil || ok {
			t.Fatalf("second holder admitted: %v %v", ok, err)
		}
		if r, ok, _ := other.JobLock(ctx, "monthly"); !ok {
			t.Fatal("another job's lock refused")
		} else {
			r()
		}
		release()
		r2, ok, err := other.JobLock(ctx, "sweep")
		if err != nil || !ok {
			t.Fatalf("after release: %v %v", ok, err)
		}
		r2()
		doc := cases.Document{Kind: "monthly_statistics", Title: "月报", Filename: "m.pdf", ContentType: "application/pdf", Body: []byte("%PDF-1.4 m")}
		msgs := []cases.Message{{DedupKey: "m:1", Kind: "monthly_statistics", Channel: cases.MessageEmail, Recipient: "sjb@example.cn", Subject: "月报"}}
		ok, id, err := db.PublishReport(ctx, "monthly_statistics:default", "2026-01", doc, msgs)
		if err != nil || !ok || id == 0 {
			t.Fatalf("publish: %v %d %v", ok, id, err)
		}
		if ok, _, _ := other.PublishReport(ctx, "monthly_statistics:default", "2026-01", doc, msgs); ok {
			t.Error("published twice")
		}
		if ran, _ := db.JobRan(ctx, "monthly_statistics:default", "2026-01"); !ran {
			t.Error("JobRan false")
		}
		d, err := db.OutboxDocument(ctx, id)
		if err != nil || d.CaseID != 0 || string(d.Body) != "%PDF-1.4 m" {
			t.Errorf("report document: %+v %v", d, err)
		}
		claimed, err := db.ClaimMessages(ctx, cases.MessageEmail, 10, time.Minute)
		if err != nil || len(claimed) != 1 || claimed[0].DocumentID != id {
			t.Fatalf("claim: %+v %v", claimed, err)
		}
		if again, _ := other.ClaimMessages(ctx, cases.MessageEmail, 10, time.Minute); len(again) != 0 {
			t.Error("a leased message was claimed twice")
		}
	})
}
