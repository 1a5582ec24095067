package store

import (
	"context"
	"encoding/json"
	"testing"

	cases "foidesk/case"
)

// docs/design.md "The state machine": the drafter takes a pending draft back (withdraw_draft:
// only the drafter, 403 for anyone else; pending_approval → in_progress); approve keeps the
// supervisor's 审批意见 in its event.
func TestWithdrawDraftAndApprovalOpinion(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk, clerk2, sup := staff(t, db, "clerk1", "clerk"), staff(t, db, "clerk2", "clerk"), staff(t, db, "sup1", "supervisor")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "accept", nil)
		draft := map[string]any{"outcome": "disclose", "reasons": "予以公开。"}
		mustFire(t, db, c.ID, clerk, "draft_reply", draft)
		if _, err := fire(t, db, c.ID, clerk2, "withdraw_draft", nil); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("another clerk withdraws the draft: %v", err)
		}
		back := mustFire(t, db, c.ID, clerk, "withdraw_draft", map[string]any{"reason": "需补充附件"})
		if back.State != cases.StateInProgress || back.Draft != nil {
			t.Fatalf("after withdraw_draft: %s %+v", back.State, back.Draft)
		}
		if _, err := fire(t, db, c.ID, clerk, "withdraw_draft", nil); cases.ErrorCode(err) != cases.ECONFLICT && cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("withdraw_draft with no draft pending: %v", err)
		}
		mustFire(t, db, c.ID, clerk, "draft_reply", draft)
		done := mustFire(t, db, c.ID, sup, "approve", map[string]any{"opinion": "同意。经保密审查，可以公开。"})
		var p map[string]any
		_ = json.Unmarshal(done.Events[len(done.Events)-1].Payload, &p)
		if done.State != cases.StateReplied || p["opinion"] != "同意。经保密审查，可以公开。" {
			t.Errorf("approve: %s, payload %v", done.State, p)
		}
	})
}

// docs/rules.md §1 and §8: staff correct an organisation's table 三 category with the reason; the
// event keeps the category before and after; a person's case has none (409); an archived case is
// read-only (409).
func TestSetCategory(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		person, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fire(t, db, person.ID, clerk, "set_category", map[string]any{"org_category": "research", "reason": "x"}); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("a person's case: %v", err)
		}
		app.Applicant = cases.Applicant{Kind: cases.KindOrganization, Name: "某律师事务所", IDType: cases.IDCredit, IDNumber: "91350100M000100Y43", OrgCategory: "business", ContactName: "王律师", Phone: "13800138000", Email: "law@example.cn"}
		org, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatalf("%v %v", err, err.(*cases.Error).FieldsEN)
		}
		for _, bad := range []map[string]any{{"org_category": "law_firm", "reason": "x"}, {"org_category": "business", "reason": "x"}, {"org_category": "legal_service", "reason": " "}} {
			if _, err := fire(t, db, org.ID, clerk, "set_category", bad); cases.ErrorCode(err) != cases.EINVALID {
				t.Errorf("%v: %v", bad, err)
			}
		}
		after := mustFire(t, db, org.ID, clerk, "set_category", map[string]any{"org_category": "legal_service", "reason": "申请人为律师事务所，属法律服务机构"})
		var p map[string]any
		_ = json.Unmarshal(after.Events[len(after.Events)-1].Payload, &p)
		if after.Applicant.OrgCategory != "legal_service" || p["before"] != "business" || p["after"] != "legal_service" {
			t.Errorf("after set_category: %s %v", after.Applicant.OrgCategory, p)
		}
		reloaded, _ := db.Case(ctx, org.ID)
		if reloaded.Applicant.OrgCategory != "legal_service" {
			t.Errorf("stored category %s", reloaded.Applicant.OrgCategory)
		}
	})
}
