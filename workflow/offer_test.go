package workflow

import (
	"strings"
	"testing"

	cases "foidesk/case"
)

// Art. 33 and docs/rules.md §4: an overdue case is not offered an extension, a consultation, a fee
// notice or a new reply period (the reason is given instead); before its deadline it is; one
// extension only; the correction notice (Art. 30) only within 7 working days of receipt. The
// probe changes nothing.
func TestArt33UnavailableActions(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02") // due 2026-03-30
	allowed := []cases.EventName{"extend", "set_reply_period", "consult", "request_fee", "request_correction", "draft_reply"}
	before := *c
	u := Unavailable(c, mSup, allowed, env("2026-03-03"))
	if len(u) != 0 {
		t.Fatalf("on day 2 nothing is unavailable: %v", u)
	}
	if u = Unavailable(c, mSup, allowed, env("2026-03-30")); len(u) != 0 {
		t.Fatalf("on the deadline the supervisor may still extend: %v", u)
	}
	if u = Unavailable(c, mClerk, allowed, env("2026-03-30")); u["request_correction"] == nil {
		t.Fatalf("the correction window has passed: %v", u)
	}
	u = Unavailable(c, mBoth, allowed, env("2026-03-31"))
	for _, e := range []cases.EventName{"extend", "set_reply_period", "consult", "request_fee"} {
		if err := u[e]; err == nil || !strings.Contains(cases.ErrorMessage(err, "zh"), "答复期限已于2026-03-30届满") {
			t.Errorf("overdue %s: %v", e, err)
		}
	}
	if _, ok := u["draft_reply"]; ok {
		t.Error("drafting the reply is always offered")
	}
	if c.Version != before.Version || c.State != before.State || c.ReplyDue != before.ReplyDue {
		t.Error("the probe changed the case")
	}
	res, err := Apply(c, req("extend", map[string]any{"days": 5, "reason": "需要调取档案"}), mSup, env("2026-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Unavailable(res.Case, mSup, allowed, env("2026-03-11"))["extend"]; err == nil || !strings.Contains(cases.ErrorMessage(err, "zh"), "只能延长一次") {
		t.Errorf("second extension: %v", err)
	}
	if u := Unavailable(c, mClerk, []cases.EventName{"draft_reply"}, env("2026-03-31")); len(u) != 0 {
		t.Errorf("events not allowed are not probed: %v", u)
	}
}
