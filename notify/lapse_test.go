package notify

import (
	"encoding/json"
	"strings"
	"testing"

	cases "foidesk/case"
)

var applicant = cases.Actor{Kind: cases.ActorApplicant, Name: "applicant"}

// checkLapse checks that the lapse of case id wrote, together, its state, outcome, the system
// event with its reason, the termination letter of that event and the applicant's notice with
// the letter attached.
func checkLapse(t *testing.T, e *env, id int64, event, outcome, day string) {
	t.Helper()
	c, err := e.db.Case(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != cases.StateClosed || c.Outcome != outcome || c.ConcludedOn.String() != day {
		t.Errorf("after %s: state %s outcome %s concluded %s", event, c.State, c.Outcome, c.ConcludedOn)
	}
	ev := c.Events[len(c.Events)-1]
	var p map[string]any
	json.Unmarshal(ev.Payload, &p)
	if ev.Event != cases.EventName(event) || ev.Actor != "system" || ev.ToState != cases.StateClosed || p["reason"] == nil {
		t.Errorf("last event: %s by %s to %s payload %s", ev.Event, ev.Actor, ev.ToState, ev.Payload)
	}
	var letter *cases.Document
	for i := range c.Documents {
		if d := c.Documents[i]; d.Kind == cases.DocTerminationNotice && d.EventSeq == ev.Seq {
			letter = &c.Documents[i]
		}
	}
	if letter == nil || letter.Number == "" {
		t.Fatalf("no numbered termination notice of event %d: %+v", ev.Seq, c.Documents)
	}
	msgs, err := e.db.CaseMessages(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range msgs {
		if m.Kind == "applicant."+event {
			found = true
			if m.Channel != cases.MessageEmail || m.Recipient != "zhangsan@example.cn" || m.DocumentID != letter.ID ||
				!strings.Contains(m.Subject, "终止办理告知书") || !strings.Contains(m.Body, "视为放弃申请") || !strings.Contains(m.Body, letter.Number) {
				t.Errorf("notice: %+v", m)
			}
		}
	}
	if !found {
		t.Errorf("no applicant notice of %s among %d messages", event, len(msgs))
	}
}

// Art. 30: a correction not made by its due date lapses on the first sweep after it — not before —
// and a correction received on the last day is accepted and stops the lapse.
func TestCorrectionLapse(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-14", 9, 0))
			lapsing := e.paper("2026-09-14", "zhangsan@example.cn")
			corrected := e.paper("2026-09-14", "zhangsan@example.cn")
			for _, c := range []*cases.Case{lapsing, corrected} {
				c = e.fire("2026-09-15", c.ID, e.li, "request_correction", map[string]any{"items": []string{"请写明所需信息的文号或者名称。"}})
				if c.CorrectionDue.String() != "2026-10-12" {
					t.Fatalf("correction due %s", c.CorrectionDue)
				}
			}
			// The last day: the applicant corrects one of them; the sweep of that day lapses nothing.
			e.clk.Set(at("2026-10-12", 16, 0))
			if _, err := e.db.TransitionCase(e.ctx, corrected.ID, cases.EventRequest{Event: "submit_correction", Payload: json.RawMessage(`{"text":"文号为望政发〔2025〕3号。"}`)}, applicant, e.db.Now()); err != nil {
				t.Fatalf("correction on the last day refused: %v", err)
			}
			if rep := e.sweep("2026-10-12"); len(rep.Lapses) != 0 {
				t.Fatalf("lapse before the period ended: %v", rep.Lapses)
			}
			rep := e.sweep("2026-10-13")
			if len(rep.Lapses) != 1 || rep.Lapses[0] != (LapseLine{"correction_lapsed", lapsing.TrackingNo}) {
				t.Fatalf("lapses on 10-13: %v", rep.Lapses)
			}
			checkLapse(t, e, lapsing.ID, "correction_lapsed", cases.OutcomeCorrectionLapsed, "2026-10-13")
			if c, _ := e.db.Case(e.ctx, corrected.ID); c.State != cases.StateRegistered || c.ClockStart.String() != "2026-10-12" {
				t.Errorf("corrected case: %s, clock from %s", c.State, c.ClockStart)
			}
			if again := e.sweep("2026-10-13"); len(again.Lapses) != 0 {
				t.Errorf("rerun applied %v", again.Lapses)
			}
			// The clerks learn of it in their inbox (the case was unassigned).
			if n, _ := e.db.UnreadCount(e.ctx, "zhao"); n == 0 {
				t.Error("no inbox message to the clerks")
			}
		})
	}
}

// 国办函〔2020〕109号: a fee not paid within 20 working days of the notice lapses.
func TestFeeLapse(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-08-31", 9, 0))
			c := e.paper("2026-08-31", "zhangsan@example.cn")
			e.fire("2026-08-31", c.ID, e.li, "accept", nil)
			c = e.fire("2026-09-01", c.ID, e.li, "request_fee", map[string]any{"basis": "per_page", "pages": 40})
			if c.FeeDue.String() != "2026-09-29" {
				t.Fatalf("fee due %s", c.FeeDue)
			}
			if rep := e.sweep("2026-09-29"); len(rep.Lapses) != 0 {
				t.Fatalf("lapse on the last day: %v", rep.Lapses)
			}
			rep := e.sweep("2026-09-30")
			if len(rep.Lapses) != 1 || rep.Lapses[0] != (LapseLine{"fee_lapsed", c.TrackingNo}) {
				t.Fatalf("lapses: %v", rep.Lapses)
			}
			checkLapse(t, e, c.ID, "fee_lapsed", cases.OutcomeFeeLapsed, "2026-09-30")
		})
	}
}

// Art. 32, 34: a consultation whose answer due date has passed ends with silence recorded for every
// party without an answer, the pause ending on the due date — even when the sweep runs on a
// holiday (lapses are legal facts; alerts wait for a working day).
func TestConsultationSilence(t *testing.T) {
	for _, engine := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, at("2026-09-07", 9, 0))
			c := e.paper("2026-09-07", "zhangsan@example.cn")
			e.fire("2026-09-07", c.ID, e.li, "accept", nil)
			c = e.fire("2026-09-08", c.ID, e.li, "consult", map[string]any{"parties": []map[string]string{
				{"kind": "third_party", "name": "望城建设有限公司"}, {"kind": "agency", "name": "区财政局"}}})
			if c.ConsultationDue.String() != "2026-09-29" {
				t.Fatalf("consultation due %s", c.ConsultationDue)
			}
			dueBefore := c.ReplyDue
			if rep := e.sweep("2026-09-29"); len(rep.Lapses) != 0 {
				t.Fatalf("silence before the due date passed: %v", rep.Lapses)
			}
			rep := e.sweep("2026-10-03") // Saturday of the National Day holiday
			if len(rep.Lapses) != 1 || rep.Lapses[0] != (LapseLine{"consultation_done", c.TrackingNo}) || len(rep.Alerts) != 0 {
				t.Fatalf("on a holiday: lapses %v alerts %v", rep.Lapses, rep.Alerts)
			}
			got, err := e.db.Case(e.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != cases.StateInProgress || len(got.Parties) != 2 || got.Parties[0].Answer != "silence" || got.Parties[1].Answer != "silence" {
				t.Errorf("after silence: %s %+v", got.State, got.Parties)
			}
			p := got.Clock.Pauses[len(got.Clock.Pauses)-1]
			if p.End.String() != "2026-09-29" || p.Days != 15 {
				t.Errorf("pause %+v", p)
			}
			// 15 working days of consultation are added to the reply deadline.
			if want := e.db.Calendar().AddWorkdays(dueBefore, 15); !got.ReplyDue.Equal(want) {
				t.Errorf("reply due %s, want %s", got.ReplyDue, want)
			}
			if ev := got.Events[len(got.Events)-1]; ev.Event != "consultation_done" || ev.Actor != "system" {
				t.Errorf("last event %s by %s", ev.Event, ev.Actor)
			}
			if again := e.sweep("2026-10-03"); len(again.Lapses) != 0 {
				t.Errorf("rerun: %v", again.Lapses)
			}
		})
	}
}
