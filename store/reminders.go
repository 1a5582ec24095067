package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/notices"
)

// RemindApplicants writes the reminders of the periods that end in [from, to) — a correction (Art.
// 30) or a fee (国办函〔2020〕109号) not yet made, after which the application is deemed abandoned — to
// the applicants: an SMS to a mobile number and an e-mail to an address given. Each reminder is
// keyed (case, kind, due date) and written once, whatever the reruns; a period moved later is
// reminded afresh against its new date. It returns how many messages were first written.
func (db *DB) RemindApplicants(ctx context.Context, agencyID int64, from, to cases.Date) (int, error) {
	var rows []caseRow
	if err := db.R.SelectContext(ctx, &rows, db.R.Rebind(caseSelect+` WHERE c.agency_id = ? AND c.state = ? AND c.correction_due >= ? AND c.correction_due < ?
		UNION ALL `+caseSelect+` WHERE c.agency_id = ? AND c.state = ? AND c.fee_due >= ? AND c.fee_due < ?`),
		agencyID, cases.StateAwaitingCorrection, from, to, agencyID, cases.StateAwaitingFee, from, to); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	a, err := db.Agency(ctx, agencyID)
	if err != nil {
		return 0, err
	}
	a.Settings = a.Settings.WithDefaults()
	n := 0
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for _, r := range rows {
			c := r.toCase()
			k, due, what := cases.SMSCorrectionReminder, c.CorrectionDue, "补正"
			if c.State == cases.StateAwaitingFee {
				k, due, what = cases.SMSFeeReminder, c.FeeDue, "缴费"
			}
			key := fmt.Sprintf("remind:%d:%s:%s", c.ID, k, due)
			var msgs []cases.Message
			if phone, ok := cases.MobileNumber(c.Applicant.Phone); ok {
				msgs = append(msgs, cases.SMSMessage(key+":sms", k, c, phone, due, 0, ""))
			}
			if e := strings.TrimSpace(c.Applicant.Email); e != "" {
				name := c.Applicant.Name
				if c.Applicant.ContactName != "" {
					name = c.Applicant.ContactName
				}
				body := name + "：\n\n" + fmt.Sprintf("您的政府信息公开申请（申请编号%s）的%s期限截至%s。逾期未%s的，视为放弃申请，本机关不再处理该政府信息公开申请。详见本机关此前发送的告知书，或凭申请编号和查询码在本机关网站查询。",
					c.TrackingNo, what, due.Chinese(), what) + notices.Footer(a, Today(a, now))
				msgs = append(msgs, cases.Message{DedupKey: key + ":email", Kind: "applicant." + k, Channel: cases.MessageEmail, Recipient: e, CaseID: c.ID,
					Subject: fmt.Sprintf("%s：%s期限提醒（申请编号%s）", a.Name, what, c.TrackingNo), Body: body})
			}
			for _, m := range msgs {
				ok, err := insertMessage(ctx, tx, m, now)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
		}
		return nil
	})
	return n, err
}
