package notices

import (
	"strings"
	"testing"

	cases "foidesk/case"
)

// Every e-mail to the applicant names the application's tracking number, cites its legal ground and
// refers to the letter it attaches (docs/rules.md §7); the footer names the agency and its phone.
func TestApplicantNotices(t *testing.T) {
	c := &cases.Case{TrackingNo: "GK2026000123", ReceivedOn: cases.MustDate("2026-11-02"), ReplyDue: cases.MustDate("2026-11-30"),
		CorrectionDue: cases.MustDate("2026-11-24"), FeeDue: cases.MustDate("2026-12-01"), ExtendedDays: 10, Fee: &cases.Fee{Amount: 300}}
	kinds := []cases.NoticeKind{cases.NoticeSubmitted, cases.NoticeReceipt, cases.NoticeCorrection, cases.NoticeExtension, cases.NoticeReplyPeriod,
		cases.NoticeConsultation, cases.NoticeFee, cases.NoticeReply, cases.NoticeCorrectionLapsed, cases.NoticeFeeLapsed}
	for _, k := range kinds {
		n, ok := Applicant[k]
		if !ok {
			t.Errorf("%s: no e-mail", k)
			continue
		}
		text := n.Text(c, Doc{ID: 1, Kind: n.Letter, Number: "望政公开〔2026〕12号"})
		if n.Subject == "" || !strings.Contains(text, c.TrackingNo) {
			t.Errorf("%s: subject %q, text without the tracking number: %s", k, n.Subject, text)
		}
		if k != cases.NoticeReply && !strings.Contains(text, "条例") && !strings.Contains(text, "管理办法") {
			t.Errorf("%s cites no legal ground: %s", k, text)
		}
		if n.Letter != "" && !strings.Contains(text, "望政公开〔2026〕12号") {
			t.Errorf("%s does not refer to its letter: %s", k, text)
		}
	}
	a := cases.Agency{Name: "望城区人民政府办公室", Settings: cases.Settings{Phone: "0731-88080000"}}
	if f := Footer(a, cases.MustDate("2026-11-03")); !strings.Contains(f, a.Name) || !strings.Contains(f, "2026年11月3日") || !strings.Contains(f, "0731-88080000") {
		t.Errorf("footer %q", f)
	}
}
