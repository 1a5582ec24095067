package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/notices"
	"foidesk/workflow"
)

// The notices an event sends, written to the outbox in the event's own transaction: an e-mail to
// the applicant who gave an address (with the letter of the event attached), and in-app messages
// to the staff who must act next.

// NoticeEvents lists the events that e-mail the applicant (when the application gives an address),
// sorted: those whose workflow.Spec names a notice.
func NoticeEvents() []string {
	var out []string
	for _, e := range workflow.NoticeEvents() {
		out = append(out, string(e))
	}
	slices.Sort(out)
	return out
}

// notifyEvent writes the outbox messages of event ev (already appended, ev.Seq set) of case c
// inside tx.
func (db *DB) notifyEvent(ctx context.Context, tx *sqlx.Tx, c *cases.Case, a cases.Agency, ev cases.Event, now time.Time) error {
	if n, ok := notices.Applicant[workflow.Notice(ev.Event)]; ok && strings.TrimSpace(c.Applicant.Email) != "" {
		var doc notices.Doc
		if n.Letter != "" {
			var docs []notices.Doc
			if err := tx.SelectContext(ctx, &docs, tx.Rebind(`SELECT id, kind, number FROM documents WHERE case_id = ? AND event_seq = ? AND kind = ? ORDER BY id`), c.ID, ev.Seq, n.Letter); err != nil {
				return err
			}
			if len(docs) > 0 {
				doc = docs[0]
			}
		}
		name := c.Applicant.Name
		if c.Applicant.ContactName != "" {
			name = c.Applicant.ContactName
		}
		body := name + "：\n\n" + n.Text(c, doc) + notices.Footer(a, Today(a, now))
		m := cases.Message{DedupKey: fmt.Sprintf("event:%d:%d:email", c.ID, ev.Seq), Kind: "applicant." + string(ev.Event), Channel: cases.MessageEmail,
			Recipient: strings.TrimSpace(c.Applicant.Email), CaseID: c.ID, DocumentID: doc.ID,
			Subject: fmt.Sprintf("%s：%s（申请编号%s）", a.Name, n.Subject, c.TrackingNo), Body: body}
		if _, err := insertMessage(ctx, tx, m, now); err != nil {
			return err
		}
	}
	if err := notifySMS(ctx, tx, c, ev, now); err != nil {
		return err
	}
	return db.notifyStaff(ctx, tx, c, ev, now)
}

// notifySMS writes the text message of event ev to the applicant's mobile phone, when the event
// asks the applicant to act or tells a decision (its workflow.Spec.SMS) and the application gives a
// mobile number.
func notifySMS(ctx context.Context, tx *sqlx.Tx, c *cases.Case, ev cases.Event, now time.Time) error {
	k := workflow.SMS(ev.Event)
	if k == "" {
		return nil
	}
	to, ok := cases.MobileNumber(c.Applicant.Phone)
	if !ok {
		return nil
	}
	var date cases.Date
	amount := 0
	switch k {
	case cases.SMSCorrectionRequested:
		date = c.CorrectionDue
	case cases.SMSFeeRequested:
		date = c.FeeDue
		if c.Fee != nil {
			amount = c.Fee.Amount
		}
	case cases.SMSExtended:
		date = c.ReplyDue
	}
	m := cases.SMSMessage(fmt.Sprintf("event:%d:%d:sms", c.ID, ev.Seq), k, c, to, date, amount, "")
	_, err := insertMessage(ctx, tx, m, now)
	return err
}

// notifyStaff writes the in-app messages of an event to the staff who must act next: a new
// assignee, the supervisors of a drafted reply, the drafter of a returned one, and the handling
// clerk (every clerk while unassigned) of what the applicant or the system did.
func (db *DB) notifyStaff(ctx context.Context, tx *sqlx.Tx, c *cases.Case, ev cases.Event, now time.Time) error {
	var to []string
	var subject string
	handling := func() ([]string, error) {
		if c.Assignee != "" {
			return []string{c.Assignee}, nil
		}
		return staffWithRole(ctx, tx, c.AgencyID, cases.RoleClerk)
	}
	var err error
	var todo string // what the recipient is to do, the body's first sentence
	switch ev.Event {
	case cases.EventAccept, cases.EventReassign:
		if c.Assignee != "" && c.Assignee != ev.Actor {
			to, subject = []string{c.Assignee}, "案件%s已分配给您办理"
			todo = fmt.Sprintf("请审查申请内容，在答复期限（%s）前办理。", c.ReplyDue.Chinese())
		}
	case cases.EventDraftReply:
		to, err = staffWithRole(ctx, tx, c.AgencyID, cases.RoleSupervisor)
		subject = "案件%s的答复待您审批"
		todo = "请审阅答复稿及拟发出的答复书，审批通过或退回修改。"
	case cases.EventReturn:
		if c.Draft != nil && c.Draft.DraftedBy != "" {
			to = []string{c.Draft.DraftedBy}
		} else {
			to, err = handling()
		}
		subject = "案件%s的答复稿已被退回修改"
		todo = "请按审批人的意见修改答复稿后重新提交审批。"
	case cases.EventSubmitCorrection, cases.EventWithdraw:
		if ev.Actor == "applicant" {
			to, err = handling()
			subject = map[cases.EventName]string{cases.EventSubmitCorrection: "申请人已对案件%s提交补正", cases.EventWithdraw: "申请人已撤回案件%s"}[ev.Event]
			todo = map[cases.EventName]string{cases.EventSubmitCorrection: "请审查补正材料，继续办理；答复期限自收到补正之日起重新计算。",
				cases.EventWithdraw: "案件已终止办理，无需答复；请在归档时一并归档。"}[ev.Event]
		}
	case cases.EventCorrectionLapsed, cases.EventFeeLapsed, cases.EventConsultationDone:
		if ev.Actor == cases.SystemActor.Name {
			to, err = handling()
			subject = map[cases.EventName]string{cases.EventCorrectionLapsed: "案件%s逾期未补正，已终止办理", cases.EventFeeLapsed: "案件%s逾期未缴费，已终止办理",
				cases.EventConsultationDone: "案件%s征求意见期限届满，已按逾期未答复处理，恢复计算答复期限"}[ev.Event]
			todo = map[cases.EventName]string{cases.EventCorrectionLapsed: "终止办理告知书已发出，无需答复；请核对送达情况。",
				cases.EventFeeLapsed:        "终止办理告知书已发出，无需答复；请核对送达情况。",
				cases.EventConsultationDone: fmt.Sprintf("请继续办理，在答复期限（%s）前作出答复。", c.ReplyDue.Chinese())}[ev.Event]
		}
	}
	if err != nil {
		return err
	}
	for _, u := range to {
		if u == ev.Actor {
			continue
		}
		s := fmt.Sprintf(subject, c.TrackingNo)
		m := cases.Message{DedupKey: fmt.Sprintf("event:%d:%d:inbox:%s", c.ID, ev.Seq, u), Kind: "staff." + string(ev.Event), Channel: cases.MessageInbox,
			Recipient: u, CaseID: c.ID, Subject: s, Body: todo + "\n办理：" + StaffCasePath(c.ID)}
		if _, err := insertMessage(ctx, tx, m, now); err != nil {
			return err
		}
	}
	return nil
}

// StaffCasePath is the staff page of a case, the link every staff message about it carries.
func StaffCasePath(id int64) string { return fmt.Sprintf("/staff/cases/%d", id) }

// staffWithRole lists the active users of an agency (own or overseeing) holding role.
func staffWithRole(ctx context.Context, tx *sqlx.Tx, agencyID int64, role string) ([]string, error) {
	var us []cases.User
	if err := tx.SelectContext(ctx, &us, tx.Rebind(`SELECT id, username, roles FROM users WHERE active AND (agency_id = ? OR id IN (SELECT user_id FROM user_agencies WHERE agency_id = ?)) ORDER BY username`),
		agencyID, agencyID); err != nil {
		return nil, err
	}
	var out []string
	for _, u := range us {
		if slices.Contains(u.Roles(), role) {
			out = append(out, u.Username)
		}
	}
	return out, nil
}
