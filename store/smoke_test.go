package store

import (
	"context"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"testing"

	cases "foidesk/case"
)

func fire(t *testing.T, db *DB, id int64, actor cases.Actor, event string, payload any) (*cases.Case, error) {
	t.Helper()
	b, _ := json.Marshal(payload)
	return db.TransitionCase(context.Background(), id, cases.EventRequest{Event: cases.EventName(event), Payload: b}, actor, db.Now())
}

func mustFire(t *testing.T, db *DB, id int64, actor cases.Actor, event string, payload any) *cases.Case {
	t.Helper()
	c, err := fire(t, db, id, actor, event, payload)
	if err != nil {
		t.Fatalf("%s: %v", event, err)
	}
	return c
}

// Art. 31, 33: an online application is received when registered; the reply is due 20 working
// days later (received 2026-02-10 → due 2026-03-16 across the Spring Festival).
func TestLifecycleOnline(t *testing.T) {
	forEachEngine(t, at("2026-02-10"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		c, code, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		if c.State != cases.StateSubmitted || len(code) != 16 {
			t.Fatalf("state %s code %q", c.State, code)
		}
		c = mustFire(t, db, c.ID, clerk, "register", nil)
		if c.ReceivedOn.String() != "2026-02-10" || c.ReplyDue.String() != "2026-03-16" {
			t.Fatalf("received %s due %s", c.ReceivedOn, c.ReplyDue)
		}
		c = mustFire(t, db, c.ID, clerk, "accept", nil)
		c = mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "经审查，予以公开。"})
		if _, err := fire(t, db, c.ID, clerk, "approve", nil); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Fatalf("clerk approving: %v", err)
		}
		c = mustFire(t, db, c.ID, sup, "approve", nil)
		if c.State != cases.StateReplied || c.LetterNo == "" || c.ConcludedOn.String() != "2026-02-10" {
			t.Fatalf("after approve: %s %q %s", c.State, c.LetterNo, c.ConcludedOn)
		}
		n, broken, err := db.AuditVerify(ctx)
		if err != nil || n != 1 || len(broken) != 0 {
			t.Fatalf("verify: %d %v %v", n, broken, err)
		}
		got, err := db.AccessCase(ctx, c.TrackingNo, code)
		if err != nil || got.ID != c.ID {
			t.Fatalf("access: %v", err)
		}
		if _, err := db.AccessCase(ctx, c.TrackingNo, "WRONGCODE"); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("wrong code: %v", err)
		}
	})
}

// docs/design.md "draft_reply": the outcome guards are unavailable.unclear and the lapse outcomes,
// "these and no others" — other.other can be drafted and approved like any decision.
func TestDraftOtherOutcome(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-02")
		c, err := db.RegisterPaper(context.Background(), app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "other.other", "reasons": "申请人表示所需信息已另行取得。"})
		c = mustFire(t, db, c.ID, sup, "approve", nil)
		if c.State != cases.StateReplied || c.Outcome != "other.other" || c.LetterNo == "" {
			t.Fatalf("after approve: %s %s %q", c.State, c.Outcome, c.LetterNo)
		}
		for _, lapse := range []string{"other.correction_lapsed", "other.fee_lapsed"} {
			c2, _ := db.RegisterPaper(context.Background(), app, clerk)
			if _, err := fire(t, db, c2.ID, clerk, "draft_reply", map[string]any{"outcome": lapse, "reasons": "x"}); cases.ErrorCode(err) != cases.EINVALID {
				t.Fatalf("%s drafted: %v", lapse, err)
			}
		}
	})
}

// Art. 32: when a consulted third party objected and the reply discloses all the same, approval
// issues the notice to that third party (not addressed to the applicant) beside the reply.
func TestApproveOverObjectionNotifiesThirdParty(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-02")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "accept", nil)
		mustFire(t, db, c.ID, clerk, "consult", map[string]any{"parties": []map[string]any{
			{"kind": "third_party", "name": "某某建设工程有限公司"}, {"kind": "agency", "name": "区财政局"}}})
		mustFire(t, db, c.ID, clerk, "consultation_done", map[string]any{"answers": []map[string]any{
			{"name": "某某建设工程有限公司", "answer": "object", "text": "涉及商业秘密"}, {"name": "区财政局", "answer": "agree"}}})
		mustFire(t, db, c.ID, clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "不公开可能对公共利益造成重大影响。"})
		c = mustFire(t, db, c.ID, sup, "approve", nil)
		var overrides, toApplicant int
		for _, d := range c.Documents {
			if d.Kind == cases.DocObjectionOverride {
				overrides++
				if d.Applicant {
					toApplicant++
				}
				if d.Number == "" || d.EventSeq != c.EventCount {
					t.Errorf("override notice %q at seq %d", d.Number, d.EventSeq)
				}
			}
		}
		if overrides != 1 || toApplicant != 0 {
			t.Fatalf("%d override notices (%d to the applicant), want 1 to the third party", overrides, toApplicant)
		}
	})
}

// Every migration has its own version number, and both dialects have the same versions with the
// same names: two helpers landing a 0005 each would make the second fail on a fresh database.
func TestMigrationVersionsUnique(t *testing.T) {
	names := map[string][]string{}
	for _, d := range []string{"sqlite", "postgres"} {
		files, err := fs.Glob(migrations, "migrations/"+d+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, f := range files {
			base := path.Base(f)
			v := strings.SplitN(base, "_", 2)[0]
			if other, dup := seen[v]; dup {
				t.Errorf("%s: version %s twice: %s and %s", d, v, other, base)
			}
			seen[v] = base
			names[d] = append(names[d], base)
		}
	}
	if strings.Join(names["sqlite"], " ") != strings.Join(names["postgres"], " ") {
		t.Errorf("the dialects differ:\nsqlite   %v\npostgres %v", names["sqlite"], names["postgres"])
	}
}
