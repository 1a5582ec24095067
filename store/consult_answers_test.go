package store

import (
	"context"
	"testing"

	cases "foidesk/case"
)

// Art. 32, 34 and docs/rules.md §4 "Several consulted parties": each answer is recorded when it
// arrives; the last party's answer ends the consultation (consultation_done by the system, the
// pause ending that day); a second answer of a party is refused; silence is recorded only for the
// parties still silent at the due date, never over an objection; after the sweep has ended the
// consultation an answer is refused.
func TestArt32_SeveralPartiesAnswerOneByOne(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-03-02")
		open := func() *cases.Case {
			c, err := db.RegisterPaper(ctx, app, clerk)
			if err != nil {
				t.Fatal(err)
			}
			mustFire(t, db, c.ID, clerk, "accept", nil)
			return mustFire(t, db, c.ID, clerk, "consult", map[string]any{"parties": []map[string]string{
				{"kind": "third_party", "name": "甲建设公司"}, {"kind": "third_party", "name": "乙物业公司"}}})
		}

		// Both answer: the second answer ends the consultation that day.
		setNow(db, "2026-03-02")
		c := open()
		setNow(db, "2026-03-06")
		c = mustFire(t, db, c.ID, clerk, "record_answer", map[string]any{"name": " 甲建设公司 ", "answer": "object", "text": "涉及商业秘密"})
		if c.State != cases.StateConsulting || c.Parties[0].Answer != "object" {
			t.Fatalf("after the first answer: %s %+v", c.State, c.Parties)
		}
		for _, bad := range []struct {
			payload map[string]any
			code    string
		}{
			{map[string]any{"name": "甲建设公司", "answer": "agree"}, cases.ECONFLICT},  // answered already
			{map[string]any{"name": "丙公司", "answer": "agree"}, cases.EINVALID},     // not consulted
			{map[string]any{"name": "乙物业公司", "answer": "silence"}, cases.EINVALID}, // silence is the sweep's
		} {
			if _, err := fire(t, db, c.ID, clerk, "record_answer", bad.payload); cases.ErrorCode(err) != bad.code {
				t.Errorf("%v: %v, want %s", bad.payload, err, bad.code)
			}
		}
		setNow(db, "2026-03-10")
		c = mustFire(t, db, c.ID, clerk, "record_answer", map[string]any{"name": "乙物业公司", "answer": "agree"})
		last := c.Events[len(c.Events)-1]
		if c.State != cases.StateInProgress || last.Event != "consultation_done" || last.Actor != "system" {
			t.Fatalf("after the last answer: %s, last event %s by %s", c.State, last.Event, last.Actor)
		}
		if c.Parties[0].Answer != "object" || c.Parties[1].Answer != "agree" {
			t.Errorf("answers: %+v", c.Parties)
		}
		if p := c.Clock.Pauses[len(c.Clock.Pauses)-1]; !p.End.Equal(cases.MustDate("2026-03-10")) {
			t.Errorf("pause ended %s, want the day of the last answer", p.End)
		}

		// One objects early, the other stays silent: the sweep records silence for the silent one
		// only, and the objection is kept; an answer after that is refused (409).
		setNow(db, "2026-03-02")
		d := open()
		setNow(db, "2026-03-06")
		mustFire(t, db, d.ID, clerk, "record_answer", map[string]any{"name": "甲建设公司", "answer": "object"})
		after := at("2026-03-24") // consultation due 2026-03-23
		d2, err := db.TransitionCase(ctx, d.ID, cases.EventRequest{Event: cases.EventConsultationDone}, cases.SystemActor, after)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Parties[0].Answer != "object" || d2.Parties[1].Answer != "silence" || d2.State != cases.StateInProgress {
			t.Errorf("after the silence sweep: %s %+v", d2.State, d2.Parties)
		}
		setNow(db, "2026-03-25")
		if _, err := fire(t, db, d.ID, clerk, "record_answer", map[string]any{"name": "乙物业公司", "answer": "agree"}); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("an answer after the sweep: %v", err)
		}
	})
}
