package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The notices an event sends, written to the outbox in the event's own transaction: an e-mail to
// the applicant who gave an address (with the letter of the event attached), and in-app messages
// to the staff who must act next.

// applicantNotice is the e-mail an event sends the applicant: its subject, the kind of the letter
// attached (none for the submission confirmation) and the body's text.
type applicantNotice struct {
	Subject string
	Letter  string
	Text    func(c *cases.Case, doc noticeDoc) string
}

type noticeDoc struct {
	ID     int64  `db:"id"`
	Kind   string `db:"kind"`
	Number string `db:"number"`
}

func (d noticeDoc) ref(title string) string {
	if d.Number != "" {
		return "《" + title + "》（" + d.Number + "）"
	}
	return "《" + title + "》"
}

// applicantNotices are the e-mails to the applicant by notice kind; which event sends which is
// the event's workflow.Spec.Notice.
var applicantNotices = map[cases.NoticeKind]applicantNotice{
	cases.NoticeSubmitted: {"政府信息公开申请提交确认", "", func(c *cases.Case, _ noticeDoc) string {
		return "您通过网上申请渠道提交的政府信息公开申请已收到，编号为" + c.TrackingNo + "。\n" +
			"根据《中华人民共和国政府信息公开条例》第三十一条，通过互联网渠道提交的申请，以双方确认之日为收到申请之日。" +
			"本机关登记确认后，将另行告知您收到申请的日期和答复期限。\n" +
			"您可以凭申请编号和查询码在本机关网站查询办理进度。为保障您的信息安全，查询码不随本邮件发送，请妥善保管提交申请时显示的查询码；遗失的，可在查询页面凭申请编号、证件号码和本邮箱地址找回。"
	}},
	cases.NoticeReceipt: {"政府信息公开申请登记回执", cases.DocReceipt, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("本机关已于%s收到并登记您的政府信息公开申请，申请编号为%s。\n"+
			"根据《中华人民共和国政府信息公开条例》第三十三条，本机关将在收到申请之日起20个工作日内予以答复，答复期限截至%s。%s见附件。",
			c.ReceivedOn.Chinese(), c.TrackingNo, c.ReplyDue.Chinese(), d.ref("登记回执"))
	}},
	cases.NoticeCorrection: {"补正告知书", cases.DocCorrectionNotice, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("经审查，您的政府信息公开申请（申请编号%s）需要补正，%s见附件。请于%s前按告知书的要求补正。\n"+
			"根据《中华人民共和国政府信息公开条例》第三十条，申请人无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
			c.TrackingNo, d.ref("补正告知书"), c.CorrectionDue.Chinese())
	}},
	cases.NoticeExtension: {"延期答复告知书", cases.DocExtensionNotice, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("根据《中华人民共和国政府信息公开条例》第三十三条，经本机关政府信息公开工作机构负责人同意，您的政府信息公开申请（申请编号%s）的答复期限延长%d个工作日，延长后的答复期限截至%s。%s见附件。",
			c.TrackingNo, c.ExtendedDays, c.ReplyDue.Chinese(), d.ref("延期答复告知书"))
	}},
	cases.NoticeReplyPeriod: {"答复期限告知书", cases.DocReplyPeriodNotice, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("根据《中华人民共和国政府信息公开条例》第三十五条，本机关确定您的政府信息公开申请（申请编号%s）的答复期限截至%s。%s见附件。",
			c.TrackingNo, c.ReplyDue.Chinese(), d.ref("答复期限告知书"))
	}},
	cases.NoticeConsultation: {"征求意见告知书", cases.DocConsultationNotice, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("您的政府信息公开申请（申请编号%s）需要征求第三方或者其他机关的意见。根据《中华人民共和国政府信息公开条例》第三十三条，征求意见所需时间不计算在答复期限内。%s见附件。",
			c.TrackingNo, d.ref("征求意见告知书"))
	}},
	cases.NoticeFee: {"收费通知书", cases.DocFeeNotice, func(c *cases.Case, d noticeDoc) string {
		amount := 0
		if c.Fee != nil {
			amount = c.Fee.Amount
		}
		return fmt.Sprintf("根据《政府信息公开信息处理费管理办法》，您的政府信息公开申请（申请编号%s）需缴纳信息处理费人民币%d元，%s见附件。请于%s前按通知书的要求缴纳。\n"+
			"申请人逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
			c.TrackingNo, amount, d.ref("收费通知书"), c.FeeDue.Chinese())
	}},
	cases.NoticeReply: {"政府信息公开申请答复书", cases.DocReply, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("本机关已对您的政府信息公开申请（申请编号%s）作出答复，%s见附件。", c.TrackingNo, d.ref("政府信息公开申请答复书"))
	}},
	cases.NoticeCorrectionLapsed: {"终止办理告知书", cases.DocTerminationNotice, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("您未在补正期限（%s）内补正政府信息公开申请（申请编号%s）。根据《中华人民共和国政府信息公开条例》第三十条，视为放弃申请，本机关不再处理该政府信息公开申请。%s见附件。",
			c.CorrectionDue.Chinese(), c.TrackingNo, d.ref("终止办理告知书"))
	}},
	cases.NoticeFeeLapsed: {"终止办理告知书", cases.DocTerminationNotice, func(c *cases.Case, d noticeDoc) string {
		return fmt.Sprintf("您未在缴费期限（%s）内缴纳政府信息公开申请（申请编号%s）的信息处理费，视为放弃申请，本机关不再处理该政府信息公开申请。%s见附件。",
			c.FeeDue.Chinese(), c.TrackingNo, d.ref("终止办理告知书"))
	}},
}

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

// emailFooter closes every e-mail to an applicant.
func emailFooter(a cases.Agency, today cases.Date) string {
	s := "\n\n" + a.Name + "\n" + today.Chinese() + "\n\n本邮件由系统自动发送，请勿直接回复。"
	if a.Settings.Phone != "" {
		s += "如有疑问，请致电" + a.Settings.Phone + "。"
	}
	return s
}

// notifyEvent writes the outbox messages of event ev (already appended, ev.Seq set) of case c
// inside tx.
func (db *DB) notifyEvent(ctx context.Context, tx *sqlx.Tx, c *cases.Case, a cases.Agency, ev cases.Event, now time.Time) error {
	if n, ok := applicantNotices[workflow.Notice(ev.Event)]; ok && strings.TrimSpace(c.Applicant.Email) != "" {
		var doc noticeDoc
		if n.Letter != "" {
			var docs []noticeDoc
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
		body := name + "：\n\n" + n.Text(c, doc) + emailFooter(a, Today(a, now))
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
