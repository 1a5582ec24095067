package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

// Art. 35: the agency may ask the applicant for the reasons of an excessive request (说明理由通知书
// with its period; the reply clock keeps running); rejected.excessive (不予处理) only after reasons
// were asked; the reasons received are recorded with their date.
func TestArt35_AskReasonsThenRejectExcessive(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk, sup := staff(t, db, "clerk1", "clerk"), staff(t, db, "sup1", "supervisor")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "accept", nil)
		draft := map[string]any{"outcome": "rejected.excessive", "reasons": "您于本月提交同类申请52件，经要求说明理由，逾期未说明。"}
		if _, err := fire(t, db, c.ID, clerk, "draft_reply", draft); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("rejected.excessive without asking for reasons: %v", err)
		}
		if _, err := fire(t, db, c.ID, clerk, "reasons_received", map[string]any{"text": "x", "received_on": "2026-03-02"}); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("reasons received before they were asked for: %v", err)
		}
		if _, err := fire(t, db, c.ID, clerk, "ask_reasons", map[string]any{"text": " "}); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("ask_reasons without the grounds: %v", err)
		}
		before := mustFire(t, db, c.ID, clerk, "add_note", map[string]any{"text": "核对申请数量"})
		setNow(db, "2026-03-03")
		after := mustFire(t, db, c.ID, clerk, "ask_reasons", map[string]any{"text": "本月已提交同类申请52件"})
		if after.State != cases.StateInProgress || !after.ReplyDue.Equal(before.ReplyDue) || !after.Clock.ReasonsDue.Equal(cases.MustDate("2026-03-24")) {
			t.Errorf("after ask_reasons: %s, due %s (was %s), reasons due %s", after.State, after.ReplyDue, before.ReplyDue, after.Clock.ReasonsDue)
		}
		var notice bool
		for _, d := range after.Documents {
			notice = notice || (d.Kind == cases.DocReasonsNotice && d.Number != "")
		}
		if !notice {
			t.Error("no numbered 说明理由通知书")
		}
		if _, err := fire(t, db, c.ID, clerk, "reasons_received", map[string]any{"text": "研究需要", "received_on": "2026-03-02"}); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("reasons received before they were asked: %v", err)
		}
		mustFire(t, db, c.ID, clerk, "reasons_received", map[string]any{"text": "研究需要", "received_on": "2026-03-03"})
		mustFire(t, db, c.ID, clerk, "draft_reply", draft)
		if done := mustFire(t, db, c.ID, sup, "approve", nil); done.Outcome != "rejected.excessive" {
			t.Errorf("outcome %s", done.Outcome)
		}
	})
}
