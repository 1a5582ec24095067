package workflow

import (
	"testing"

	cases "foidesk/case"
)

// must applies req as actor on day and fails the test on an error.
func must(t *testing.T, c *cases.Case, actor cases.Actor, day string, r Request, fee ...int) *cases.Case {
	t.Helper()
	e := env(day)
	if len(fee) > 0 {
		e.FeeMonthCount = fee[0]
	}
	res, err := Apply(c, r, actor, e)
	if err != nil {
		t.Fatalf("%s on %s: %v", r.Event, day, err)
	}
	return res.Case
}

// refusedWith applies req and checks the error code and, for EINVALID, the field named.
func refusedWith(t *testing.T, c *cases.Case, actor cases.Actor, day string, r Request, code, field string, fee ...int) {
	t.Helper()
	e := env(day)
	if len(fee) > 0 {
		e.FeeMonthCount = fee[0]
	}
	_, err := Apply(c, r, actor, e)
	ce, _ := err.(*cases.Error)
	if ce == nil || ce.Code != code {
		t.Fatalf("%s on %s: got %v, want %s", r.Event, day, err, code)
	}
	if field != "" {
		if _, ok := ce.Fields[field]; !ok || len(ce.Fields) != 1 {
			t.Fatalf("%s on %s: fields %v, want only %s", r.Event, day, ce.Fields, field)
		}
	}
}

// 国办函〔2020〕109号 (docs/rules.md §5): one fee notice per request and handling (a second → 409);
// where the rules give no fee the notice is refused with 422 naming basis or pages; pages is a
// whole number up to 1,000,000.
func TestFee109_OneNoticeNoneDuePagesBound(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	refusedWith(t, c, mClerk, "2026-03-03", req("request_fee", map[string]any{"basis": "per_request"}), cases.EINVALID, "basis", 10)
	refusedWith(t, c, mClerk, "2026-03-03", req("request_fee", map[string]any{"basis": "per_page", "pages": 30}), cases.EINVALID, "pages", 10)
	refusedWith(t, c, mClerk, "2026-03-03", req("request_fee", map[string]any{"basis": "per_page", "pages": 1000001}), cases.EINVALID, "pages", 10)
	refusedWith(t, c, mClerk, "2026-03-03", req("request_fee", map[string]any{"basis": "per_page", "pages": 2147483648000}), cases.EINVALID, "pages", 10)
	refusedWith(t, c, mClerk, "2026-03-03", req("request_fee", map[string]any{"basis": "per_page", "pages": 40.5}), cases.EINVALID, "pages", 10)
	f := must(t, c, mClerk, "2026-03-03", req("request_fee", map[string]any{"basis": "per_page", "pages": 1000000}), 10)
	if f.Fee == nil || f.Fee.Amount != PerPageFee(1000000) {
		t.Fatalf("fee %+v", f.Fee)
	}
	f = must(t, f, mClerk, "2026-03-05", req("fee_paid", map[string]any{"paid_on": "2026-03-05"}))
	refusedWith(t, f, mClerk, "2026-03-06", req("request_fee", map[string]any{"basis": "per_request"}), cases.ECONFLICT, "", 15)
	// A reopened case is a new handling (docs/rules.md §4): a fee notice again.
	f.State, f.Outcome = cases.StateReplied, cases.OutcomeDisclose
	f = must(t, f, mSup, "2026-04-01", req("reopen", map[string]any{"reason": "复议决定责令重新答复"}))
	must(t, f, mClerk, "2026-04-02", req("request_fee", map[string]any{"basis": "per_request"}), 15)
}

// Art. 32, 33 (docs/rules.md §4): a consultation pause ends on the day of the event that ends it,
// but never after its due date: it never exceeds 15 working days, even when the answers are
// recorded late.
func TestArt33_ConsultationPauseNeverExceeds15(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	before := c.ReplyDue
	c = must(t, c, mClerk, "2026-03-03", req("consult", map[string]any{"parties": []map[string]any{{"kind": "third_party", "name": "甲公司"}}}))
	due := c.ConsultationDue
	late := mCal.AddWorkdays(due, 11).String()
	c = must(t, c, mClerk, late, req("consultation_done", map[string]any{"answers": []map[string]any{{"name": "甲公司", "answer": "object", "text": "涉及商业秘密"}}}))
	if c.PausedDays != cases.ConsultationDays {
		t.Fatalf("paused %d working days, want %d (pause ended on %s)", c.PausedDays, cases.ConsultationDays, c.Clock.Pauses[0].End)
	}
	if want := mCal.AddWorkdays(before, cases.ConsultationDays); c.ReplyDue != want {
		t.Errorf("reply due %s, want %s", c.ReplyDue, want)
	}
}

// Art. 30, 33 (docs/rules.md §4): after a correction the reply clock restarts; an extension
// granted before it no longer counts and the restarted period may be extended once again.
func TestArt30_ExtensionBeforeCorrectionDroppedAtRestart(t *testing.T) {
	c := caseIn(cases.StateRegistered, "2026-03-02")
	c = must(t, c, mSup, "2026-03-03", req("extend", map[string]any{"days": 10, "reason": "需要调取档案"}))
	if c.ExtendedDays != 10 {
		t.Fatalf("extended %d", c.ExtendedDays)
	}
	c = must(t, c, mClerk, "2026-03-04", req("request_correction", map[string]any{"items": []string{"请写明文件名称"}}))
	c = must(t, c, mApplic, "2026-03-09", req("submit_correction", map[string]any{"text": "《某某批复》"}))
	if c.ExtendedDays != 0 || c.ReplyDue != mCal.AddWorkdays(ymd("2026-03-09"), 20) {
		t.Fatalf("after the restart: extended %d, due %s", c.ExtendedDays, c.ReplyDue)
	}
	c.State = cases.StateInProgress
	c = must(t, c, mSup, "2026-03-10", req("extend", map[string]any{"days": 20, "reason": "涉及多个部门"}))
	if c.ExtendedDays != 20 || c.ReplyDue != mCal.AddWorkdays(ymd("2026-03-09"), 40) {
		t.Fatalf("the new extension: extended %d, due %s", c.ExtendedDays, c.ReplyDue)
	}
	refusedWith(t, c, mSup, "2026-03-11", req("extend", map[string]any{"days": 1, "reason": "再延"}), cases.ECONFLICT, "")
}

// Art. 30 (docs/rules.md §4): a reopened case is a new handling — it may again get one correction
// notice, within 7 working days of the reopen, and one extension.
func TestArt30_ReopenedCaseNewHandling(t *testing.T) {
	c := caseIn(cases.StateInProgress, "2026-03-02")
	c = must(t, c, mClerk, "2026-03-03", req("request_correction", map[string]any{"items": []string{"请写明文件名称"}}))
	c = must(t, c, mApplic, "2026-03-05", req("submit_correction", map[string]any{"text": "《某某批复》"}))
	c.State = cases.StateInProgress
	c = must(t, c, mSup, "2026-03-06", req("extend", map[string]any{"days": 5, "reason": "复杂"}))
	c.State, c.Outcome, c.ConcludedOn = cases.StateReplied, cases.OutcomeDisclose, ymd("2026-03-20")
	c = must(t, c, mSup, "2026-06-01", req("reopen", map[string]any{"reason": "复议决定责令重新答复"}))
	c = must(t, c, mClerk, "2026-06-05", req("request_correction", map[string]any{"items": []string{"请写明年份"}}))
	c = must(t, c, mApplic, "2026-06-08", req("submit_correction", map[string]any{"text": "2025年"}))
	c.State = cases.StateInProgress
	must(t, c, mSup, "2026-06-09", req("extend", map[string]any{"days": 5, "reason": "复杂"}))
}
