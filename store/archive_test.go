package store

import (
	"context"
	"encoding/json"
	"testing"

	cases "foidesk/case"
)

// replied drives a paper case received on day to a delivered reply concluded on day+8.
func (g *gx) replied(day, concluded string) *cases.Case {
	g.t.Helper()
	c := g.paper(day)
	g.ok(c.ID, g.clerk, "accept", nil)
	g.on(concluded).ok(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开。"})
	g.ok(c.ID, g.sup, "approve", nil)
	return g.ok(c.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": concluded})
}

func archivePayload(t *testing.T, c *cases.Case) map[string]float64 {
	t.Helper()
	e := c.Events[len(c.Events)-1]
	if e.Event != "archive" {
		t.Fatalf("last event %s", e.Event)
	}
	var p map[string]float64
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Art. 45 (归档): the 件号 is assigned in the archive transaction, yearly per agency by the
// conclusion year (年度), recorded in the archive event, kept when a reopened case is archived
// again (a new package version) and never reused.
func TestArchiveItemNumbers(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		a := g.replied("2026-03-02", "2026-03-10")
		b := g.replied("2026-03-03", "2026-03-11")
		late := g.replied("2026-12-21", "2027-01-05")
		a = g.on("2027-01-06").ok(a.ID, g.clerk, "archive", nil)
		late = g.ok(late.ID, g.clerk, "archive", nil)
		b = g.ok(b.ID, g.clerk, "archive", nil)
		for _, c := range []struct {
			c                   *cases.Case
			year, item, version float64
		}{{a, 2026, 1, 1}, {b, 2026, 2, 1}, {late, 2027, 1, 1}} {
			if p := archivePayload(t, c.c); p["year"] != c.year || p["item_no"] != c.item || p["version"] != c.version {
				t.Errorf("%s: archive payload %v, want year %v item %v", c.c.TrackingNo, p, c.year, c.item)
			}
		}
		// Reopened and archived again: the same 件号, version 2; meanwhile it is not exported.
		g.ok(a.ID, g.sup, "reopen", map[string]any{"reason": "复议决定责令重新答复"})
		if es, _ := db.ArchiveEntries(ctx, 2026, a.AgencyID); len(es) != 1 || es[0].CaseID != b.ID {
			t.Errorf("entries while reopened: %+v", es)
		}
		if _, err := db.ArchiveCase(ctx, a.ID); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("package of a reopened case: %v", err)
		}
		g.on("2027-01-08").ok(a.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "重新答复，予以公开。"})
		g.ok(a.ID, g.sup, "approve", nil)
		g.ok(a.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2027-01-08"})
		a = g.ok(a.ID, g.clerk, "archive", nil)
		if p := archivePayload(t, a); p["year"] != 2026 || p["item_no"] != 1 || p["version"] != 2 {
			t.Errorf("archived again: %v", p)
		}
		es, err := db.ArchiveEntries(ctx, 2026, a.AgencyID)
		if err != nil || len(es) != 2 || es[0].CaseID != a.ID || es[0].ItemNo != 1 || es[1].ItemNo != 2 {
			t.Fatalf("entries 2026: %+v %v", es, err)
		}
		in, err := db.ArchiveCase(ctx, a.ID)
		if err != nil || in.Entry.ItemNo != 1 || len(in.Case.Documents) == 0 || len(in.Case.Events) != in.Case.EventCount {
			t.Fatalf("archive case: %+v %v", in.Entry, err)
		}
		for _, d := range in.Case.Documents {
			if int64(len(d.Body)) != d.Size {
				t.Errorf("document %d without its body", d.ID)
			}
		}
		// A 件号 is never reused: the row cannot be changed or removed.
		if _, err := db.W.ExecContext(ctx, `DELETE FROM archive_items`); err == nil {
			t.Error("archive_items rows could be deleted")
		}
		if _, err := db.W.ExecContext(ctx, `UPDATE archive_items SET item_no = 9`); err == nil {
			t.Error("archive_items rows could be changed")
		}
	})
}

// Retention: a case whose 保管期限 has passed is listed for appraisal (鉴定), from 1 January of the
// year after its 年度 plus the period; nothing is deleted.
func TestArchiveDue(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		decided := g.replied("2026-03-02", "2026-03-10")
		g.ok(decided.ID, g.clerk, "archive", nil)
		w := g.paper("2026-03-03")
		g.ok(w.ID, g.clerk, "withdraw", map[string]any{"reason": "申请人撤回"})
		g.ok(w.ID, g.clerk, "archive", nil)
		if due, err := db.ArchiveDue(ctx, nil, cases.MustDate("2036-12-31")); err != nil || len(due) != 0 {
			t.Fatalf("before: %+v %v", due, err)
		}
		due, err := db.ArchiveDue(ctx, nil, cases.MustDate("2037-01-01"))
		if err != nil || len(due) != 1 || due[0].CaseID != w.ID || due[0].Retention != "10年" || due[0].RetentionEnds.String() != "2037-01-01" {
			t.Fatalf("10年: %+v %v", due, err)
		}
		if due, _ := db.ArchiveDue(ctx, nil, cases.MustDate("2057-01-01")); len(due) != 2 {
			t.Errorf("30年: %+v", due)
		}
		// A remedy makes the file permanent.
		g.ok(w.ID, g.clerk, "record_remedy", map[string]any{"kind": "reconsideration", "filed_on": "2026-03-03"})
		if due, _ := db.ArchiveDue(ctx, nil, cases.MustDate("2099-01-01")); len(due) != 1 || due[0].CaseID != decided.ID {
			t.Errorf("remedy: %+v", due)
		}
	})
}
