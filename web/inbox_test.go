package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// The in-app inbox: the unread count in the page header, the list, marking read (only one's own
// messages), the attachment of a message; the administrator's list of e-mails not sent.
func TestInbox(t *testing.T) {
	o := newOffice(t)
	c := o.register("2026-11-02")
	ok, docID, err := o.db.PublishReport(o.ctx, "monthly_statistics:default", "2026-10",
		cases.Document{Kind: "monthly_statistics", Title: "月报", Filename: "monthly-default-2026-10.pdf", ContentType: "application/pdf", Body: []byte("%PDF-1.4 monthly")},
		[]cases.Message{{DedupKey: "m1", Kind: "monthly_statistics", Channel: cases.MessageInbox, Recipient: "clerk1", Subject: "2026年10月统计月报", Body: "详见附件。"}})
	if err != nil || !ok || docID == 0 {
		t.Fatal(ok, err)
	}
	if _, err := o.db.EnqueueMessages(o.ctx, []cases.Message{
		{Kind: "alert.due_in_3", Channel: cases.MessageInbox, Recipient: "clerk1", CaseID: c.ID, Subject: "案件" + c.TrackingNo + "距答复期限还有3个工作日", Body: "请及时办理。"},
		{Kind: "alert.overdue", Channel: cases.MessageInbox, Recipient: "clerk2", CaseID: c.ID, Subject: "他人的消息", Body: "x"},
		{Kind: "applicant.register", Channel: cases.MessageEmail, Recipient: "nobody@example.cn", CaseID: c.ID, Subject: "登记回执", Body: "x"},
	}); err != nil {
		t.Fatal(err)
	}
	b := o.as("clerk1")
	w := b.get("/staff/queue")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `href="/staff/inbox"`) || !strings.Contains(w.Body.String(), "未读消息 2 条") {
		t.Fatalf("header: %d %s", w.Code, w.Body.String())
	}
	w = b.get("/staff/inbox")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "距答复期限还有3个工作日") || !strings.Contains(body, "2026年10月统计月报") || strings.Contains(body, "他人的消息") {
		t.Fatalf("inbox: %d %s", w.Code, body)
	}
	if !strings.Contains(body, "/staff/cases/"+itoa64(c.ID)) || !strings.Contains(body, "monthly-default-2026-10.pdf") {
		t.Error("inbox lacks the case link or the attachment")
	}
	mine, _, _ := o.db.Inbox(o.ctx, "clerk1", cases.InboxFilter{})
	theirs, _, _ := o.db.Inbox(o.ctx, "clerk2", cases.InboxFilter{})
	var alert, report cases.Message
	for _, m := range mine {
		if m.DocumentID != 0 {
			report = m
		} else {
			alert = m
		}
	}
	// The attachment of one's own message; nobody else's.
	w = b.get("/staff/inbox/" + itoa64(report.ID) + "/attachment")
	if w.Code != http.StatusOK || w.Body.String() != "%PDF-1.4 monthly" {
		t.Errorf("attachment: %d", w.Code)
	}
	if w := o.as("clerk2").get("/staff/inbox/" + itoa64(report.ID) + "/attachment"); w.Code != http.StatusNotFound {
		t.Errorf("another's attachment: %d", w.Code)
	}
	// Mark read: one's own only.
	w = b.post("/staff/inbox/read", url.Values{"id": {itoa64(alert.ID), itoa64(theirs[0].ID)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("mark read: %d", w.Code)
	}
	if n, _ := o.db.UnreadCount(o.ctx, "clerk1"); n != 0 {
		t.Errorf("clerk1 unread %d (the attachment download and the form marked both)", n)
	}
	if n, _ := o.db.UnreadCount(o.ctx, "clerk2"); n != 1 {
		t.Errorf("clerk2 unread %d", n)
	}
	if w := b.get("/staff/queue"); strings.Contains(w.Body.String(), "未读消息") {
		t.Error("header still shows unread messages")
	}
	if w := b.get("/staff/inbox?lang=en"); !strings.Contains(w.Body.String(), "Inbox") {
		t.Error("no English inbox")
	}
}

func TestOutboxAdmin(t *testing.T) {
	o := newOffice(t)
	o.register("2026-11-02") // the applicant's receipt e-mail
	claimed, err := o.db.ClaimMessages(o.ctx, cases.MessageEmail, 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim %v %v", claimed, err)
	}
	if err := o.db.MarkFailed(o.ctx, claimed[0].ID, "dial tcp 127.0.0.1:25: connection refused", nil); err != nil {
		t.Fatal(err)
	}
	if w := o.as("clerk1").get("/admin/outbox"); w.Code != http.StatusForbidden {
		t.Errorf("clerk on /admin/outbox: %d", w.Code)
	}
	admin := o.as("admin1")
	w := admin.get("/admin/outbox")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "connection refused") || !strings.Contains(w.Body.String(), "已停止重试") {
		t.Fatalf("outbox page: %d %s", w.Code, w.Body.String())
	}
	w = admin.post("/admin/outbox/"+itoa64(claimed[0].ID)+"/retry", url.Values{})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d", w.Code)
	}
	m, _ := o.db.Message(o.ctx, claimed[0].ID)
	if m.NextTryAt == nil {
		t.Error("not rescheduled")
	}
}
