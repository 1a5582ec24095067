package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/workflow"
)

// gx is a guard test's world: one database of one engine, its clock and its staff.
type gx struct {
	t                 *testing.T
	db                *DB
	clerk, clerk2     cases.Actor
	sup, both         cases.Actor
	applicant, system cases.Actor
}

func newGX(t *testing.T, db *DB) *gx {
	return &gx{t: t, db: db,
		clerk: staff(t, db, "clerk1", "clerk"), clerk2: staff(t, db, "clerk2", "clerk"),
		sup: staff(t, db, "sup1", "supervisor"), both: staff(t, db, "both1", "clerk,supervisor"),
		applicant: cases.Actor{Kind: cases.ActorApplicant, Name: "applicant"}, system: cases.SystemActor}
}

// on sets the store's clock to 09:00 Beijing time on day.
func (g *gx) on(day string) *gx {
	g.db.Now = func() time.Time { return at(day) }
	return g
}

// paper registers a paper application received on day (Art. 31), the clock set to that day.
func (g *gx) paper(day string) *cases.Case {
	g.t.Helper()
	g.on(day)
	app := sampleApplication()
	app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate(day)
	c, err := g.db.RegisterPaper(context.Background(), app, g.clerk)
	if err != nil {
		g.t.Fatal(err)
	}
	return c
}

func (g *gx) fire(id int64, a cases.Actor, event string, payload any) (*cases.Case, error) {
	var b []byte
	if s, ok := payload.(string); ok {
		b = []byte(s)
	} else if payload != nil {
		b, _ = json.Marshal(payload)
	}
	return g.db.TransitionCase(context.Background(), id, cases.EventRequest{Event: cases.EventName(event), Payload: b}, a, g.db.Now())
}

// ok fires an event that must be accepted and checks the event it appended.
func (g *gx) ok(id int64, a cases.Actor, event string, payload any) *cases.Case {
	g.t.Helper()
	before, err := g.db.Case(context.Background(), id)
	if err != nil {
		g.t.Fatal(err)
	}
	c, err := g.fire(id, a, event, payload)
	if err != nil {
		g.t.Fatalf("%s by %s in %s: %v", event, a.Name, before.State, err)
	}
	last := c.Events[len(c.Events)-1]
	if c.Version != before.Version+1 || c.EventCount != before.EventCount+1 || last.Event != cases.EventName(event) ||
		last.ReplyDueBefore != before.ReplyDue || last.ReplyDueAfter != c.ReplyDue || last.ToState != c.State {
		g.t.Fatalf("%s: version %d→%d, events %d→%d, last %s %s→%s (case %s→%s)", event, before.Version, c.Version,
			before.EventCount, c.EventCount, last.Event, last.ReplyDueBefore, last.ReplyDueAfter, before.ReplyDue, c.ReplyDue)
	}
	return c
}

// refused fires an event that must be refused with code, and checks that nothing changed: the
// case row, its events, documents, remedies and the number sequences, byte for byte.
func (g *gx) refused(id int64, a cases.Actor, event string, payload any, code string) *cases.Error {
	g.t.Helper()
	before := dump(g.t, g.db, id)
	_, err := g.fire(id, a, event, payload)
	if got := cases.ErrorCode(err); got != code {
		g.t.Fatalf("%s by %s: got %q (%v), want %s", event, a.Name, got, err, code)
	}
	if after := dump(g.t, g.db, id); after != before {
		g.t.Fatalf("refused %s changed the database:\nbefore %s\nafter  %s", event, before, after)
	}
	var ce *cases.Error
	ce, _ = err.(*cases.Error)
	if ce == nil || ce.Message == "" || ce.MessageEN == "" {
		g.t.Fatalf("%s: not a coded error with both messages: %#v", event, err)
	}
	return ce
}

// dump renders everything a transition may write for a case, as stored.
func dump(t *testing.T, db *DB, id int64) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT * FROM cases WHERE id = ?`,
		`SELECT * FROM case_events WHERE case_id = ? ORDER BY seq`,
		`SELECT id, kind, number, sha256, size, event_seq FROM documents WHERE case_id = ? ORDER BY id`,
		`SELECT * FROM remedies WHERE case_id = ? ORDER BY id`,
		`SELECT * FROM sequences WHERE agency_id IN (SELECT agency_id FROM cases WHERE id = ?) ORDER BY class, year`,
	} {
		rows, err := db.W.Queryx(db.W.Rebind(q), id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%#v\n", vals)
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func date(s string) cases.Date { return cases.MustDate(s) }

func wantDates(t *testing.T, what string, got cases.Date, want string) {
	t.Helper()
	if got.String() != want {
		t.Fatalf("%s = %s, want %s", what, got, want)
	}
}

var (
	parties = map[string]any{"parties": []map[string]any{{"kind": "third_party", "name": "某建设公司"}}}
	agreed  = map[string]any{"answers": []map[string]any{{"name": "某建设公司", "answer": "agree"}}}
	fee40   = map[string]any{"basis": "per_page", "pages": 40} // 10 pages over 30: 100 元
	items   = map[string]any{"items": []string{"请写明所需信息的文件名称或文号"}}
)

// Art. 30: the correction notice goes out within 7 working days of receipt — received Wednesday
// 2026-04-01, the 7th working day is Monday 2026-04-13 across the Qingming holiday (4/4–4/6):
// allowed that day, refused on 2026-04-14; only from registered or in_progress.
func TestGuardArt30CorrectionWindow(t *testing.T) {
	forEachEngine(t, at("2026-04-01"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		a := g.paper("2026-04-01")
		wantDates(t, "correction_notice_by", a.CorrectionNoticeBy, "2026-04-13")
		b := g.paper("2026-04-01")
		c := g.paper("2026-04-01")
		g.ok(c.ID, g.clerk, "accept", nil)
		d := g.paper("2026-04-01")
		g.ok(d.ID, g.clerk, "accept", nil)
		g.ok(d.ID, g.clerk, "consult", parties)

		g.on("2026-04-14")
		e := g.refused(b.ID, g.clerk, "request_correction", items, cases.ECONFLICT) // day 8
		if !strings.Contains(e.Message, "第三十条") {
			t.Errorf("message does not cite Art. 30: %s", e.Message)
		}
		g.on("2026-04-13")
		g.refused(a.ID, g.sup, "request_correction", items, cases.EFORBIDDEN)                                  // clerk only
		g.refused(d.ID, g.clerk, "request_correction", items, cases.ECONFLICT)                                 // not while consulting
		g.refused(a.ID, g.clerk, "request_correction", map[string]any{"items": []string{" "}}, cases.EINVALID) // list what to correct
		g.refused(a.ID, g.clerk, "request_correction", map[string]any{"items": []string{"x"}, "period_days": 0}, cases.EINVALID)
		ca := g.ok(a.ID, g.clerk, "request_correction", items) // day 7, from registered
		if ca.State != cases.StateAwaitingCorrection || ca.ReplyDue != a.ReplyDue {
			t.Fatalf("after request_correction: %s, due %s (was %s)", ca.State, ca.ReplyDue, a.ReplyDue)
		}
		wantDates(t, "correction_due", ca.CorrectionDue, "2026-05-07") // 15 working days (5/1–5/5 off)
		cc := g.ok(c.ID, g.clerk, "request_correction", items)         // day 7, from in_progress
		if cc.State != cases.StateAwaitingCorrection {
			t.Fatal(cc.State)
		}
		// Only once (Art. 30): after the correction the case is registered again, and a second
		// notice is refused even within the window.
		g.ok(a.ID, g.applicant, "submit_correction", map[string]any{"text": "文件名称为《老旧小区改造资金管理办法》"})
		g.refused(a.ID, g.clerk, "request_correction", items, cases.ECONFLICT)
	})
}

// Art. 30: the 20-day clock restarts from the day the corrected application is received, and
// pauses before the restart no longer count.
func TestGuardArt30CorrectionRestartsClock(t *testing.T) {
	forEachEngine(t, at("2026-04-01"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		c := g.paper("2026-04-01")
		wantDates(t, "reply_due", c.ReplyDue, "2026-04-30")
		g.ok(c.ID, g.clerk, "accept", nil)
		g.on("2026-04-02").ok(c.ID, g.clerk, "consult", parties)
		c = g.on("2026-04-08").ok(c.ID, g.clerk, "consultation_done", agreed)
		if c.PausedDays != 3 { // (4/2, 4/8]: 4/3, 4/7, 4/8
			t.Fatalf("paused %d", c.PausedDays)
		}
		wantDates(t, "reply_due after the pause", c.ReplyDue, "2026-05-08")
		c = g.on("2026-04-09").ok(c.ID, g.clerk, "request_correction", items)
		wantDates(t, "correction_due", c.CorrectionDue, "2026-04-30")
		c = g.on("2026-04-20").ok(c.ID, g.applicant, "submit_correction", map[string]any{"text": "补正内容", "received_on": "2026-04-01"})
		if c.State != cases.StateRegistered || c.PausedDays != 0 {
			t.Fatalf("after the correction: %s, paused %d", c.State, c.PausedDays)
		}
		// The applicant's correction is received the day it is submitted, whatever the payload says.
		wantDates(t, "clock_start", c.ClockStart, "2026-04-20")
		wantDates(t, "reply_due", c.ReplyDue, "2026-05-20") // 20 working days; 5/1–5/5 off, 5/9 worked
		last := c.Events[len(c.Events)-1]
		wantDates(t, "reply_due_before", last.ReplyDueBefore, "2026-05-08")
		wantDates(t, "reply_due_after", last.ReplyDueAfter, "2026-05-20")
		wantDates(t, "received_on (Art. 31, unchanged)", c.ReceivedOn, "2026-04-01")
	})
}

// Art. 30: a correction on the last day of the period is in time; the day after, the applicant
// is refused and the sweep may lapse the case; a clerk may record a correction received in time
// but registered later.
func TestGuardArt30CorrectionLastDay(t *testing.T) {
	forEachEngine(t, at("2026-04-01"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		var ids [3]int64
		for i := range ids {
			c := g.paper("2026-04-01")
			c = g.on("2026-04-09").ok(c.ID, g.clerk, "request_correction", items)
			wantDates(t, "correction_due", c.CorrectionDue, "2026-04-30")
			ids[i] = c.ID
		}
		g.on("2026-04-30")
		g.refused(ids[1], g.system, "correction_lapsed", nil, cases.ECONFLICT) // not yet lapsed
		c := g.ok(ids[0], g.applicant, "submit_correction", map[string]any{"text": "补正内容"})
		wantDates(t, "clock_start", c.ClockStart, "2026-04-30")
		wantDates(t, "reply_due", c.ReplyDue, "2026-06-01")

		g.on("2026-05-06")
		g.refused(ids[1], g.applicant, "submit_correction", map[string]any{"text": "迟到的补正"}, cases.ECONFLICT)
		g.refused(ids[2], g.clerk, "submit_correction", map[string]any{"text": "补正", "received_on": "2026-05-06"}, cases.ECONFLICT)
		g.refused(ids[2], g.clerk, "submit_correction", map[string]any{"text": "补正", "received_on": "2026-04-08"}, cases.EINVALID)  // before the notice
		g.refused(ids[2], g.clerk, "submit_correction", map[string]any{"text": "补正", "received_on": "2026-05-07"}, cases.ECONFLICT) // lapsed (history) before future (payload)
		g.refused(ids[2], g.clerk, "submit_correction", map[string]any{"received_on": "2026-04-30"}, cases.EINVALID)                // nothing corrected
		c = g.ok(ids[2], g.clerk, "submit_correction", map[string]any{"text": "邮寄的补正材料", "received_on": "2026-04-30"})
		wantDates(t, "clock_start", c.ClockStart, "2026-04-30")
		g.refused(ids[1], g.clerk, "correction_lapsed", nil, cases.EFORBIDDEN) // the sweep's event
		c = g.ok(ids[1], g.system, "correction_lapsed", nil)
		if c.State != cases.StateClosed || c.Outcome != cases.OutcomeCorrectionLapsed || c.ConcludedOn.String() != "2026-05-06" {
			t.Fatalf("lapsed: %s %s %s", c.State, c.Outcome, c.ConcludedOn)
		}
	})
}

// docs/rules.md §4: a consultation (Art. 32, 34) or a fee notice (Art. 42) begins only on or before
// the current reply deadline, and each pause adds exactly the working days of (start, end].
func TestGuardPausesOnOrBeforeDeadline(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		var ids [5]int64
		for i := range ids {
			c := g.paper("2026-03-02")
			wantDates(t, "reply_due", c.ReplyDue, "2026-03-30")
			g.ok(c.ID, g.clerk, "accept", nil)
			ids[i] = c.ID
		}
		g.on("2026-03-31") // the day after the deadline: an overdue case cannot be rescued
		g.refused(ids[0], g.clerk, "consult", parties, cases.ECONFLICT)
		g.refused(ids[0], g.clerk, "request_fee", fee40, cases.ECONFLICT)

		g.on("2026-03-30") // the deadline itself
		g.refused(ids[1], g.clerk, "consult", map[string]any{"parties": []map[string]any{}}, cases.EINVALID)
		g.refused(ids[1], g.clerk, "consult", map[string]any{"parties": []map[string]any{{"kind": "friend", "name": "x"}}}, cases.EINVALID)
		g.refused(ids[1], g.sup, "consult", parties, cases.EFORBIDDEN)
		c := g.ok(ids[1], g.clerk, "consult", parties)
		if c.State != cases.StateConsulting || c.ReplyDue.String() != "2026-03-30" {
			t.Fatalf("consult: %s due %s", c.State, c.ReplyDue) // request_correction/consult/request_fee never move it
		}
		wantDates(t, "consultation_due", c.ConsultationDue, "2026-04-21") // 15 working days from the letter
		g.refused(ids[1], g.clerk, "consultation_done", map[string]any{"answers": []map[string]any{{"name": "某建设公司", "answer": "silence"}}}, cases.EINVALID)
		c = g.on("2026-04-10").ok(ids[1], g.clerk, "consultation_done", agreed)
		if c.PausedDays != 8 || len(c.Clock.Pauses) != 1 || c.Clock.Pauses[0].Days != 8 { // (3/30, 4/10]
			t.Fatalf("paused %d %+v", c.PausedDays, c.Clock.Pauses)
		}
		wantDates(t, "reply_due", c.ReplyDue, "2026-04-10")

		c = g.on("2026-03-30").ok(ids[2], g.clerk, "request_fee", fee40)
		if c.State != cases.StateAwaitingFee || c.Fee == nil || c.Fee.Amount != 100 || c.ReplyDue.String() != "2026-03-30" {
			t.Fatalf("fee: %s %+v due %s", c.State, c.Fee, c.ReplyDue)
		}
		wantDates(t, "fee_due", c.FeeDue, "2026-04-28")
		g.on("2026-04-09")
		g.refused(ids[2], g.clerk, "fee_paid", map[string]any{"paid_on": "2026-04-10"}, cases.EINVALID) // future
		g.refused(ids[2], g.clerk, "fee_paid", map[string]any{"paid_on": "2026-03-27"}, cases.EINVALID) // before the notice
		c = g.ok(ids[2], g.clerk, "fee_paid", map[string]any{"paid_on": "2026-04-08"})
		if c.PausedDays != 6 { // (3/30, 4/8]
			t.Fatalf("paused %d", c.PausedDays)
		}
		wantDates(t, "reply_due", c.ReplyDue, "2026-04-08")

		// A silent party: the sweep ends the consultation on the first day after its due date, and
		// the pause ends on the due date (Art. 32: the agency decides; Art. 34: deemed consent).
		c = g.on("2026-03-02").ok(ids[3], g.clerk, "consult", parties)
		wantDates(t, "consultation_due", c.ConsultationDue, "2026-03-23")
		g.on("2026-03-23").refused(ids[3], g.system, "consultation_done", nil, cases.ECONFLICT)
		c = g.on("2026-03-25").ok(ids[3], g.system, "consultation_done", nil)
		if c.PausedDays != 15 || c.Parties[0].Answer != "silence" {
			t.Fatalf("silence: paused %d, %+v", c.PausedDays, c.Parties)
		}
		wantDates(t, "reply_due", c.ReplyDue, "2026-04-21") // 3/30 + 15 working days

		// Two pauses of one epoch add up, each counted once.
		g.on("2026-03-03").ok(ids[4], g.clerk, "consult", parties)
		g.on("2026-03-05").ok(ids[4], g.clerk, "consultation_done", agreed) // 2 days
		g.on("2026-03-06").ok(ids[4], g.clerk, "request_fee", fee40)
		c = g.on("2026-03-13").ok(ids[4], g.clerk, "fee_paid", map[string]any{"paid_on": "2026-03-12"}) // (3/6, 3/12]: 4 days
		if c.PausedDays != 6 {
			t.Fatalf("two pauses: %d", c.PausedDays)
		}
		wantDates(t, "reply_due", c.ReplyDue, "2026-04-08")
	})
}

// Art. 33: an extension is decided by a supervisor (the head of the disclosure office), once, on
// or before the current deadline, by at most 20 working days, with a reason.
func TestGuardArt33Extend(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		a, b := g.paper("2026-03-02"), g.paper("2026-03-02")
		ext := func(days int) map[string]any {
			return map[string]any{"days": days, "reason": "需要调取多年档案"}
		}
		g.on("2026-03-30")
		g.refused(a.ID, g.clerk, "extend", ext(5), cases.EFORBIDDEN)
		g.refused(a.ID, g.sup, "extend", ext(21), cases.EINVALID)
		g.refused(a.ID, g.sup, "extend", ext(0), cases.EINVALID)
		g.refused(a.ID, g.sup, "extend", map[string]any{"days": 5}, cases.EINVALID) // a reason
		c := g.ok(a.ID, g.sup, "extend", ext(20))
		wantDates(t, "reply_due", c.ReplyDue, "2026-04-28")
		if c.ExtendedDays != 20 {
			t.Fatal(c.ExtendedDays)
		}
		g.refused(a.ID, g.sup, "extend", ext(1), cases.ECONFLICT)
		g.refused(a.ID, g.sup, "extend", ext(21), cases.ECONFLICT) // history before payload
		g.on("2026-03-31").refused(b.ID, g.sup, "extend", ext(5), cases.ECONFLICT)
		// The extension notice is issued with the event.
		found := false
		for _, d := range c.Documents {
			found = found || d.Kind == cases.DocExtensionNotice && d.Number != ""
		}
		if !found {
			t.Fatalf("no numbered extension notice: %+v", c.Documents)
		}
	})
}

// Outcome guards of draft_reply: unavailable.unclear only after a received correction (Art. 30);
// the lapse outcomes only through their lapse events.
func TestGuardDraftOutcomes(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		draft := func(outcome string) map[string]any {
			return map[string]any{"outcome": outcome, "reasons": "经补正后申请内容仍不明确。"}
		}
		g.refused(c.ID, g.clerk, "draft_reply", draft(cases.OutcomeUnclear), cases.ECONFLICT)
		g.refused(c.ID, g.clerk, "draft_reply", draft(cases.OutcomeCorrectionLapsed), cases.EINVALID)
		g.refused(c.ID, g.clerk, "draft_reply", draft(cases.OutcomeFeeLapsed), cases.EINVALID)
		g.refused(c.ID, g.clerk, "draft_reply", draft("withhold.nonsense"), cases.EINVALID)
		g.refused(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose}, cases.EINVALID) // reasons
		g.refused(c.ID, g.sup, "draft_reply", draft(cases.OutcomeDisclose), cases.EFORBIDDEN)
		g.on("2026-03-03").ok(c.ID, g.clerk, "request_correction", items)
		g.on("2026-03-04").ok(c.ID, g.applicant, "submit_correction", map[string]any{"text": "补正内容"})
		c = g.ok(c.ID, g.clerk, "draft_reply", draft(cases.OutcomeUnclear))
		if c.State != cases.StatePendingApproval || c.Draft == nil || c.Draft.Outcome != cases.OutcomeUnclear {
			t.Fatalf("%s %+v", c.State, c.Draft)
		}
		g.refused(c.ID, g.clerk, "draft_reply", draft(cases.OutcomeDisclose), cases.ECONFLICT) // already drafted
	})
}

// The supervisor approves (保密审查), never the clerk who drafted the reply — even one who also
// holds the supervisor role; a reply is archived only with its delivery recorded (Art. 45).
func TestGuardApproveAndArchive(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		g.ok(c.ID, g.both, "accept", nil)
		g.on("2026-03-10").ok(c.ID, g.both, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开。"})
		g.refused(c.ID, g.both, "approve", nil, cases.EFORBIDDEN)
		g.refused(c.ID, g.clerk, "approve", nil, cases.EFORBIDDEN)
		g.refused(c.ID, g.clerk, "archive", nil, cases.ECONFLICT) // not replied yet
		c = g.ok(c.ID, g.sup, "approve", nil)
		if c.State != cases.StateReplied || c.LetterNo == "" || c.Outcome != cases.OutcomeDisclose || c.ConcludedOn.String() != "2026-03-10" {
			t.Fatalf("approved: %s %q %s %s", c.State, c.LetterNo, c.Outcome, c.ConcludedOn)
		}
		g.on("2026-03-12")
		g.refused(c.ID, g.clerk, "archive", nil, cases.ECONFLICT) // delivery not recorded
		g.refused(c.ID, g.clerk, "record_delivery", map[string]any{"way": "pigeon", "delivered_on": "2026-03-11"}, cases.EINVALID)
		g.refused(c.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-09"}, cases.EINVALID) // before the reply
		g.refused(c.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-13"}, cases.EINVALID) // future
		c = g.ok(c.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-11"})
		c = g.ok(c.ID, g.sup, "archive", nil)
		if c.State != cases.StateArchived || c.ArchivedOn.String() != "2026-03-12" {
			t.Fatalf("archived: %s %s", c.State, c.ArchivedOn)
		}
		// Archived cases are read-only except a reopen, remedy records and notes (Art. 45).
		g.refused(c.ID, g.clerk, "record_delivery", map[string]any{"way": "post", "delivered_on": "2026-03-11"}, cases.ECONFLICT)
		g.refused(c.ID, g.sup, "extend", map[string]any{"days": 3, "reason": "x"}, cases.ECONFLICT)
		g.ok(c.ID, g.clerk, "add_note", map[string]any{"text": "已归档"})
		g.ok(c.ID, g.clerk, "record_remedy", map[string]any{"kind": "reconsideration", "filed_on": "2026-03-12"})
		c = g.ok(c.ID, g.sup, "reopen", map[string]any{"reason": "复议决定责令重新答复"})
		if c.State != cases.StateInProgress || c.Outcome != "" || c.Handling != 2 {
			t.Fatalf("reopened: %s %q %d", c.State, c.Outcome, c.Handling)
		}
		wantDates(t, "reply_due after reopen", c.ReplyDue, "2026-04-10") // 20 working days from 3/12
	})
}

// docs/design.md: unknown event 422 → role or relation 403 → state or history 409 → payload 422.
func TestGuardCheckOrder(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		bad := map[string]any{"days": 99}
		g.refused(c.ID, g.sup, "approve_everything", nil, cases.EINVALID)
		g.refused(c.ID, g.applicant, "", nil, cases.EINVALID)
		g.refused(c.ID, g.clerk, "approve", nil, cases.EFORBIDDEN) // role before state
		g.refused(c.ID, g.sup, "approve", nil, cases.ECONFLICT)    // state
		g.refused(c.ID, g.clerk, "extend", bad, cases.EFORBIDDEN)  // role before payload
		g.refused(c.ID, g.sup, "extend", bad, cases.EINVALID)      // payload last
		g.refused(c.ID, g.sup, "extend", `{"days": 3, "reason": "x"`, cases.EINVALID)
		if e := g.refused(c.ID, g.sup, "extend", `{"days": 3, "reason": "x", "evil": true}`, cases.EINVALID); e.Fields["evil"] == "" { // unknown field
			t.Fatalf("unknown field not named: %+v", e)
		}
		g.refused(c.ID, g.sup, "extend", `[3]`, cases.EINVALID)
		g.refused(c.ID, g.sup, "extend", `{"days": "three", "reason": "x"}`, cases.EINVALID)
		// The API body's event and expected_version beside the payload are not unknown fields.
		g.ok(c.ID, g.clerk, "add_note", `{"event": "add_note", "expected_version": 1, "text": "备注"}`)
		g.ok(c.ID, g.clerk, "accept", nil)
		g.on("2026-03-10").ok(c.ID, g.clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "予以公开。"})
		g.refused(c.ID, g.clerk, "extend", bad, cases.EFORBIDDEN) // extend is possible here, not for a clerk
		// A case that has been archived: role still comes first.
		g.ok(c.ID, g.sup, "approve", nil)
		g.refused(c.ID, g.clerk, "reopen", map[string]any{}, cases.EFORBIDDEN)
		g.refused(c.ID, g.sup, "reopen", map[string]any{}, cases.EINVALID) // reason
		g.refused(c.ID, g.sup, "reopen", map[string]any{"reason": "x", "due_on": "2026-03-10"}, cases.EINVALID)
		// The applicant may only withdraw (or correct); a stale expected_version loses.
		g.refused(c.ID, g.applicant, "withdraw", nil, cases.ECONFLICT) // replied: not any more
		v := 1
		b, _ := json.Marshal(map[string]any{"text": "备注"})
		if _, err := db.TransitionCase(context.Background(), c.ID, cases.EventRequest{Event: "add_note", ExpectedVersion: &v, Payload: b}, g.clerk, db.Now()); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("stale expected_version: %v", err)
		}
		// An unknown case is not found.
		if _, err := g.fire(999999, g.sup, "add_note", map[string]any{"text": "x"}); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("unknown case: %v", err)
		}
	})
}

// Staff act only on their own agency's cases (403), and an online application is received only
// when a clerk registers it (Art. 31); the applicant may withdraw it before (discarded).
func TestGuardAgencyAndRegistration(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		other, err := db.CreateAgency(ctx, "finance", "区财政局", cases.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		rs, _ := ParseRoles("clerk,supervisor")
		u, err := db.CreateUser(ctx, "fin1", "correct horse battery", rs, other.ID, "fin1")
		if err != nil {
			t.Fatal(err)
		}
		outsider := u.Actor()
		c, _, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		g.refused(c.ID, outsider, "register", nil, cases.EFORBIDDEN)
		g.refused(c.ID, g.applicant, "register", nil, cases.EFORBIDDEN)
		g.refused(c.ID, g.clerk, "accept", nil, cases.ECONFLICT) // not received
		g.refused(c.ID, g.clerk, "discard", map[string]any{}, cases.EINVALID)
		r := g.on("2026-03-03").ok(c.ID, g.clerk, "register", nil)
		wantDates(t, "received_on", r.ReceivedOn, "2026-03-03")
		wantDates(t, "reply_due", r.ReplyDue, "2026-03-31")
		d, _, err := db.CreateApplication(ctx, sampleApplication())
		if err != nil {
			t.Fatal(err)
		}
		d = g.ok(d.ID, g.applicant, "withdraw", nil)
		if d.State != cases.StateDiscarded || d.Outcome != "" || !d.ReceivedOn.IsZero() {
			t.Fatalf("withdrawn before registration: %s %q %s", d.State, d.Outcome, d.ReceivedOn)
		}
		r = g.ok(r.ID, g.applicant, "withdraw", map[string]any{"reason": "不再需要"})
		if r.State != cases.StateClosed || r.Outcome != cases.OutcomeOther {
			t.Fatalf("withdrawn: %s %q", r.State, r.Outcome)
		}
	})
}

// docs/rules.md §3: a calendar change recomputes every open case once. Another foidesk instance on
// the same database (docs/design.md "Storage": several instances behind a load balancer) must not
// undo it with the calendar it cached before the change.
func TestGuardCalendarChangeSeenByOtherInstance(t *testing.T) {
	forEachEngine(t, at("2026-03-02"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		g := newGX(t, db)
		c := g.paper("2026-03-02")
		wantDates(t, "reply_due", c.ReplyDue, "2026-03-30")
		other, err := Open(db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.Now = db.Now
		_ = other.Calendar() // instance B has loaded the calendar
		if _, err := db.SetCalendarDay(ctx, workflow.Override{Day: date("2026-03-16"), Work: false, Note: "临时调整"}, "admin"); err != nil {
			t.Fatal(err)
		}
		moved, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantDates(t, "reply_due after the change", moved.ReplyDue, "2026-03-31")
		n, err := other.TransitionCase(ctx, c.ID, cases.EventRequest{Event: "add_note", Payload: payload(map[string]any{"text": "备注"})}, g.clerk, other.Now())
		if err != nil {
			t.Fatal(err)
		}
		last := n.Events[len(n.Events)-1]
		if n.ReplyDue.String() != "2026-03-31" || last.ReplyDueBefore != last.ReplyDueAfter {
			t.Fatalf("instance B moved the deadline back: %s (event %s → %s)", n.ReplyDue, last.ReplyDueBefore, last.ReplyDueAfter)
		}
		if other.Calendar().IsWorkday(date("2026-03-16")) {
			t.Fatal("instance B still shows 2026-03-16 as a working day")
		}
	})
}
