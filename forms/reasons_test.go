package forms

import (
	"strings"
	"testing"

	cases "foidesk/case"
)

// Art. 35 (docs/rules.md §4, §7): the 说明理由通知书 asks the applicant for the reasons of a request
// beyond a reasonable number or frequency, gives the period and the consequence, and carries no
// remedy clause (a procedural notice).
func TestArt35_ReasonsNotice(t *testing.T) {
	r := renderer(t)
	req := fixtureRequest(cases.DocReasonsNotice, fixtureCase(), func(r *cases.LetterRequest) {
		r.Due = cases.MustDate("2026-11-24")
		r.Reason = "您本月已提出45件申请，内容多为同一项目的不同年度"
	})
	text, _ := letterText(t, r, req)
	for _, want := range []string{"说明理由通知书", "第三十五条", "2026年11月24日前", "您本月已提出45件申请", "不予处理"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "行政复议") {
		t.Errorf("a procedural notice with a remedy clause:\n%s", text)
	}
	if cases.DocKinds.Label(cases.DocReasonsNotice, "zh") != "说明理由通知书" {
		t.Error("no label")
	}
}

// Art. 36(六) (docs/rules.md §6, §8): the rejected.duplicate letter names the earlier reply: its
// number, date and tracking number.
func TestArt36_DuplicateLetterNamesTheEarlierLetter(t *testing.T) {
	r := renderer(t)
	c := fixtureCase(func(c *cases.Case) {
		c.Draft = &cases.Draft{Outcome: "rejected.duplicate", Reasons: "重复申请", DraftedBy: "clerk1",
			DuplicateOf: "GK2026000045", DuplicateLetterNo: "望政公开〔2026〕7号", DuplicateOn: cases.MustDate("2026-05-20")}
	})
	text, _ := letterText(t, r, fixtureRequest(cases.DocReply, c))
	for _, want := range []string{"望政公开〔2026〕7号", "GK2026000045", "2026年5月20日"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q:\n%s", want, text)
		}
	}
}
