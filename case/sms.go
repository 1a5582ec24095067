package cases

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// Notices to the applicant's mobile phone (docs/api.md "Clock and deployment settings":
// FOIDESK_SMS_WEBHOOK): every notice that asks the applicant to act or tells a decision, written to
// the outbox (channel MessageSMS) in the transaction of the event that causes it and delivered with
// the same retries as e-mail. A text holds no personal data beyond the tracking number and stays
// within 70 characters (one SMS segment) where it can.

// MessageSMS is the outbox channel of text messages; Recipient is the mobile number (11 digits).
const MessageSMS = "sms"

// SMS kinds (the `kind` of the webhook's JSON).
const (
	SMSCorrectionRequested = "correction_requested"
	SMSCorrectionReminder  = "correction_reminder"
	SMSFeeRequested        = "fee_requested"
	SMSFeeReminder         = "fee_reminder"
	SMSExtended            = "extended"
	SMSDeadlineMoved       = "deadline_moved"
	SMSReplied             = "replied"
	SMSAccessCode          = "access_code"
)

// SMSKinds lists every SMS kind.
var SMSKinds = []string{SMSCorrectionRequested, SMSCorrectionReminder, SMSFeeRequested, SMSFeeReminder, SMSExtended, SMSDeadlineMoved, SMSReplied, SMSAccessCode}

// ReminderWorkdays is how many working days before a correction or fee period ends the applicant is
// reminded (Art. 30; 国办函〔2020〕109号: a period not kept means the application is abandoned).
const ReminderWorkdays = 3

// SMSMessageKind is the outbox kind of an SMS of kind k ("sms.correction_requested").
func SMSMessageKind(k string) string { return "sms." + k }

// SMSKindOf is the SMS kind of an outbox kind written by SMSMessageKind ("" for another).
func SMSKindOf(messageKind string) string {
	k, ok := strings.CutPrefix(messageKind, "sms.")
	if !ok {
		return ""
	}
	return k
}

// IsSecretKind reports whether an outbox message of this kind carries a secret (a new access
// code): its text is never shown to staff and is blanked once sent.
func IsSecretKind(messageKind string) bool {
	return strings.HasSuffix(messageKind, SMSAccessCode)
}

// MobileNumber returns the 11 digits of a mainland mobile number written with spaces, hyphens,
// full-width digits or a leading +86 / 0086, and whether phone is one.
func MobileNumber(phone string) (string, bool) {
	d := PhoneDigits(phone)
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	} else if len(d) == 15 && strings.HasPrefix(d, "0086") {
		d = d[4:]
	}
	if len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' {
		return d, true
	}
	return "", false
}

// PhoneDigits keeps the digits of a telephone number (full-width digits made ASCII).
func PhoneDigits(phone string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
}

// SameContact reports whether given matches the phone or the e-mail address of an application:
// a phone by its digits (spaces, hyphens and a leading +86 ignored), an e-mail address ignoring
// case. It returns the channel to answer on (MessageSMS or MessageEmail) and the stored contact.
func SameContact(a Applicant, given string) (channel, to string, ok bool) {
	given = strings.TrimSpace(narrowWidth(given))
	if given == "" {
		return "", "", false
	}
	if strings.Contains(given, "@") {
		if e := strings.TrimSpace(a.Email); e != "" && strings.EqualFold(e, given) {
			return MessageEmail, e, true
		}
		return "", "", false
	}
	if strings.IndexFunc(given, unicode.IsLetter) >= 0 {
		return "", "", false
	}
	stored, ok1 := MobileNumber(a.Phone)
	typed, ok2 := MobileNumber(given)
	if ok1 && ok2 && stored == typed {
		return MessageSMS, stored, true
	}
	return "", "", false
}

// GroupCode writes an access code in groups of four joined by hyphens (XXXX-XXXX-XXXX-XXXX).
func GroupCode(code string) string {
	var b strings.Builder
	for i, r := range []rune(code) {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SMSText is the text of an SMS of kind k about case trackingNo; date is the date the notice names
// (correction or fee due, reply due), amount the fee in yuan, code a new access code.
func SMSText(k, trackingNo string, date Date, amount int, code string) string {
	d := date.Chinese()
	switch k {
	case SMSCorrectionRequested:
		return fmt.Sprintf("您的政府信息公开申请%s需要补正，请于%s前补正，详见查询页面。", trackingNo, d)
	case SMSCorrectionReminder:
		return fmt.Sprintf("提醒：申请%s的补正期限为%s，逾期未补正视为放弃申请。", trackingNo, d)
	case SMSFeeRequested:
		return fmt.Sprintf("申请%s需缴纳信息处理费%d元，请于%s前缴纳，详见收费通知书。", trackingNo, amount, d)
	case SMSFeeReminder:
		return fmt.Sprintf("提醒：申请%s的缴费期限为%s，逾期未缴费视为放弃申请。", trackingNo, d)
	case SMSExtended:
		return fmt.Sprintf("申请%s的答复期限已延长至%s，详见延期答复告知书。", trackingNo, d)
	case SMSDeadlineMoved:
		return fmt.Sprintf("因工作日调整，申请%s的答复期限变更为%s。", trackingNo, d)
	case SMSReplied:
		return fmt.Sprintf("申请%s已作出答复，请凭查询码在查询页面查看答复书。", trackingNo)
	case SMSAccessCode:
		return fmt.Sprintf("申请%s的新查询码为%s，原查询码已失效。", trackingNo, GroupCode(code))
	}
	return ""
}

// SMSParams are the template parameters of an SMS (for providers that send only registered
// templates): the tracking number always, and the date, amount or code the kind names. They are
// stored as the message's subject (JSON).
func SMSParams(k, trackingNo string, date Date, amount int, code string) string {
	p := map[string]string{"no": trackingNo}
	if !date.IsZero() {
		p["date"] = date.Chinese()
	}
	if k == SMSFeeRequested {
		p["amount"] = fmt.Sprint(amount)
	}
	if code != "" {
		p["code"] = GroupCode(code)
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// SMSMessage builds the outbox message of an SMS of kind k about case c to mobile number to.
func SMSMessage(dedupKey, k string, c *Case, to string, date Date, amount int, code string) Message {
	return Message{DedupKey: dedupKey, Kind: SMSMessageKind(k), Channel: MessageSMS, Recipient: to, CaseID: c.ID,
		Subject: SMSParams(k, c.TrackingNo, date, amount, code), Body: SMSText(k, c.TrackingNo, date, amount, code)}
}
