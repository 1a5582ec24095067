package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
	"foidesk/notices"
)

// RecoverAccess issues a new access code for the case with tracking number trackingNo when the
// identity number and the contact (the phone or e-mail address given in the application) match it
// (docs/api.md "JSON API": POST /track/recover). The new code's hash replaces the old one at once
// (the old code, and every tracking cookie signed with it, stops working), an
// access_code_reissued event records it (without the code), and the code is written to the outbox
// for the matching contact: an SMS to a mobile number or an e-mail. It reports whether anything
// matched; the caller answers the same either way. The code and its hash are computed on every
// call, matched or not, so that both take the same work.
func (db *DB) RecoverAccess(ctx context.Context, trackingNo, idNumber, contact string) (bool, error) {
	code := AccessCode()
	hash := HashSecret(code)
	var r caseRow
	err := db.R.GetContext(ctx, &r, db.R.Rebind(caseSelect+` WHERE c.tracking_no = ?`), trackingNo)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			// The same comparisons as for a case, on an empty applicant.
			matchApplicant(cases.Applicant{IDNumber: "-"}, idNumber, contact)
			return false, nil
		}
		return false, err
	}
	if _, _, ok := matchApplicant(r.toCase().Applicant, idNumber, contact); !ok {
		return false, nil
	}
	matched := false
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		c, err := db.caseByID(ctx, tx, r.ID, true)
		if err != nil {
			return err
		}
		channel, to, ok := matchApplicant(c.Applicant, idNumber, contact)
		if !ok {
			return nil
		}
		matched = true
		via := "sms"
		if channel == cases.MessageEmail {
			via = "email"
		}
		ev := cases.Event{Event: cases.EventAccessCodeReissued, Actor: "applicant", At: now, FromState: c.State, ToState: c.State,
			ReplyDueBefore: c.ReplyDue, ReplyDueAfter: c.ReplyDue, Payload: mustCanonical(map[string]any{"via": via})}
		if err := appendEvent(ctx, tx, c, &ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET access_code_hash = ?, event_count = ?, head_hash = ?, version = version + 1, updated_at = ? WHERE id = ?`),
			hash, c.EventCount, c.HeadHash, now.UTC(), c.ID); err != nil {
			return err
		}
		var m cases.Message
		if channel == cases.MessageSMS {
			m = cases.SMSMessage(fmt.Sprintf("event:%d:%d:sms", c.ID, ev.Seq), cases.SMSAccessCode, c, to, cases.Date{}, 0, code)
		} else {
			a, err := db.Agency(ctx, c.AgencyID)
			if err != nil {
				return err
			}
			a.Settings = a.Settings.WithDefaults()
			name := c.Applicant.Name
			if c.Applicant.ContactName != "" {
				name = c.Applicant.ContactName
			}
			body := name + "：\n\n" + fmt.Sprintf("您（或他人以您的申请信息）申请重新发放政府信息公开申请（申请编号%s）的查询码。新的查询码为：\n\n    %s\n\n原查询码已即时失效。请妥善保管新的查询码，凭申请编号和查询码在本机关网站查询办理进度、下载文书。"+
				"如非本人操作，说明有人知道您的申请编号和联系方式，请与本机关联系。", c.TrackingNo, cases.GroupCode(code)) + notices.Footer(a, Today(a, now))
			m = cases.Message{DedupKey: fmt.Sprintf("event:%d:%d:email", c.ID, ev.Seq), Kind: "applicant." + cases.SMSAccessCode, Channel: cases.MessageEmail,
				Recipient: to, CaseID: c.ID, Subject: fmt.Sprintf("%s：查询码重新发放（申请编号%s）", a.Name, c.TrackingNo), Body: body}
		}
		_, err = insertMessage(ctx, tx, m, now)
		return err
	})
	return matched, err
}

// matchApplicant compares the identity number (normalised as validation does) and the contact
// with an applicant, in constant time for the identity number.
func matchApplicant(a cases.Applicant, idNumber, contact string) (channel, to string, ok bool) {
	given := cases.NormalizeIDNumber(a.IDType, idNumber)
	idOK := subtle.ConstantTimeCompare([]byte(given), []byte(a.IDNumber)) == 1 && given != ""
	channel, to, contactOK := cases.SameContact(a, contact)
	return channel, to, idOK && contactOK
}
