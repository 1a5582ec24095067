package forms

import (
	"strings"
	"testing"

	cases "foidesk/case"
)

// docs/design.md: the only drafting guards are unavailable.unclear and the lapse outcomes, so a reply
// drafted with （六）3.其他 (other.other) gets a reply letter with the ordinary remedy clause; the
// lapse outcomes have their termination notice instead and no reply letter.
func TestReplyOtherOutcome(t *testing.T) {
	r := renderer(t)
	req := fixtureRequest(cases.DocReply, fixtureCase(withDraft(cases.OutcomeOther, "申请人来电表示所需信息已通过其他途径取得，本机关据此终结办理。")))
	pdf, _, err := r.Render(req)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf, false, 1, 0)), "")
	for _, want := range []string{"申请人来电表示所需信息已通过其他途径取得", "第三十六条", "六十日内", "六个月内"} {
		if !strings.Contains(text, want) {
			t.Errorf("other.other reply lacks %q:\n%s", want, text)
		}
	}
	for _, lapse := range []string{cases.OutcomeCorrectionLapsed, cases.OutcomeFeeLapsed} {
		if _, _, err := r.Render(fixtureRequest(cases.DocReply, fixtureCase(withDraft(lapse, "理由")))); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("%s reply: %v", lapse, err)
		}
	}
}
