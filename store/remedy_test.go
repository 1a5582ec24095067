package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

// Art. 50 (table 四, docs/rules.md §8): the result of a remedy already recorded is recorded on that
// remedy (record_remedy with remedy_id) — never a second row — and table 四 counts it once.
func TestArt50_RemedyResultOnTheSameRow(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		g.ok(c.ID, g.clerk, "accept", nil)
		g.ok(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开"})
		g.on("2026-03-04").ok(c.ID, g.sup, "approve", nil)
		c = g.on("2026-03-10").ok(c.ID, g.clerk, "record_remedy", map[string]any{"kind": "reconsideration", "filed_on": "2026-03-09"})
		if len(c.Remedies) != 1 || c.Remedies[0].Result != cases.RemedyPending {
			t.Fatalf("remedies %+v", c.Remedies)
		}
		id := c.Remedies[0].ID
		g.on("2026-05-11")
		g.refused(c.ID, g.clerk, "record_remedy", map[string]any{"remedy_id": id + 99, "result": "upheld", "decided_on": "2026-05-08"}, cases.EINVALID)
		g.refused(c.ID, g.clerk, "record_remedy", map[string]any{"remedy_id": id, "result": "upheld", "decided_on": "2026-03-01"}, cases.EINVALID)
		g.refused(c.ID, g.clerk, "record_remedy", map[string]any{"remedy_id": id, "result": "pending"}, cases.EINVALID)
		c = g.ok(c.ID, g.clerk, "record_remedy", map[string]any{"remedy_id": id, "result": "upheld", "decided_on": "2026-05-08"})
		if len(c.Remedies) != 1 || c.Remedies[0].ID != id || c.Remedies[0].Result != "upheld" || c.Remedies[0].DecidedOn.String() != "2026-05-08" {
			t.Fatalf("remedies after the decision %+v", c.Remedies)
		}
		last := c.Events[len(c.Events)-1]
		if p := string(last.Payload); !contains(p, `"remedy_id":`) || !contains(p, `"upheld"`) {
			t.Errorf("event payload %s", p)
		}
		g.refused(c.ID, g.clerk, "record_remedy", map[string]any{"remedy_id": id, "result": "corrected", "decided_on": "2026-05-08"}, cases.ECONFLICT)
		rep, err := db.AnnualReport(ctx, nil, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Table4["reconsideration"]; r["upheld"] != 1 || r[cases.RemedyPending] != 0 || r[cases.RemedyTotal] != 1 {
			t.Errorf("table 四: %v", r)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
