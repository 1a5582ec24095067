package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

// Art. 32, 34 (docs/rules.md §4): the last consulted party's answer ends the consultation in the
// same transaction, recorded as the system; Art. 36(六): rejected.duplicate names the applicant's
// earlier concluded case and its letter; delivery proof names a document of the case.
func TestArt32_LastAnswerEndsTheConsultation(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		first := g.paper("2026-03-02")
		g.ok(first.ID, g.clerk, "accept", nil)
		g.ok(first.ID, g.clerk, "draft_reply", map[string]any{"outcome": "disclose", "reasons": "予以公开"})
		first = g.on("2026-03-03").ok(first.ID, g.sup, "approve", map[string]any{"opinion": "同意"})
		if p := string(first.Events[len(first.Events)-1].Payload); !contains(p, `"opinion":"同意"`) {
			t.Errorf("approve payload %s", p)
		}

		c := g.paper("2026-03-04")
		g.ok(c.ID, g.clerk, "accept", nil)
		g.ok(c.ID, g.clerk, "consult", map[string]any{"parties": []map[string]any{{"kind": "third_party", "name": "甲公司"}, {"kind": "agency", "name": "区财政局"}}})
		c = g.on("2026-03-06").ok(c.ID, g.clerk, "record_answer", map[string]any{"name": "甲公司", "answer": "object"})
		if c.State != cases.StateConsulting {
			t.Fatalf("after one answer: %s", c.State)
		}
		after, err := g.on("2026-03-09").fire(c.ID, g.clerk, "record_answer", map[string]any{"name": "区财政局", "answer": "agree"})
		if err != nil {
			t.Fatal(err)
		}
		last := after.Events[len(after.Events)-1]
		if after.State != cases.StateInProgress || last.Event != cases.EventConsultationDone || last.Actor != "system" ||
			after.Events[len(after.Events)-2].Event != cases.EventRecordAnswer || after.Clock.Pauses[0].End.String() != "2026-03-09" {
			t.Fatalf("after the last answer: %s, last %s by %s, pause %+v", after.State, last.Event, last.Actor, after.Clock.Pauses)
		}

		e := g.refused(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": "rejected.duplicate", "reasons": "重复申请"}, cases.EINVALID)
		if _, ok := e.Fields["duplicate_of"]; !ok {
			t.Errorf("fields %v", e.Fields)
		}
		g.refused(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": "rejected.duplicate", "reasons": "重复申请", "duplicate_of": "GK2026999999"}, cases.EINVALID)
		d := g.ok(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": "rejected.duplicate", "reasons": "重复申请", "duplicate_of": first.TrackingNo})
		if d.Draft == nil || d.Draft.DuplicateOf != first.TrackingNo || d.Draft.DuplicateLetterNo != first.LetterNo {
			t.Fatalf("draft %+v", d.Draft)
		}
		g.ok(c.ID, g.clerk, "withdraw_draft", map[string]any{"reason": "再核对"})

		// record_delivery: a typed proof; a document of another case is refused.
		g.on("2026-03-05")
		g.refused(first.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-05", "proof": map[string]any{"kind": "ems"}}, cases.EINVALID)
		other := d.Documents[0].ID
		g.refused(first.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-05", "proof": map[string]any{"kind": "receipt_card", "document_id": other}}, cases.EINVALID)
		f := g.ok(first.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-05", "proof": map[string]any{"kind": "ems", "number": "EA123456789CN"}})
		if p := string(f.Events[len(f.Events)-1].Payload); !contains(p, `"proof":{"kind":"ems","number":"EA123456789CN"}`) {
			t.Errorf("delivery payload %s", p)
		}
		_ = ctx
	})
}
