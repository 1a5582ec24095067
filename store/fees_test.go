package store

import (
	"context"
	"testing"
	"time"

	cases "foidesk/case"
)

// 国办函〔2020〕109号 (docs/rules.md §5): the per-request count is by applicant, receipt month and
// agency — each agency charges for what it receives; requests of the same day are ordered by
// their registration; discarded submissions do not count.
func TestFee109_PerRequestCountPerAgency(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		other, err := db.CreateAgency(ctx, "district", "区人民政府", cases.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := ParseRoles("clerk,supervisor")
		u, err := db.CreateUser(ctx, "dist1", "correct horse battery", rs, other.ID, "dist1")
		if err != nil {
			t.Fatal(err)
		}
		distClerk := u.Actor()
		// Twelve requests to the default agency in March …
		var ids []int64
		for i := 0; i < 12; i++ {
			ids = append(ids, g.paper("2026-03-02").ID)
		}
		// … an online submission made on 03-02 and registered on 03-03 after a paper one of 03-03,
		// and one discarded.
		online, _, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		spam, _, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		g.ok(spam.ID, g.clerk, "discard", map[string]any{"reason": "重复提交"})
		paper13 := g.paper("2026-03-03")
		db.Now = func() time.Time { return at("2026-03-03").Add(time.Hour) }
		g.ok(online.ID, g.clerk, "register", nil)
		// … and the first of the month to the district government.
		app := sampleApplication()
		app.Agency, app.Channel, app.ReceivedOn = "district", cases.ChannelInPerson, cases.MustDate("2026-03-03")
		dist, err := db.RegisterPaper(ctx, app, distClerk)
		if err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			id   int64
			want int
		}{{ids[0], 1}, {ids[11], 12}, {paper13.ID, 13}, {online.ID, 14}, {dist.ID, 1}} {
			c, _ := db.Case(ctx, tc.id)
			if n, err := db.MonthCount(ctx, c); err != nil || n != tc.want {
				t.Errorf("%s: month count %d (%v), want %d", c.TrackingNo, n, err, tc.want)
			}
		}
		g.ok(dist.ID, distClerk, "accept", nil)
		e := g.refused(dist.ID, distClerk, "request_fee", map[string]any{"basis": "per_request"}, cases.EINVALID)
		if _, ok := e.Fields["basis"]; !ok {
			t.Errorf("no fee at the district government: fields %v", e.Fields)
		}
		g.ok(online.ID, g.clerk, "accept", nil)
		c := g.ok(online.ID, g.clerk, "request_fee", map[string]any{"basis": "per_request"})
		if c.Fee == nil || c.Fee.Count != 14 || c.Fee.Amount != 100 {
			t.Errorf("the 14th request: %+v", c.Fee)
		}
		g.refused(online.ID, g.clerk, "request_fee", map[string]any{"basis": "per_page", "pages": 100}, cases.ECONFLICT)
	})
}
