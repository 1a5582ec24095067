package store

import (
	"context"
	"testing"

	cases "foidesk/case"
	"foidesk/workflow"
)

// history gives a case a few events: registered on paper, accepted, two notes, a draft.
func history(g *gx) *cases.Case {
	g.t.Helper()
	c := g.paper("2026-03-02")
	g.ok(c.ID, g.clerk, "accept", nil)
	g.ok(c.ID, g.clerk, "add_note", map[string]any{"text": "已电话联系申请人"})
	g.ok(c.ID, g.sup, "extend", map[string]any{"days": 5, "reason": "需要调取档案"})
	c = g.ok(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开。"})
	if c.EventCount != 5 {
		g.t.Fatalf("%d events", c.EventCount)
	}
	return c
}

// dropAppendOnly drops the triggers that make case_events append-only, as an attacker with raw
// database access would.
func dropAppendOnly(t *testing.T, db *DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER case_events_no_update`, `DROP TRIGGER case_events_no_delete`}
	if db.Dialect == Postgres {
		stmts = []string{`DROP TRIGGER case_events_no_update ON case_events`}
	}
	for _, s := range stmts {
		if _, err := db.W.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// docs/design.md "Storage", Art. 45: case_events is append-only — the triggers refuse UPDATE and
// DELETE, even on the last event.
func TestTamperTriggersRefuse(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		c := history(g)
		before := dump(t, db, c.ID)
		for _, q := range []string{
			`UPDATE case_events SET payload = '{"text":"篡改"}' WHERE case_id = ? AND seq = 3`,
			`UPDATE case_events SET actor = 'nobody' WHERE case_id = ?`,
			`DELETE FROM case_events WHERE case_id = ? AND seq = 5`,
			`DELETE FROM case_events WHERE case_id = ?`,
		} {
			if _, err := db.W.Exec(db.W.Rebind(q), c.ID); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		if after := dump(t, db, c.ID); after != before {
			t.Fatal("the refused statements changed the log")
		}
		assertVerified(t, db)
	})
}

// Editing a middle event, editing the last event (with or without recomputing its hash) and
// deleting the last event are each found by audit verify, with the event's seq.
func TestTamperDetected(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		clean := history(g)
		middle, last, rehashed, deleted := history(g), history(g), history(g), history(g)
		dropAppendOnly(t, db)
		exec := func(q string, args ...any) {
			t.Helper()
			r, err := db.W.Exec(db.W.Rebind(q), args...)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := r.RowsAffected(); n != 1 {
				t.Fatalf("%s: %d rows", q, n)
			}
		}
		exec(`UPDATE case_events SET payload = ? WHERE case_id = ? AND seq = 3`, `{"text":"已当面送达"}`, middle.ID)
		exec(`UPDATE case_events SET payload = ? WHERE case_id = ? AND seq = 5`, `{"outcome":"withhold.state_secret","reasons":"予以公开。"}`, last.ID)
		// A careful attacker also recomputes the edited event's hash (and its prev link stays):
		// only the case row's head hash tells.
		evs, err := db.Events(ctx, rehashed.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := evs[4]
		e.Actor = "sup1"
		h, err := workflow.EventHash(e.PrevHash, e)
		if err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE case_events SET actor = ?, hash = ? WHERE case_id = ? AND seq = 5`, e.Actor, h, rehashed.ID)
		exec(`DELETE FROM case_events WHERE case_id = ? AND seq = 5`, deleted.ID)

		n, broken, err := db.AuditVerify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Fatalf("verified %d cases", n)
		}
		want := map[string]int{middle.TrackingNo: 3, last.TrackingNo: 5, rehashed.TrackingNo: 5, deleted.TrackingNo: 5}
		if len(broken) != len(want) {
			t.Fatalf("broken: %+v", broken)
		}
		for _, b := range broken {
			if seq, ok := want[b.TrackingNo]; !ok || b.Seq != seq || b.Reason == "" {
				t.Errorf("broken %+v, want seq %d", b, seq)
			}
			if b.TrackingNo == clean.TrackingNo {
				t.Errorf("the untouched case is reported: %+v", b)
			}
		}
		for i := 1; i < len(broken); i++ {
			if broken[i-1].TrackingNo >= broken[i].TrackingNo {
				t.Errorf("not in tracking-number order: %+v", broken)
			}
		}
	})
}
