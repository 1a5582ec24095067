package workflow

import (
	"testing"

	cases "foidesk/case"
)

func consulting2(t *testing.T) *cases.Case {
	t.Helper()
	c := caseIn(cases.StateInProgress, "2026-03-02")
	return must(t, c, mClerk, "2026-03-03", req("consult", map[string]any{"parties": []map[string]any{
		{"kind": "third_party", "name": "甲公司"}, {"kind": "third_party", "name": "乙公司"}, {"kind": "agency", "name": "区财政局"}}}))
}

// Art. 32, 34 (docs/rules.md §4 "Several consulted parties"): each answer is recorded when it
// arrives; a second answer of one party 409; an unknown party 422; the last answer ends the
// consultation (FollowUp) on that day; an objection recorded early survives the silence sweep.
func TestArt32_RecordAnswerOnePartyAtATime(t *testing.T) {
	c := consulting2(t)
	c = must(t, c, mClerk, "2026-03-09", req("record_answer", map[string]any{"name": " 甲公司 ", "answer": "object", "text": "涉及商业秘密"}))
	if c.State != cases.StateConsulting || c.Parties[0].Answer != "object" {
		t.Fatalf("after one answer: %s %+v", c.State, c.Parties)
	}
	if ConsultationAnswered(c) {
		t.Fatal("consultation ended with parties still to answer")
	}
	refusedWith(t, c, mClerk, "2026-03-10", req("record_answer", map[string]any{"name": "甲公司", "answer": "agree"}), cases.ECONFLICT, "")
	refusedWith(t, c, mClerk, "2026-03-10", req("record_answer", map[string]any{"name": "丙公司", "answer": "agree"}), cases.EINVALID, "name")
	refusedWith(t, c, mClerk, "2026-03-10", req("record_answer", map[string]any{"name": "乙公司", "answer": "silence"}), cases.EINVALID, "answer")

	// The silence sweep after the due date keeps the objection.
	late := mCal.AddWorkdays(c.ConsultationDue, 1).String()
	s := must(t, c, mSystem, late, req("consultation_done", nil))
	if s.State != cases.StateInProgress || s.Parties[0].Answer != "object" || s.Parties[1].Answer != "silence" || s.Parties[2].Answer != "silence" {
		t.Fatalf("after the sweep: %s %+v", s.State, s.Parties)
	}
	refusedWith(t, s, mClerk, late, req("record_answer", map[string]any{"name": "乙公司", "answer": "agree"}), cases.ECONFLICT, "")

	// All answered before the due date: the system ends the consultation that day.
	c = must(t, c, mClerk, "2026-03-11", req("record_answer", map[string]any{"name": "乙公司", "answer": "agree"}))
	c = must(t, c, mClerk, "2026-03-12", req("record_answer", map[string]any{"name": "区财政局", "answer": "object"}))
	if !ConsultationAnswered(c) {
		t.Fatal("no follow-up after the last answer")
	}
	c = must(t, c, mSystem, "2026-03-12", req("consultation_done", nil))
	if c.State != cases.StateInProgress || c.Clock.Pauses[0].End != ymd("2026-03-12") || c.Parties[0].Answer != "object" {
		t.Fatalf("ended: %s %+v %+v", c.State, c.Clock.Pauses, c.Parties)
	}
	// Art. 32: disclosure over the objections — a notice to the objecting third party only (not
	// to the agency that objected, nor to the one that agreed).
	c = must(t, c, mClerk, "2026-03-13", req("draft_reply", map[string]any{"outcome": "disclose", "reasons": "公共利益需要"}))
	res, err := Apply(c, req("approve", nil), mSup, env("2026-03-16"))
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, l := range res.Letters {
		if l.Kind == cases.DocObjectionOverride {
			to = append(to, l.Party.Name)
		}
	}
	if len(to) != 1 || to[0] != "甲公司" {
		t.Errorf("objection_override to %v, want [甲公司]", to)
	}
}

// docs/rules.md §1, §8: staff correct an organisation's table 三 category with a reason; a person
// has none (409).
func TestArt50_SetCategory(t *testing.T) {
	c := caseIn(cases.StateReplied, "2026-03-02")
	refusedWith(t, c, mSup, "2026-03-03", req("set_category", map[string]any{"org_category": "research", "reason": "核对营业执照"}), cases.ECONFLICT, "")
	c.Applicant = cases.Applicant{Kind: cases.KindOrganization, Name: "某某研究院", OrgCategory: "business"}
	refusedWith(t, c, mSup, "2026-03-03", req("set_category", map[string]any{"org_category": "lab", "reason": "x"}), cases.EINVALID, "org_category")
	refusedWith(t, c, mSup, "2026-03-03", req("set_category", map[string]any{"org_category": "research"}), cases.EINVALID, "reason")
	res, err := Apply(c, req("set_category", map[string]any{"org_category": "research", "reason": "事业单位法人证书显示为科研机构"}), mSup, env("2026-03-03"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Case.Applicant.OrgCategory != "research" || string(res.Event.Payload) == "" {
		t.Fatalf("%+v %s", res.Case.Applicant, res.Event.Payload)
	}
}

// Art. 31 (docs/rules.md §2): a wrong receipt date or a typo is corrected by amend with a reason;
// a new receipt date recomputes the deadlines; before and after are kept in the event.
func TestArt31_AmendRecordAndReceiptDate(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-09")
	refusedWith(t, c, mClerk, "2026-03-10", req("amend", map[string]any{"received_on": "2026-03-02"}), cases.EINVALID, "reason")
	refusedWith(t, c, mClerk, "2026-03-10", req("amend", map[string]any{"received_on": "2026-03-11", "reason": "录入错误"}), cases.EINVALID, "received_on")
	refusedWith(t, c, mClerk, "2026-03-10", req("amend", map[string]any{"applicant": map[string]any{"kind": "organization"}, "reason": "录入错误"}), cases.EINVALID, "applicant.kind")
	refusedWith(t, c, mClerk, "2026-03-10", req("amend", map[string]any{"applicant": map[string]any{"phone": "12345"}, "reason": "录入错误"}), cases.EINVALID, "applicant.phone")
	res, err := Apply(c, req("amend", map[string]any{"applicant": map[string]any{"name": "张伟"}, "received_on": "2026-03-02", "reason": "挂号信签收日期录入错误"}), mClerk, env("2026-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	n := res.Case
	if n.ReceivedOn != ymd("2026-03-02") || n.ReplyDue != mCal.AddWorkdays(ymd("2026-03-02"), 20) || n.Applicant.Name != "张伟" {
		t.Fatalf("amended: %s %s %s", n.ReceivedOn, n.ReplyDue, n.Applicant.Name)
	}
	p := string(res.Event.Payload)
	for _, want := range []string{`"before":{"applicant.name":`, `"received_on":"2026-03-09"`, `"after":{"applicant.name":"张伟","received_on":"2026-03-02"}`} {
		if !contains(p, want) {
			t.Errorf("payload %s lacks %s", p, want)
		}
	}
}

// docs/design.md: the drafter takes a pending draft back while no supervisor has acted; nobody else.
func TestWithdrawDraftOnlyTheDrafter(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	c = must(t, c, mClerk, "2026-03-03", req("draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开"}))
	refusedWith(t, c, mClerk2, "2026-03-03", req("withdraw_draft", nil), cases.EFORBIDDEN, "")
	refusedWith(t, c, mSup, "2026-03-03", req("withdraw_draft", nil), cases.EFORBIDDEN, "")
	c = must(t, c, mClerk, "2026-03-04", req("withdraw_draft", map[string]any{"reason": "补充附件"}))
	if c.State != cases.StateInProgress || c.Draft != nil {
		t.Fatalf("%s %+v", c.State, c.Draft)
	}
	refusedWith(t, c, mClerk, "2026-03-04", req("withdraw_draft", nil), cases.ECONFLICT, "")
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
