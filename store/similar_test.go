package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

// Art. 36(六) and Art. 44 (docs/rules.md §8): the same applicant's earlier concluded cases asking for
// the same information are found (not another year's); three different applicants asking for the
// same information within 12 months form a cluster.
func TestArt44_RepeatsAndClusters(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		register := func(day, idNumber, desc string) *cases.Case {
			g.on(day)
			app := sampleApplication()
			app.Applicant.IDType, app.Applicant.IDNumber = cases.IDPassport, idNumber
			app.Description = desc
			app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate(day)
			c, err := db.RegisterPaper(ctx, app, g.clerk)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		first := register("2026-03-02", "E1234567", "申请公开清溪区2025年度城市更新项目的立项批复文件。")
		g.ok(first.ID, g.clerk, "accept", nil)
		g.ok(first.ID, g.clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开"})
		g.on("2026-03-04").ok(first.ID, g.sup, "approve", nil)
		other := register("2026-03-05", "E1234567", "申请公开清溪区2024年度城市更新项目的立项批复文件。")
		again := register("2026-03-10", "E1234567", "请提供清溪区2025年城市更新项目立项批复。")
		register("2026-03-11", "E7654321", "2025年度清溪区城市更新项目立项的批复文件全文")
		register("2026-03-12", "E5555555", "申请公开清溪区2025年度城市更新项目的立项批复文件。")

		got, err := db.EarlierRequests(ctx, again.AgencyID, cases.IDPassport, "e1234567", again.Description, again.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].TrackingNo != first.TrackingNo || got[0].Outcome != "disclose" || got[0].LetterNo == "" {
			t.Fatalf("earlier requests %+v", got)
		}
		if got, _ := db.EarlierRequests(ctx, other.AgencyID, cases.IDPassport, "E1234567", other.Description, other.ID); len(got) != 0 {
			t.Errorf("another year's project counted as a repeat: %+v", got)
		}
		cl, err := db.InformationClusters(ctx, nil, cases.MustDate("2026-03-12"))
		if err != nil {
			t.Fatal(err)
		}
		if len(cl) != 1 || cl[0].Applicants != 3 || len(cl[0].Cases) != 4 {
			t.Fatalf("clusters %+v", cl)
		}
		if cl, _ := db.InformationClusters(ctx, nil, cases.MustDate("2027-03-11")); len(cl) != 0 {
			t.Errorf("clusters older than 12 months: %+v", cl)
		}
	})
}
